"""activities: congress sessions, attendance and leave (session_urls) and activities,
communications and 社情民意 (activity_urls)."""

from .activity_urls import urlpatterns as activity_patterns
from .session_urls import urlpatterns as session_patterns

app_name = "activities"
urlpatterns = [*session_patterns, *activity_patterns]
