"""How a person is named on screen: the one helper (issue 11, item 8).

A user is shown by their name, never their username: the deputy's name when the account is
a deputy's, else the user's full name, else (an account nobody named) the username. Where it
helps, the role follows in brackets: "莫云云（组长）". Templates use `{% person user %}`
(jdrenda/templatetags/people.py); allauth's messages use it through ACCOUNT_USER_DISPLAY.
"""

from django.utils.translation import gettext_lazy as _

from deputies.models import Deputy, Role
from deputies.scopes import user_scope

# Short labels, most senior first: a person holding several roles is named by the first.
ROLE_LABELS = {
    Role.LEADERSHIP: _("常委会领导"),
    Role.SECRETARY_GENERAL: _("秘书长"),
    Role.DELEGATION_HEAD: _("团长"),
    Role.QUALIFICATION: _("代表资格审查委员会"),
    Role.OFFICE_STAFF: _("人事代表工委"),
    Role.COMMITTEE_STAFF: _("专委会"),
    Role.TOWN_STAFF: _("镇（街道）人大"),
    Role.LIAISON: _("联络员"),
    Role.GROUP_LEADER: _("组长"),
    Role.DEPUTY: _("代表"),
}


def person_name(user) -> str:
    """The person's name (no role)."""
    return _facts(user)[0]


def person_role(user) -> str:
    """The short label of the person's most senior role, "" when they hold none."""
    return _facts(user)[1]


def display_user(user, with_role: bool = True) -> str:
    """ "莫云云（组长）", or the name alone when asked or when the user holds no role.
    (The office's superuser counts as office staff, as in deputies.scopes.)"""
    name, role = _facts(user)
    return f"{name}（{role}）" if with_role and role else name


def user_display(user) -> str:
    """allauth's ACCOUNT_USER_DISPLAY ("已以 莫云云（组长） 身份登录")."""
    return display_user(user)


def _facts(user) -> tuple[str, str]:
    """(name, role label), read once per user object. The roles come from the user's scope
    (deputies.scopes.user_scope, cached on the user: the signed-in user's is already read for
    the navigation), so naming the signed-in user costs no query for staff and one (the
    deputy's name) for a deputy."""
    cached = getattr(user, "_jd_person", None)
    if cached is not None:
        return cached
    scope = user_scope(user)
    deputy_name = None
    if scope.deputy_ids:
        deputy_name = (
            Deputy.objects.filter(pk__in=scope.deputy_ids)
            .order_by("-term__start_date")
            .values_list("name", flat=True)
            .first()
        )
    name = deputy_name or f"{user.last_name}{user.first_name}".strip() or user.get_username()
    role = next((str(label) for r, label in ROLE_LABELS.items() if r in scope.roles), "")
    user._jd_person = (name, role)
    return user._jd_person
