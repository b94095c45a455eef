"""{% unread_notifications as count %}: the bell's number, one COUNT query per request."""

from django import template

from supervision.notifications.services import unread_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notifications(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    # Cached on the request: a page that shows the bell twice still asks once.
    if not hasattr(request, "_jdrenda_unread"):
        request._jdrenda_unread = unread_count(user)
    return request._jdrenda_unread
