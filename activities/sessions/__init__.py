"""Congress sessions (大会): meetings, attendance, leave requests, speeches, the sign-in
sheet."""
