from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Deputy, DeputyGroup, Role, RoleAssignment, Term
from .scopes import DISTRICT_WIDE, deputies_editable_by, deputies_visible_to, user_scope

# What each role will do in the system, shown on its home-page card.
ROLE_DUTIES = {
    Role.OFFICE_STAFF: _(
        "维护全区代表名册，导入履职台账，开展年度履职评价，生成履职情况反馈表，提出约谈告诫建议。"
    ),
    Role.COMMITTEE_STAFF: _("组织专题调研、集中视察、执法检查等活动，登记代表参加情况。"),
    Role.TOWN_STAFF: _("维护本镇（街道）代表的履职台账：活动、联系选民、家站点接待，导入台账。"),
    Role.GROUP_LEADER: _("组织代表小组活动，报送小组年度述职报告，关注组员履职情况。"),
    Role.DELEGATION_HEAD: _("审核本团代表的大会请假申请，了解本团代表履职情况。"),
    Role.SECRETARY_GENERAL: _("审批代表的大会请假申请，掌握大会出席情况。"),
    Role.QUALIFICATION: _("审阅约谈告诫建议名单，记录约谈、告诫情况。"),
    Role.LEADERSHIP: _("查看全区代表履职情况和年度履职评价。"),
    Role.DEPUTY: _("查看本人履职记录和年度履职情况反馈，提交请假申请，评价议案建议办理。"),
}


def _role_cards(user, scope):
    """One card per role, in the order of Role, each with the names of its scope."""
    scopes = {role: [] for role in scope.roles}
    assignments = RoleAssignment.objects.filter(user=user).select_related(
        "delegation", "group", "organiser"
    )
    for assignment in assignments:
        target = assignment.delegation or assignment.group or assignment.organiser
        if target and assignment.role in scopes:
            scopes[assignment.role].append(str(target))
    if Role.GROUP_LEADER in scopes:
        led = DeputyGroup.objects.filter(leader__user=user).values_list("name", flat=True)
        scopes[Role.GROUP_LEADER].extend(
            name for name in led if name not in scopes[Role.GROUP_LEADER]
        )
    if Role.DEPUTY in scopes:
        own = Deputy.objects.filter(user=user).select_related("term", "delegation")
        scopes[Role.DEPUTY] = [f"{d.term} · {d.delegation}" for d in own]
    for role in DISTRICT_WIDE & scopes.keys():
        scopes[role] = scopes[role] or [_("全区")]
    return [
        {"role": role, "label": role.label, "scope": scopes[role], "duties": ROLE_DUTIES[role]}
        for role in Role
        if role in scopes
    ]


@login_required
def home(request):
    """A simple home page per role; the feature pages come in later issues."""
    scope = user_scope(request.user)
    term = Term.for_year(timezone.localdate().year)
    in_term = Deputy.objects.filter(term=term)
    context = {
        "scope": scope,
        "term": term,
        "role_cards": _role_cards(request.user, scope),
        "visible_count": deputies_visible_to(request.user, in_term).count() if term else 0,
        "editable_count": deputies_editable_by(request.user, in_term).count() if term else 0,
    }
    return render(request, "home.html", context)


def healthz(request):
    """Liveness: the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return JsonResponse({"database": "ok"})
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        return JsonResponse({"database": str(exc)}, status=503)
