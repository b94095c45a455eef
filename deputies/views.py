from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from jdrenda import listing
from jdrenda.params import int_param
from jdrenda.todo import todo_items
from jdrenda.views import apply_errors, confirm_delete, form_page

from . import forms, permissions, privacy, selectors, services
from .models import (
    MAX_LIAISON_DEPUTIES,
    MIN_LIAISON_DEPUTIES,
    Constituent,
    Delegation,
    Deputy,
    DeputyGroup,
    LiaisonAssignment,
    Role,
    RoleAssignment,
    ServicePeriod,
    Suspension,
    Term,
    Termination,
)
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
    Role.LIAISON: _("以本单位名义向代表通报工作情况，查看通报的阅读情况。"),
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
    """The home page: what waits for the user (jdrenda.todo), then a card per role."""
    scope = user_scope(request.user)
    if Role.DEPUTY in scope.roles and scope.roles <= {Role.DEPUTY, Role.GROUP_LEADER}:
        # A deputy (group leaders are deputies too) opens the system for their own file.
        return redirect("deputies:mine")
    term = Term.for_year(timezone.localdate().year)
    in_term = Deputy.objects.filter(term=term)
    context = {
        "scope": scope,
        "term": term,
        "role_cards": _role_cards(request.user, scope),
        "visible_count": deputies_visible_to(request.user, in_term).count() if term else 0,
        "editable_count": deputies_editable_by(request.user, in_term).count() if term else 0,
        "todo": todo_items(request.user),
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


# --- the deputy pages (issue 4, item 1) -------------------------------------------------------
# Each view: check the role and scope (out of scope is 404), call a selector or service, render.


def _require_roles(user):
    """A user with no role at all has no deputy page to use."""
    if not user_scope(user).roles:
        raise Http404


def _visible(request, pk) -> Deputy:
    qs = deputies_visible_to(request.user).select_related("term", "delegation", "group")
    return get_object_or_404(qs, pk=pk)


def _editable(request, pk, may=permissions.may_change_deputy) -> Deputy:
    """A deputy whose records (of the kind `may` answers for) the user may change; else 404."""
    deputy = _visible(request, pk)
    if not may(request.user, deputy):
        raise Http404
    return deputy


def _asked_year(request) -> int:
    """?year=: any four-digit year (the pages clamp it to the deputy's term), else this year."""
    return int_param(request, "year", minimum=1000, maximum=9999, default=timezone.localdate().year)


def _year(request, deputy=None) -> int:
    year = _asked_year(request)
    if deputy is not None:
        years = deputy.term.years()
        year = min(max(year, years[0]), years[-1])
    return year


def _back(deputy, anchor=""):
    return reverse("deputies:detail", args=[deputy.pk]) + (f"#{anchor}" if anchor else "")


@login_required
def deputy_list(request):
    from supervision.evaluation import compliance

    _require_roles(request.user)
    filters = selectors.DeputyFilters.from_request(request)
    qs = selectors.deputy_list(request.user, filters)
    qs, current = listing.sort(request, qs, selectors.SORTS, "code")
    if listing.wants_xlsx(request):
        met = selectors.compliance_by_id(filters.year, qs)
        header = [
            gettext("代表编号"),
            gettext("姓名"),
            gettext("届次"),
            gettext("代表团"),
            gettext("代表小组"),
            gettext("状态"),
            gettext("常委会组成人员"),
            gettext("%(y)s年是否达标") % {"y": filters.year},
        ]
        rows = (
            [
                d.code,
                d.name,
                d.term.name,
                d.delegation.name,
                d.group.name if d.group else "",
                str(selectors.STATUS_LABELS[d.status]),
                gettext("是") if d.is_sc_member else gettext("否"),
                _compliance_text(met.get(d.pk)),
            ]
            for d in qs
        )
        return listing.xlsx_response(gettext("代表名册.xlsx"), header, rows)
    page = listing.paginate(request, qs)
    met = selectors.compliance_by_id(
        filters.year, Deputy.objects.filter(pk__in=[d.pk for d in page])
    )
    for deputy in page:
        deputy.compliance = _compliance_text(met.get(deputy.pk))
        deputy.status_label = selectors.STATUS_LABELS[deputy.status]
    visible = deputies_visible_to(request.user)
    context = {
        "page": page,
        "filters": filters,
        "sort": current,
        "terms": Term.objects.filter(pk__in=visible.values("term_id")),
        "delegations": Delegation.objects.filter(pk__in=visible.values("delegation_id")),
        "groups": DeputyGroup.objects.filter(pk__in=visible.values("group_id")),
        "statuses": selectors.STATUS_CHOICES,
        "compliances": selectors.COMPLIANCE_CHOICES,
        "as_of": compliance.as_of_today(),
        "years": Term.offered_years(),
        "can_create": user_scope(request.user).has(Role.OFFICE_STAFF, Role.TOWN_STAFF),
    }
    return render(request, "deputies/list.html", context)


def _compliance_text(status):
    """The overall Status as of today (达标/未达标/进行中/预警), or 不在职."""
    if status is None:
        return gettext("不在职")
    return status.label


@login_required
def my_file(request):
    """我的履职档案: the signed-in deputy's own file, phone first. It takes no deputy id, so
    nothing of another deputy is reachable from it; a user with no deputy record gets 404."""
    from supervision.self_reports import services as self_reports

    asked = _asked_year(request)
    own = self_reports.own_deputy(request.user, asked)
    if own is None:
        raise Http404
    years = own.term.years()
    year = min(max(asked, years[0]), years[-1])
    context = {"deputy": own, "file": self_reports.own_file(own, year), "year": year,
               "kinds": self_reports.SelfReport.Kind.choices,
               "todo": todo_items(request.user)}  # fmt: skip
    return render(request, "deputies/mine/file.html", context)


@login_required
def deputy_detail(request, pk):
    deputy = _visible(request, pk)
    year = _year(request, deputy)
    file = selectors.performance_file(deputy, year, request.user)
    full = privacy.can_see_constituent_contacts(request.user, deputy)
    constituents = list(deputy.constituents.all())
    for c in constituents:
        c.shown_phone, c.shown_address = privacy.constituent_contact(c, full)
    mobile, birth = privacy.deputy_contact(deputy, privacy.can_see_personal(request.user, deputy))
    context = {
        "deputy": deputy,
        "shown_mobile": mobile,
        "shown_birth": birth,
        "file": file,
        "year": year,
        "can_edit": deputies_editable_by(request.user).filter(pk=deputy.pk).exists(),
        "status": selectors.STATUS_LABELS[
            selectors.with_status(Deputy.objects.filter(pk=deputy.pk)).get().status
        ],
        "periods": deputy.service_periods.all(),
        "suspensions": deputy.suspensions.all(),
        "termination": Termination.objects.filter(deputy=deputy).first(),
        "constituents": constituents,
        "constituent_shortfall": max(0, services.MIN_CONSTITUENTS - len(constituents)),
        "liaisons": selectors.liaison_of(deputy) if deputy.is_sc_member else [],
        "liaison_max": MAX_LIAISON_DEPUTIES,
        "liaison_min": MIN_LIAISON_DEPUTIES,
        "members": LiaisonAssignment.objects.filter(deputy=deputy).select_related("member"),
    }
    return render(request, "deputies/detail.html", context)


def _form_page(request, form, save, *, deputy, title, message, anchor=""):
    back = _back(deputy, anchor)
    context = {"deputy": deputy, "title": title, "cancel_url": back}
    return form_page(request, form, save, template="deputies/form.html", context=context,
                     message=message, success_url=back)  # fmt: skip


def _confirm_delete(request, obj, delete, *, deputy, message, anchor=""):
    return confirm_delete(request, obj, delete, message=message,
                          success_url=_back(deputy, anchor))  # fmt: skip


@login_required
def deputy_create(request):
    if not user_scope(request.user).has(Role.OFFICE_STAFF, Role.TOWN_STAFF):
        raise Http404
    form = forms.DeputyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            deputy = services.save_deputy(form.instance, form.cleaned_data.get("service_start"))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, gettext("已新增代表 %(d)s。") % {"d": deputy})
            return redirect("deputies:detail", pk=deputy.pk)
    context = {"form": form, "title": gettext("新增代表"), "cancel_url": reverse("deputies:list")}
    return render(request, "deputies/form.html", context)


@login_required
def deputy_edit(request, pk):
    deputy = _editable(request, pk)
    form = forms.DeputyForm(request.POST or None, instance=deputy, user=request.user)
    return _form_page(
        request,
        form,
        lambda f: services.save_deputy(f.instance),
        deputy=deputy,
        title=gettext("编辑代表信息"),
        message=gettext("代表信息已保存。"),
    )


@login_required
def service_create(request, pk):
    deputy = _editable(request, pk)
    form = forms.ServicePeriodForm(request.POST or None, instance=ServicePeriod(deputy=deputy))
    return _form_page(
        request,
        form,
        lambda f: services.save_service_period(f.instance),
        deputy=deputy,
        title=gettext("新增任职期间"),
        message=gettext("任职期间已保存。"),
        anchor="service",
    )


def _own_record(request, model, pk, may=permissions.may_change_deputy):
    """A record of a deputy the user may edit (404 otherwise)."""
    record = get_object_or_404(model.objects.select_related("deputy__term"), pk=pk)
    _editable(request, record.deputy_id, may)
    return record


@login_required
def service_edit(request, pk):
    period = _own_record(request, ServicePeriod, pk)
    form = forms.ServicePeriodForm(request.POST or None, instance=period)
    return _form_page(
        request,
        form,
        lambda f: services.save_service_period(f.instance),
        deputy=period.deputy,
        title=gettext("编辑任职期间"),
        message=gettext("任职期间已保存。"),
        anchor="service",
    )


@login_required
def service_delete(request, pk):
    period = _own_record(request, ServicePeriod, pk)
    return _confirm_delete(
        request,
        period,
        services.delete_service_period,
        deputy=period.deputy,
        message=gettext("任职期间已删除。"),
        anchor="service",
    )


@login_required
def suspension_create(request, pk):
    deputy = _editable(request, pk, permissions.may_change_suspension)
    form = forms.SuspensionForm(request.POST or None, instance=Suspension(deputy=deputy))
    return _form_page(
        request,
        form,
        lambda f: services.save_suspension(f.instance),
        deputy=deputy,
        title=gettext("新增暂停执行代表职务"),
        message=gettext("暂停执行代表职务记录已保存。"),
        anchor="service",
    )


@login_required
def suspension_edit(request, pk):
    suspension = _own_record(request, Suspension, pk, permissions.may_change_suspension)
    form = forms.SuspensionForm(request.POST or None, instance=suspension)
    return _form_page(
        request,
        form,
        lambda f: services.save_suspension(f.instance),
        deputy=suspension.deputy,
        title=gettext("编辑暂停执行代表职务"),
        message=gettext("暂停执行代表职务记录已保存。"),
        anchor="service",
    )


@login_required
def suspension_delete(request, pk):
    suspension = _own_record(request, Suspension, pk, permissions.may_change_suspension)
    return _confirm_delete(
        request,
        suspension,
        services.delete_suspension,
        deputy=suspension.deputy,
        message=gettext("暂停执行代表职务记录已删除。"),
        anchor="service",
    )


@login_required
def termination_edit(request, pk):
    deputy = _editable(request, pk)
    instance = Termination.objects.filter(deputy=deputy).first() or Termination(deputy=deputy)
    form = forms.TerminationForm(request.POST or None, instance=instance)
    return _form_page(
        request,
        form,
        lambda f: services.record_termination(f.instance),
        deputy=deputy,
        title=gettext("终止代表资格"),
        message=gettext("已记录终止代表资格，任职期间已在终止日期结束。"),
        anchor="service",
    )


@login_required
def termination_delete(request, pk):
    deputy = _editable(request, pk)
    termination = get_object_or_404(Termination, deputy=deputy)
    return _confirm_delete(
        request,
        termination,
        services.delete_termination,
        deputy=deputy,
        message=gettext("终止代表资格记录已删除，任职期间已恢复。"),
        anchor="service",
    )


def _constituent_saved(request, deputy, form):
    services.save_constituent(form.instance)
    _warn_few_constituents(request, deputy)


def _warn_few_constituents(request, deputy):
    missing = services.constituent_shortfall(deputy)
    if missing:
        messages.warning(
            request,
            gettext("联系名单只有 %(n)s 名选民，少于第十五条要求的 %(min)s 名，还差 %(m)s 名。")
            % {
                "n": services.MIN_CONSTITUENTS - missing,
                "min": services.MIN_CONSTITUENTS,
                "m": missing,
            },
        )


@login_required
def constituent_list(request, pk):
    """The liaison list as xlsx (phones and addresses masked as on the page)."""
    deputy = _visible(request, pk)
    full = privacy.can_see_constituent_contacts(request.user, deputy)
    rows = ([c.name, *privacy.constituent_contact(c, full)] for c in deputy.constituents.all())
    name = gettext("%(d)s联系选民名单.xlsx") % {"d": deputy.name}
    header = [gettext("选民姓名"), gettext("选民电话"), gettext("住址或单位")]
    description = gettext("%(code)s %(d)s（%(t)s）联系选民名单") % {
        "code": deputy.code,
        "d": deputy.name,
        "t": deputy.term.name,
    }
    return listing.xlsx_response(
        name, header, rows, request=request, description=description, masked=not full
    )


@login_required
def constituent_create(request, pk):
    deputy = _editable(request, pk)
    form = forms.ConstituentForm(
        request.POST or None, instance=Constituent(deputy=deputy), show_contact=True
    )
    return _form_page(
        request,
        form,
        lambda f: _constituent_saved(request, deputy, f),
        deputy=deputy,
        title=gettext("添加联系选民"),
        message=gettext("选民已加入联系名单。"),
        anchor="constituents",
    )


@login_required
def constituent_edit(request, pk):
    constituent = _own_record(request, Constituent, pk)
    deputy = constituent.deputy
    form = forms.ConstituentForm(
        request.POST or None,
        instance=constituent,
        show_contact=privacy.can_see_constituent_contacts(request.user, deputy),
    )
    return _form_page(
        request,
        form,
        lambda f: _constituent_saved(request, deputy, f),
        deputy=deputy,
        title=gettext("编辑联系选民"),
        message=gettext("选民信息已保存。"),
        anchor="constituents",
    )


@login_required
def constituent_delete(request, pk):
    constituent = _own_record(request, Constituent, pk)
    deputy = constituent.deputy

    def delete(obj):
        services.delete_constituent(obj)
        _warn_few_constituents(request, deputy)

    return _confirm_delete(
        request,
        constituent,
        delete,
        deputy=deputy,
        message=gettext("选民已从联系名单中删除。"),
        anchor="constituents",
    )


@login_required
def deputy_pick(request):
    """JSON for the searchable deputy pickers (static/js/pickers.js): `q` matches name, code
    or 拼音首字母; `scope=editable` narrows to the deputies the user may record for."""
    found = selectors.pick_deputies(
        request.user,
        request.GET.get("q", ""),
        scope=request.GET.get("scope", "visible"),
        term=request.GET.get("term", ""),
    )
    results = [
        {
            "value": d.pk,
            "code": d.code,
            "text": f"{d.name}（{d.code}）",
            "delegation": str(d.delegation or ""),
            "search": f"{d.name} {d.code} {d.name_initials}",
        }
        for d in found
    ]
    return JsonResponse({"results": results})


@login_required
def liaison_create(request, pk):
    member = _editable(request, pk)
    if not member.is_sc_member:
        raise Http404
    form = forms.LiaisonForm(request.POST or None, member=member)
    return _form_page(
        request,
        form,
        lambda f: services.assign_liaison(member, f.cleaned_data["deputy"]),
        deputy=member,
        title=gettext("分配联系代表"),
        message=gettext("联系代表已分配。"),
        anchor="liaison",
    )


@login_required
def liaison_delete(request, pk):
    assignment = get_object_or_404(LiaisonAssignment.objects.select_related("member"), pk=pk)
    member = _editable(request, assignment.member_id)
    return _confirm_delete(
        request,
        assignment,
        services.delete_liaison,
        deputy=member,
        message=gettext("已取消该联系代表。"),
        anchor="liaison",
    )
