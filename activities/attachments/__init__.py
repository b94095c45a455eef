"""Attachments of activities and receptions (photos, PDF): checked by content, stored under
MEDIA_ROOT, served in the record's scope."""
