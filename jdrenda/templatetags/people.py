"""{% person user %}: a user as shown on screen (jdrenda.people), once per person per page."""

from django import template

from jdrenda.people import display_user

register = template.Library()


@register.simple_tag(takes_context=True)
def person(context, user, default="—", role=True):
    """`{% person r.reviewed_by %}` → 莫云云（组长）; `default` when there is no user (e.g.
    "系统" for a change the system made); `role=False` for the name alone. The same person on
    many rows of a page is looked up once (memo on the request)."""
    if user is None or not getattr(user, "pk", None):
        return default
    request = context.get("request")
    memo = getattr(request, "_jd_people", None) if request is not None else None
    if memo is None:
        memo = {}
        if request is not None:
            request._jd_people = memo
    if request is not None and getattr(request.user, "pk", None) == user.pk:
        user = request.user  # its scope is already read for the navigation
    key = (user.pk, bool(role))
    if key not in memo:
        memo[key] = display_user(user, with_role=role)
    return memo[key]
