"""Supervision records (Art. 26, 28, 29): who may see and record them, and their writes.

Reports to constituents, group annual reports, interviews and warnings, awards. Every write
checks first and raises ValidationError with a Chinese message, then saves in one transaction.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from deputies.models import Deputy, DeputyGroup, Role, ServicePeriod
from deputies.scopes import deputies_editable_by, deputies_visible_to, user_scope
from supervision.models import Award, ConstituencyReport, GroupAnnualReport, Interview

# --- scopes -----------------------------------------------------------------------------------

INTERVIEW_RECORDERS = {Role.OFFICE_STAFF, Role.QUALIFICATION, Role.GROUP_LEADER}
# Roles that follow the Art. 29 candidate list (a deputy's own role does not).
CANDIDATE_READERS = INTERVIEW_RECORDERS | {
    Role.LEADERSHIP,
    Role.TOWN_STAFF,
    Role.DELEGATION_HEAD,
}


def groups_visible_to(user):
    scope = user_scope(user)
    groups = DeputyGroup.objects.select_related("term", "delegation", "leader")
    if scope.district_wide:
        return groups
    q = Q(pk__in=scope.group_ids) | Q(delegation_id__in=scope.delegation_ids)
    q |= Q(members__pk__in=scope.deputy_ids)
    return groups.filter(pk__in=DeputyGroup.objects.filter(q).values("pk"))


def groups_reportable_by(user):
    """Office staff: every group; town staff: their delegation's; leaders: their own."""
    scope = user_scope(user)
    groups = DeputyGroup.objects.select_related("term", "delegation", "leader")
    if scope.has(Role.OFFICE_STAFF):
        return groups
    return groups.filter(
        Q(delegation_id__in=scope.town_staff_delegation_ids) | Q(pk__in=scope.group_ids)
    )


def can_record_reports(user) -> bool:
    return user_scope(user).has(Role.OFFICE_STAFF, Role.TOWN_STAFF)


def can_record_interviews(user) -> bool:
    return bool(user_scope(user).roles & INTERVIEW_RECORDERS)


def can_read_candidates(user) -> bool:
    return bool(user_scope(user).roles & CANDIDATE_READERS)


def interview_deputies(user):
    """Deputies whose interviews this user records: office staff and the qualification
    committee all; a group leader those of their group."""
    scope = user_scope(user)
    if scope.has(Role.OFFICE_STAFF, Role.QUALIFICATION):
        return Deputy.objects.all()
    if scope.has(Role.GROUP_LEADER):
        return Deputy.objects.filter(group_id__in=scope.group_ids)
    return Deputy.objects.none()


def interviews_editable_by(user):
    return Interview.objects.filter(deputy__in=interview_deputies(user))


def can_record_awards(user) -> bool:
    return user_scope(user).has(Role.OFFICE_STAFF)


def awards_visible_to(user):
    from deputies.scopes import proposals_visible_to

    awards = Award.objects.select_related("deputy", "deputy__delegation", "proposal")
    scope = user_scope(user)
    if scope.district_wide:
        return awards
    return awards.filter(
        Q(deputy__in=deputies_visible_to(user)) | Q(proposal__in=proposals_visible_to(user))
    )


def report_deputies(user):
    return deputies_editable_by(user)


# --- checks -----------------------------------------------------------------------------------


def _check_in_service(deputy: Deputy, when: date, field="date") -> None:
    periods = ServicePeriod.objects.filter(deputy=deputy, start_date__lte=when).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=when)
    )
    if when > deputy.term.end_date or not periods.exists():
        raise ValidationError(
            {field: _("日期 %(d)s 不在代表 %(n)s 的任职期间内。") % {"d": when, "n": deputy.name}}
        )


# --- reports to constituents (Art. 26) --------------------------------------------------------


def save_constituency_report(report: ConstituencyReport) -> ConstituencyReport:
    _check_in_service(report.deputy, report.date)
    same = ConstituencyReport.objects.filter(
        deputy=report.deputy, date=report.date, form=report.form
    ).exclude(pk=report.pk)
    if same.exists():
        raise ValidationError(_("该代表同一日期、同一形式的述职已登记，请勿重复录入。"))
    with transaction.atomic():
        report.save()
    return report


def delete_constituency_report(report: ConstituencyReport) -> None:
    with transaction.atomic():
        report.delete()


# --- group annual reports (Art. 26: by 31 December) -------------------------------------------


def save_group_report(report: GroupAnnualReport, user) -> GroupAnnualReport:
    if report.submitted_date and report.submitted_date < date(report.year, 1, 1):
        raise ValidationError(
            {"submitted_date": _("报送日期不能早于 %(y)s 年。") % {"y": report.year}}
        )
    term = report.group.term
    if not term.start_date.year <= report.year <= term.end_date.year:
        raise ValidationError(_("%(y)s 年不在该代表小组的届次内。") % {"y": report.year})
    report.submitted_by = user if user and user.is_authenticated else None
    with transaction.atomic():
        report.save()
    return report


def delete_group_report(report: GroupAnnualReport) -> None:
    with transaction.atomic():
        report.delete()


def group_report_status(submitted: date | None, year: int) -> str:
    if submitted is None:
        return _("未报送")
    return _("逾期报送") if submitted > date(year, 12, 31) else _("已报送")


# --- interviews and warnings (Art. 29) --------------------------------------------------------


def save_interview(interview: Interview, user) -> Interview:
    scope = user_scope(user)
    if not scope.has(Role.OFFICE_STAFF, Role.QUALIFICATION):
        # A group leader acts for the group, never for the qualification committee.
        interview.conducted_by = Interview.By.GROUP
    _check_in_service(interview.deputy, interview.date)
    if interview.date.year < interview.year:
        raise ValidationError({"date": _("约谈告诫日期不能早于所针对的年度。")})
    if not interview.reasons.strip():
        raise ValidationError({"reasons": _("请填写约谈告诫的事由。")})
    if interview.pk is None:
        interview.recorded_by = user
    with transaction.atomic():
        interview.save()
    return interview


def delete_interview(interview: Interview) -> None:
    with transaction.atomic():
        interview.delete()


# --- awards (Art. 28) -------------------------------------------------------------------------


def save_award(award: Award) -> Award:
    if award.kind == Award.Kind.ACTIVE_DEPUTY:
        if award.deputy_id is None:
            raise ValidationError({"deputy": _("评选积极履职代表，请选择代表。")})
        award.proposal = None
        same = Award.objects.filter(year=award.year, kind=award.kind, deputy=award.deputy)
    else:
        if award.proposal_id is None:
            raise ValidationError({"proposal": _("评选优秀代表建议，请选择议案建议。")})
        award.deputy = None
        same = Award.objects.filter(year=award.year, kind=award.kind, proposal=award.proposal)
    if same.exclude(pk=award.pk).exists():
        raise ValidationError(_("该年度已有同一对象的同类表彰。"))
    with transaction.atomic():
        award.save()
    return award


def delete_award(award: Award) -> None:
    with transaction.atomic():
        award.delete()
