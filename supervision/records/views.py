"""Pages for the supervision records: reports to constituents, group annual reports, the
Art. 29 candidate list and interviews, awards. Each view checks role and scope (404 outside
it), calls one selector or service in supervision.records.services, renders."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies import permissions
from deputies.models import Delegation, Role, Term
from deputies.scopes import records_visible_to, user_scope
from jdrenda import listing
from jdrenda.params import int_param, text_param, year_param
from jdrenda.views import confirm_delete, form_page
from supervision.evaluation import compliance
from supervision.evaluation.compliance import evaluate_year
from supervision.models import Award, ConstituencyReport, GroupAnnualReport, Interview
from supervision.records import forms, selectors
from supervision.records import services as records


def _year(request) -> int:
    return year_param(request, default=timezone.localdate().year)


def _years():
    """The year selectors' years: those of the terms that exist (Term.offered_years)."""
    return Term.offered_years() or [timezone.localdate().year]


def _require(allowed: bool):
    if not allowed:
        raise Http404


def _number(request, key):
    return int_param(request, key)


def _form_page(request, form, save, *, title, message, back):
    context = {"title": title, "cancel_url": back}
    return form_page(request, form, save, template="supervision/records/form.html",
                     context=context, message=message, success_url=back)  # fmt: skip


def _confirm_delete(request, obj, delete, *, message, back):
    return confirm_delete(request, obj, delete, message=message, success_url=back)


# --- reports to constituents (Art. 26) --------------------------------------------------------

REPORT_SORTS = {"date": "date", "deputy": "deputy__code", "delegation": "deputy__delegation__order"}


@login_required
def report_list(request):
    _require(bool(user_scope(request.user).roles))
    year, delegation = _year(request), _number(request, "delegation")
    qs = selectors.constituency_reports(request.user, year, delegation, text_param(request, "q"))
    qs, current = listing.sort(request, qs, REPORT_SORTS, "-date")
    if listing.wants_xlsx(request):
        table = selectors.constituency_report_table(qs)
        name = _("%(y)s年向选民述职.xlsx") % {"y": year}
        return listing.xlsx_response(name, table.header, table.rows)
    context = {
        "page": listing.paginate(request, qs),
        "sort": current,
        "year": year,
        "years": _years(),
        "delegation": delegation,
        "delegations": Delegation.objects.filter(
            pk__in=selectors.visible_delegation_ids(request.user)
        ),
        "can_record": records.can_record_reports(request.user),
    }
    return render(request, "supervision/records/report_list.html", context)


def _report_back():
    return reverse("supervision:report_list")


@login_required
def report_create(request):
    _require(records.can_record_reports(request.user))
    initial = {"deputy": _number(request, "deputy")}
    form = forms.ConstituencyReportForm(
        request.POST or None, initial=initial, deputies=records.report_deputies(request.user)
    )
    return _form_page(
        request,
        form,
        lambda f: records.save_constituency_report(f.instance),
        title=_("登记向选民述职"),
        message=_("向选民述职已登记。"),
        back=_report_back(),
    )


def _editable_report(request, pk):
    reports = records_visible_to(request.user, ConstituencyReport.objects.select_related("deputy"))
    report = get_object_or_404(reports, pk=pk)
    if not permissions.may_record_report(request.user, report.deputy):  # as the import
        raise Http404
    return report


@login_required
def report_edit(request, pk):
    _require(records.can_record_reports(request.user))
    report = _editable_report(request, pk)
    form = forms.ConstituencyReportForm(
        request.POST or None, instance=report, deputies=records.report_deputies(request.user)
    )
    return _form_page(
        request,
        form,
        lambda f: records.save_constituency_report(f.instance),
        title=_("编辑向选民述职"),
        message=_("向选民述职已保存。"),
        back=_report_back(),
    )


@login_required
def report_delete(request, pk):
    _require(records.can_record_reports(request.user))
    report = _editable_report(request, pk)
    return _confirm_delete(
        request,
        report,
        records.delete_constituency_report,
        message=_("向选民述职记录已删除。"),
        back=_report_back(),
    )


# --- group annual reports ---------------------------------------------------------------------

GROUP_SORTS = {"group": "name", "delegation": "delegation__order"}


@login_required
def group_report_list(request):
    _require(bool(user_scope(request.user).roles))
    year = _year(request)
    groups = selectors.groups_for_year(request.user, year)
    groups, current = listing.sort(request, groups, GROUP_SORTS, "delegation")
    status = request.GET.get("status", "")
    rows = selectors.group_report_rows(request.user, groups, year, status)
    if listing.wants_xlsx(request):
        table = selectors.group_report_table(rows)
        name = _("%(y)s年代表小组年度报告.xlsx") % {"y": year}
        return listing.xlsx_response(name, table.header, table.rows)
    context = {
        "page": listing.paginate(request, rows),
        "sort": current,
        "year": year,
        "years": _years(),
        "status": status,
        "statuses": [_("已报送"), _("逾期报送"), _("未报送")],
    }
    return render(request, "supervision/records/group_report_list.html", context)


def _group_back(year):
    return reverse("supervision:group_report_list") + f"?year={year}"


@login_required
def group_report_submit(request, group_pk, year):
    group = get_object_or_404(records.groups_reportable_by(request.user), pk=group_pk)
    report = GroupAnnualReport.objects.filter(group=group, year=year).first()
    report = report or GroupAnnualReport(
        group=group, year=year, submitted_date=timezone.localdate()
    )
    form = forms.GroupAnnualReportForm(request.POST or None, instance=report)
    return _form_page(
        request,
        form,
        lambda f: records.save_group_report(f.instance, request.user),
        title=_("%(g)s %(y)s 年度报告") % {"g": group, "y": year},
        message=_("代表小组年度报告已保存。"),
        back=_group_back(year),
    )


@login_required
def group_report_delete(request, pk):
    reports = GroupAnnualReport.objects.filter(group__in=records.groups_reportable_by(request.user))
    report = get_object_or_404(reports.select_related("group"), pk=pk)
    return _confirm_delete(
        request,
        report,
        records.delete_group_report,
        message=_("代表小组年度报告已删除。"),
        back=_group_back(report.year),
    )


# --- Art. 29 candidates and interviews --------------------------------------------------------


@login_required
def interview_candidates(request):
    """The Art. 29 candidates of the year as of today (none while the year runs)."""
    _require(records.can_read_candidates(request.user))
    year = _year(request)
    candidates = selectors.interview_candidates(request.user, year)
    if listing.wants_xlsx(request):
        table = selectors.candidate_table(candidates)
        name = _("%(y)s年约谈告诫建议名单.xlsx") % {"y": year}
        return listing.xlsx_response(name, table.header, table.rows)
    page = listing.paginate(request, candidates.rows)
    for row in page:
        row.can_record = row.deputy.pk in candidates.recordable
        row.done = row.deputy.pk in candidates.done
    context = {"page": page, "year": year, "years": _years(), "as_of": candidates.as_of,
               "running": candidates.running}  # fmt: skip
    return render(request, "supervision/records/candidates.html", context)


INTERVIEW_SORTS = {"date": "date", "deputy": "deputy__code", "kind": "kind"}


@login_required
def interview_list(request):
    _require(records.can_read_candidates(request.user))
    year, kind = _year(request), request.GET.get("kind", "")
    qs, current = listing.sort(
        request, selectors.interviews(request.user, year, kind), INTERVIEW_SORTS, "-date"
    )
    if listing.wants_xlsx(request):
        table = selectors.interview_table(qs)
        name = _("%(y)s年约谈告诫.xlsx") % {"y": year}
        return listing.xlsx_response(name, table.header, table.rows)
    editable = records.interviews_editable_by(request.user).filter(year=year)
    context = {
        "page": listing.paginate(request, qs),
        "sort": current,
        "year": year,
        "years": _years(),
        "kind": kind,
        "kinds": Interview.Kind.choices,
        "editable": set(editable.values_list("pk", flat=True)),
        "can_record": records.can_record_interviews(request.user),
    }
    return render(request, "supervision/records/interview_list.html", context)


def _interview_form(request, instance):
    scope = user_scope(request.user)
    return forms.InterviewForm(
        request.POST or None,
        instance=instance,
        initial=_interview_initial(request) if instance.pk is None else None,
        deputies=records.interview_deputies(request.user),
        group_only=not scope.has(Role.OFFICE_STAFF, Role.QUALIFICATION),
    )


def _interview_initial(request):
    """Opened from the candidate list: the deputy, year and the Art. 29 reasons."""
    year = _year(request)
    initial = {"year": year, "date": timezone.localdate()}
    deputy_id = _number(request, "deputy")
    if deputy_id and records.interview_deputies(request.user).filter(pk=deputy_id).exists():
        initial["deputy"] = deputy_id
        # As of today: a running year proposes no reason (the staff member writes their own).
        rows = evaluate_year(year, deputy_ids=[deputy_id], as_of=compliance.as_of_today()).rows
        if rows:
            initial["reasons"] = "；".join(rows[0].interview_reasons)
    scope = user_scope(request.user)
    initial["conducted_by"] = (
        Interview.By.QUALIFICATION
        if scope.has(Role.OFFICE_STAFF, Role.QUALIFICATION)
        else Interview.By.GROUP
    )
    return initial


def _interview_back(year):
    return reverse("supervision:interview_list") + f"?year={year}"


@login_required
def interview_create(request):
    _require(records.can_record_interviews(request.user))
    form = _interview_form(request, Interview())
    return _form_page(
        request,
        form,
        lambda f: records.save_interview(f.instance, request.user),
        title=_("记录约谈告诫"),
        message=_("约谈告诫已记录。"),
        back=_interview_back(_year(request)),
    )


@login_required
def interview_edit(request, pk):
    interview = get_object_or_404(records.interviews_editable_by(request.user), pk=pk)
    form = _interview_form(request, interview)
    return _form_page(
        request,
        form,
        lambda f: records.save_interview(f.instance, request.user),
        title=_("编辑约谈告诫"),
        message=_("约谈告诫已保存。"),
        back=_interview_back(interview.year),
    )


@login_required
def interview_delete(request, pk):
    interview = get_object_or_404(records.interviews_editable_by(request.user), pk=pk)
    return _confirm_delete(
        request,
        interview,
        records.delete_interview,
        message=_("约谈告诫记录已删除。"),
        back=_interview_back(interview.year),
    )


# --- awards (Art. 28) -------------------------------------------------------------------------

AWARD_SORTS = {"year": "year", "kind": "kind"}


@login_required
def award_list(request):
    _require(bool(user_scope(request.user).roles))
    year, kind = year_param(request), request.GET.get("kind", "")
    qs, current = listing.sort(
        request, selectors.awards(request.user, year, kind), AWARD_SORTS, "-year"
    )
    if listing.wants_xlsx(request):
        table = selectors.award_table(qs)
        return listing.xlsx_response(_("评比表彰.xlsx"), table.header, table.rows)
    context = {
        "page": listing.paginate(request, qs),
        "sort": current,
        "year": year,
        "years": _years(),
        "kind": kind,
        "kinds": Award.Kind.choices,
        "can_record": records.can_record_awards(request.user),
    }
    return render(request, "supervision/records/award_list.html", context)


def _award_back():
    return reverse("supervision:award_list")


def _award_initial(request):
    """Opened from the award pre-screening: ?year=&kind=&deputy= or &proposal=."""
    initial = {"year": _year(request)}
    if (kind := request.GET.get("kind", "")) in Award.Kind.values:
        initial["kind"] = kind
    for key in ("deputy", "proposal"):
        if value := _number(request, key):
            initial[key] = value
    return initial


@login_required
def award_create(request):
    _require(records.can_record_awards(request.user))
    form = forms.AwardForm(request.POST or None, initial=_award_initial(request))
    return _form_page(
        request,
        form,
        lambda f: records.save_award(f.instance),
        title=_("新增评比表彰"),
        message=_("评比表彰已保存。"),
        back=_award_back(),
    )


@login_required
def award_edit(request, pk):
    _require(records.can_record_awards(request.user))
    award = get_object_or_404(Award, pk=pk)
    form = forms.AwardForm(request.POST or None, instance=award)
    return _form_page(
        request,
        form,
        lambda f: records.save_award(f.instance),
        title=_("编辑评比表彰"),
        message=_("评比表彰已保存。"),
        back=_award_back(),
    )


@login_required
def award_delete(request, pk):
    _require(records.can_record_awards(request.user))
    award = get_object_or_404(Award, pk=pk)
    return _confirm_delete(
        request, award, records.delete_award, message=_("评比表彰已删除。"), back=_award_back()
    )
