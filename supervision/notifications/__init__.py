"""Notifications: the inbox, e-mail and digests, the weekly shortfall scan and the reminders."""
