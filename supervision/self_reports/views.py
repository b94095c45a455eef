"""Pages of 填报→审核 and 错重漏反馈, and the deputy's own feedback-sheet download.

The deputy's pages take no deputy id: they act on the signed-in user's own record. The review
and flag queues are scoped (out of scope: 404); POSTs check the same scope in the services.
"""

from io import BytesIO
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jdrenda import listing
from jdrenda.params import int_param, year_param
from jdrenda.views import apply_errors
from supervision.export_log.services import log_export
from supervision.models import RecordFlag, SelfReport
from supervision.reports.feedback import feedback_filename
from supervision.rules import RULES_BY_CODE
from supervision.self_reports import forms
from supervision.self_reports import services as svc


def _own(request, year=None):
    deputy = svc.own_deputy(request.user, year)
    if deputy is None:
        raise Http404
    return deputy


def _year(request):
    return year_param(request, default=timezone.localdate().year)


def _mine(year=None, anchor=""):
    url = reverse("deputies:mine")
    if year:
        url += f"?year={year}"
    return url + (f"#{anchor}" if anchor else "")


# --- the deputy -----------------------------------------------------------------------------


def _report_page(request, deputy, kind, instance=None):
    form = forms.SelfReportForm(request.POST or None, instance=instance, deputy=deputy, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            svc.submit(request.user, form.instance, form.cleaned_data.get("constituents") or [])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("已提交，审核确认后计入履职统计。"))
            return redirect(_mine(anchor="reports"))
    context = {
        "form": form,
        "kind": kind,
        "kind_label": SelfReport.Kind(kind).label,
        "kinds": SelfReport.Kind.choices,
        "deputy": deputy,
        "report": instance,
        "no_constituents": kind == SelfReport.Kind.COMMUNICATION
        and not form.fields["constituents"].queryset.exists(),
    }
    return render(request, "deputies/mine/report_form.html", context)


@login_required
def report_new(request):
    deputy = _own(request)
    kind = request.GET.get("kind", SelfReport.Kind.COMMUNICATION)
    if kind not in SelfReport.Kind.values:
        kind = SelfReport.Kind.COMMUNICATION
    return _report_page(request, deputy, kind)


@login_required
def report_edit(request, pk):
    """A rejected (or still pending) report of the user's own, corrected and resubmitted."""
    report = get_object_or_404(
        SelfReport.objects.filter(deputy__user=request.user).exclude(
            status=SelfReport.Status.CONFIRMED
        ),
        pk=pk,
    )
    return _report_page(request, report.deputy, report.kind, instance=report)


@login_required
def feedback_download(request):
    year = _year(request)
    deputy = _own(request, year)
    row, workbook = svc.feedback_workbook(deputy, year)
    if workbook is None:
        raise Http404
    buffer = BytesIO()
    workbook.save(buffer)
    description = _("%(code)s %(name)s %(year)s年度") % {
        "code": deputy.code,
        "name": deputy.name,
        "year": year,
    }
    log_export(request, "feedback_own", description, 1)
    response = HttpResponse(buffer.getvalue(), content_type=listing.XLSX)
    name = quote(feedback_filename(row))
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


@login_required
def flag_new(request):
    year = _year(request)
    deputy = _own(request, year)
    initial = {
        "rule_code": request.GET.get("rule", ""),
        "record": request.GET.get("record", "")[:300],
        "kind": request.GET.get("kind", RecordFlag.Kind.WRONG),
    }
    form = forms.FlagForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            svc.flag(request.user, deputy, year=year, kind=data["kind"], comment=data["comment"],
                     rule_code=data["rule_code"], record=data["record"])  # fmt: skip
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("反馈已提交，工作人员核实后会给出处理结果。"))
            return redirect(_mine(year, "flags"))
    rule = RULES_BY_CODE.get(initial["rule_code"])
    context = {"form": form, "year": year, "rule": rule, "cancel_url": _mine(year)}
    return render(request, "deputies/mine/flag_form.html", context)


# --- reviewers ------------------------------------------------------------------------------

REVIEW_SORTS = {"submitted": "submitted_at", "date": "date", "deputy": "deputy__code"}


def _number(request, key):
    return int_param(request, key)


@login_required
def review_list(request):
    if not svc.is_reviewer(request.user):
        raise Http404
    status, group = request.GET.get("status", SelfReport.Status.PENDING), _number(request, "group")
    qs, sort = listing.sort(
        request, svc.review_queue(request.user, status, group), REVIEW_SORTS, "submitted"
    )
    if listing.wants_xlsx(request):
        header, rows = svc.review_table(qs)
        return listing.xlsx_response(_("代表填报.xlsx"), header, rows)
    page = listing.paginate(request, qs)
    svc.label(page)
    context = {
        "page": page,
        "status": status,
        "statuses": SelfReport.Status.choices,
        "group": group,
        "groups": svc.review_groups(request.user),
        "sort": sort,
        "reject_form": forms.RejectForm(),
    }
    return render(request, "supervision/self_reports/reviews.html", context)


def _back_to_queue(request):
    target = request.POST.get("next", "")
    if target.startswith("/supervision/reviews/"):
        return redirect(target)
    return redirect("supervision:review_list")


@login_required
@require_POST
def review_confirm(request, pk):
    report = get_object_or_404(svc.reports_reviewable_by(request.user), pk=pk)
    try:
        svc.confirm(request.user, report)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("已确认 %(n)s 的填报，已计入履职记录。") % {"n": report.deputy.name}
        )
    return _back_to_queue(request)


@login_required
@require_POST
def review_reject(request, pk):
    report = get_object_or_404(svc.reports_reviewable_by(request.user), pk=pk)
    form = forms.RejectForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("退回时请填写原因。"))
        svc.reject(request.user, report, form.cleaned_data["reason"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已退回 %(n)s 的填报并通知本人。") % {"n": report.deputy.name})
    return _back_to_queue(request)


@login_required
def review_count(request):
    """The navigation badge (loaded by htmx, so other pages cost no query for it)."""
    n = svc.pending_for(request.user).count() if svc.is_reviewer(request.user) else 0
    html = f'<span class="badge rounded-pill text-bg-warning">{n}</span>' if n else ""
    return HttpResponse(html)


# --- 错重漏反馈 for staff ----------------------------------------------------------------------


@login_required
def flag_list(request):
    if not svc.can_resolve_flags(request.user):
        raise Http404
    status = request.GET.get("status", RecordFlag.Status.OPEN)
    qs = svc.flags_resolvable_by(request.user)
    if status in RecordFlag.Status.values:
        qs = qs.filter(status=status)
    qs = qs.select_related("deputy", "deputy__delegation", "resolved_by").order_by(
        "-created_at", "pk"
    )
    if listing.wants_xlsx(request):
        header = [_("反馈时间"), _("代表编号"), _("姓名"), _("代表团"), _("年度"), _("考核项目"),
                  _("类型"), _("涉及记录"), _("说明"), _("状态"), _("处理结果")]  # fmt: skip
        rows = (
            [timezone.localtime(f.created_at).strftime("%Y-%m-%d %H:%M"), f.deputy.code,
             f.deputy.name, f.deputy.delegation.name, f.year, _rule_name(f.rule_code),
             f.get_kind_display(), f.record, f.comment, f.get_status_display(), f.resolution]
            for f in qs
        )  # fmt: skip
        return listing.xlsx_response(_("错重漏反馈.xlsx"), header, rows)
    page = listing.paginate(request, qs)
    for f in page:
        f.rule_name = _rule_name(f.rule_code)
    context = {"page": page, "status": status, "statuses": RecordFlag.Status.choices,
               "resolve_form": forms.ResolveForm()}  # fmt: skip
    return render(request, "supervision/self_reports/flags.html", context)


def _rule_name(code):
    rule = RULES_BY_CODE.get(code)
    return rule.short_name if rule else ""


@login_required
@require_POST
def flag_resolve(request, pk):
    record_flag = get_object_or_404(svc.flags_resolvable_by(request.user), pk=pk)
    form = forms.ResolveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请填写处理结果。"))
        svc.resolve(request.user, record_flag, form.cleaned_data["resolution"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已处理 %(n)s 的反馈。") % {"n": record_flag.deputy.name})
    target = request.POST.get("next", "")
    return redirect(target if target.startswith("/supervision/flags/") else "supervision:flags")
