"""Writes for deputies: the deputy record, time in office (service periods, suspensions,
termination), the liaison list of constituents and standing-committee liaison assignments.

Every write validates first and raises ValidationError with a Chinese message; the writes of
one action run in one transaction, so a failed check never leaves half an action saved.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from .models import (
    MAX_LIAISON_DEPUTIES,
    Constituent,
    Deputy,
    LiaisonAssignment,
    ServicePeriod,
    Suspension,
    Termination,
)

MIN_CONSTITUENTS = 5  # Art. 15: each deputy liaises with at least five constituents
INITIALS_MAX = Deputy._meta.get_field("name_initials").max_length


def name_initials(name: str) -> str:
    """拼音首字母 of a name, lower-case: 张三 -> "zs" (non-Chinese characters kept as typed)."""
    letters = "".join(lazy_pinyin((name or "").strip(), style=Style.FIRST_LETTER))
    return "".join(letters.split()).lower()[:INITIALS_MAX]


def fill_name_initials(batch: int = 1000) -> int:
    """Fill the empty name initials (after a bulk load); returns how many were filled.

    The initials are derived from the name, so they are written without a history row.
    """
    pending = list(Deputy.objects.filter(name_initials="").only("pk", "name"))
    for deputy in pending:
        deputy.name_initials = name_initials(deputy.name)
    Deputy.objects.bulk_update(pending, ["name_initials"], batch_size=batch)
    return len(pending)


# --- deputies ---------------------------------------------------------------------------------


def _check_group(deputy: Deputy) -> None:
    group = deputy.group
    if group is None:
        return
    if group.delegation_id != deputy.delegation_id:
        raise ValidationError({"group": _("代表小组“%(g)s”不属于所选代表团。") % {"g": group}})
    if group.term_id != deputy.term_id:
        raise ValidationError({"group": _("代表小组“%(g)s”不属于所选届次。") % {"g": group}})


def _check_within_term(term, start: date, end: date | None, field_start="start_date") -> None:
    if start < term.start_date or start > term.end_date:
        raise ValidationError(
            {field_start: _("日期须在届次 %(s)s 至 %(e)s 之内。")
             % {"s": term.start_date, "e": term.end_date}}
        )  # fmt: skip
    if end is not None:
        if end < start:
            raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})
        if end > term.end_date:
            raise ValidationError(
                {"end_date": _("结束日期不能晚于届次结束日期 %(e)s。") % {"e": term.end_date}}
            )


def save_deputy(deputy: Deputy, service_start: date | None = None) -> Deputy:
    """Create or update a deputy. A new deputy gets a service period from `service_start`
    (default: the term's start) in the same transaction."""
    deputy.name = deputy.name.strip()
    deputy.code = deputy.code.strip()
    _check_group(deputy)
    clash = Deputy.objects.filter(term_id=deputy.term_id, code=deputy.code).exclude(pk=deputy.pk)
    if clash.exists():
        raise ValidationError({"code": _("本届已有编号为 %(c)s 的代表。") % {"c": deputy.code}})
    if deputy.user_id:
        taken = Deputy.objects.filter(term_id=deputy.term_id, user_id=deputy.user_id)
        if taken.exclude(pk=deputy.pk).exists():
            raise ValidationError({"user": _("该登录账号已关联本届的另一名代表。")})
    creating = deputy.pk is None
    start = service_start or deputy.term.start_date
    if creating:
        _check_within_term(deputy.term, start, None, field_start="service_start")
    deputy.name_initials = name_initials(deputy.name)
    with transaction.atomic():
        deputy.save()
        if creating:
            ServicePeriod.objects.create(deputy=deputy, start_date=start)
    return deputy


# --- service periods --------------------------------------------------------------------------


def _overlaps(rows, start: date, end: date | None) -> bool:
    far = date.max
    return any(s <= (end or far) and start <= (e or far) for s, e in rows)


def save_service_period(period: ServicePeriod) -> ServicePeriod:
    deputy = period.deputy
    _check_within_term(deputy.term, period.start_date, period.end_date)
    others = ServicePeriod.objects.filter(deputy=deputy).exclude(pk=period.pk)
    if _overlaps(others.values_list("start_date", "end_date"), period.start_date, period.end_date):
        raise ValidationError(_("任职期间与该代表已有的任职期间重叠。"))
    termination = Termination.objects.filter(deputy=deputy).first()
    if termination and (period.end_date is None or period.end_date > termination.date):
        raise ValidationError(
            {"end_date": _("该代表已于 %(d)s 终止代表资格，任职期间须在此前结束。")
             % {"d": termination.date}}
        )  # fmt: skip
    with transaction.atomic():
        period.save()
    return period


def delete_service_period(period: ServicePeriod) -> None:
    if not ServicePeriod.objects.filter(deputy_id=period.deputy_id).exclude(pk=period.pk).exists():
        raise ValidationError(_("这是该代表唯一的任职期间，不能删除。"))
    with transaction.atomic():
        period.delete()


# --- suspensions (Art. 30) ----------------------------------------------------------------


def save_suspension(suspension: Suspension) -> Suspension:
    deputy = suspension.deputy
    start, end = suspension.start_date, suspension.end_date
    _check_within_term(deputy.term, start, end)
    others = Suspension.objects.filter(deputy=deputy).exclude(pk=suspension.pk)
    if _overlaps(others.values_list("start_date", "end_date"), start, end):
        raise ValidationError(_("暂停执行代表职务的期间与已有记录重叠。"))
    periods = list(
        ServicePeriod.objects.filter(deputy=deputy).values_list("start_date", "end_date")
    )
    if not _overlaps(periods, start, start):
        raise ValidationError({"start_date": _("开始日期不在该代表的任职期间内。")})
    with transaction.atomic():
        suspension.save()
    return suspension


def delete_suspension(suspension: Suspension) -> None:
    with transaction.atomic():
        suspension.delete()


# --- termination (Art. 30) ----------------------------------------------------------------


def record_termination(termination: Termination) -> Termination:
    """Record (or correct) a termination and close the deputy's service at its date: the
    open period ends on that date; a period starting after it is refused."""
    deputy = termination.deputy
    when = termination.date
    _check_within_term(deputy.term, when, None, field_start="date")
    periods = list(ServicePeriod.objects.filter(deputy=deputy).order_by("start_date"))
    if not any(
        p.start_date <= when and (p.end_date is None or p.end_date >= when) for p in periods
    ):
        raise ValidationError({"date": _("终止日期不在该代表的任职期间内。")})
    if any(p.start_date > when for p in periods):
        raise ValidationError({"date": _("终止日期之后还有任职期间，请先修改任职期间。")})
    with transaction.atomic():
        termination.save()
        for period in periods:
            if period.end_date is None or period.end_date > when:
                period.end_date = when
                period.note = period.note or _("终止代表资格")
                period.save()
        # A suspension running past the end of office ends with it.
        for suspension in Suspension.objects.filter(deputy=deputy):
            if suspension.end_date is None or suspension.end_date > when:
                suspension.end_date = max(when, suspension.start_date)
                suspension.save()
    return termination


def delete_termination(termination: Termination) -> None:
    """Undo a termination recorded by mistake: the period closed by it is reopened."""
    with transaction.atomic():
        closed = ServicePeriod.objects.filter(
            deputy_id=termination.deputy_id, end_date=termination.date
        ).first()
        termination.delete()
        if closed is not None:
            closed.end_date = None
            closed.save()


# --- constituents on the liaison list (Art. 15) -----------------------------------------------


def save_constituent(constituent: Constituent) -> Constituent:
    constituent.name = constituent.name.strip()
    constituent.phone = (constituent.phone or "").strip()
    same = Constituent.objects.filter(
        deputy_id=constituent.deputy_id, name=constituent.name, phone=constituent.phone
    ).exclude(pk=constituent.pk)
    if same.exists():
        raise ValidationError(_("该代表的联系名单中已有同名同电话的选民。"))
    with transaction.atomic():
        constituent.save()
    return constituent


def delete_constituent(constituent: Constituent) -> None:
    with transaction.atomic():
        constituent.delete()


def constituent_shortfall(deputy: Deputy) -> int:
    """How many constituents the liaison list lacks to reach Art. 15's five (0 when enough)."""
    return max(0, MIN_CONSTITUENTS - deputy.constituents.count())


# --- standing-committee members' liaison deputies (Art. 15) -----------------------------------


def assign_liaison(member: Deputy, deputy: Deputy) -> LiaisonAssignment:
    if not member.is_sc_member:
        raise ValidationError(_("只有常委会组成人员才能分配联系代表。"))
    if member.pk == deputy.pk:
        raise ValidationError({"deputy": _("不能联系自己。")})
    if member.term_id != deputy.term_id:
        raise ValidationError({"deputy": _("联系代表须与常委会组成人员同届。")})
    assigned = LiaisonAssignment.objects.filter(member=member)
    if assigned.filter(deputy=deputy).exists():
        raise ValidationError({"deputy": _("已分配该联系代表。")})
    if assigned.count() >= MAX_LIAISON_DEPUTIES:
        raise ValidationError(
            _("每名常委会组成人员最多联系 %(n)s 名代表，已满，不能再分配。")
            % {"n": MAX_LIAISON_DEPUTIES}
        )
    with transaction.atomic():
        return LiaisonAssignment.objects.create(member=member, deputy=deputy)


def delete_liaison(assignment: LiaisonAssignment) -> None:
    with transaction.atomic():
        assignment.delete()
