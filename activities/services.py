"""Writes for activities, participation, QR sign-in, communications and 社情民意.

Every function validates first and writes in one transaction, so a refused request leaves
nothing half-saved. Refusals are ValidationError with a Chinese message the view shows.
"""

from datetime import date

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from activities.models import (
    Activity,
    ActivityType,
    AttendanceStatus,
    Communication,
    LiaisonCommunication,
    Participation,
    ParticipationStatus,
    PublicOpinion,
)
from deputies.models import Deputy
from supervision.closing import services as closing
from supervision.notifications import services as notifications

SIGNIN_SALT = "jdrenda.activity-signin"


# --- time in office ---------------------------------------------------------------------


def in_office_on(queryset, day: date):
    """Deputies holding office on `day`: a service period covers it and no suspension does."""
    return queryset.active_on(day)


def is_in_office(deputy: Deputy, day: date) -> bool:
    return in_office_on(Deputy.objects.filter(pk=deputy.pk), day).exists()


def record_date_range(deputy: Deputy, allow_future: bool = False) -> tuple[date, date]:
    """The first and last day a record of this deputy may carry: within the term and their
    service (first start to last end), and not after today unless `allow_future`."""
    term = deputy.term
    periods = list(deputy.service_periods.all())
    start, end = term.start_date, term.end_date
    if periods:
        start = max(start, min(p.start_date for p in periods))
        end = min(end, max(p.end_date or term.end_date for p in periods))
    if not allow_future:
        end = min(end, timezone.localdate())
    return start, end


def check_record_date(
    deputy: Deputy, day: date, *, field: str | None = None, allow_future: bool = False,
    name: bool = False,
) -> None:  # fmt: skip
    """THE date check for a deputy's record (contact, speech, participation, self-report,
    opinion): not after today (unless `allow_future`: a 请假 or an invitation ahead), within the
    term and the deputy's service, and not in a gap or suspension. The message names the
    allowed range; `name` puts the deputy's name first (a record about two deputies)."""
    start, end = record_date_range(deputy, allow_future)
    if start <= day <= end and is_in_office(deputy, day):
        return
    note = _("任职期间") if allow_future else _("任职期间，且不晚于今天")
    if start > end:
        message = _("%(s)s 起任职，今天之前没有可登记的日期") % {"s": start.isoformat()}
    else:
        message = _("日期须在 %(a)s 至 %(b)s 之间（%(n)s）") % {
            "a": start.isoformat(),
            "b": end.isoformat(),
            "n": note,
        }
        if start <= day <= end:  # inside the range, in a gap between periods or suspended
            message = (
                _("%(d)s 不在任职期间（任职间断或暂停执行代表职务）；") % {"d": day.isoformat()}
                + message
            )
    if name:
        message = f"{deputy.name}：{message}"
    raise ValidationError({field: message} if field else message)


# --- activities -------------------------------------------------------------------------


@transaction.atomic
def save_activity(form) -> Activity:
    return form.save()


@transaction.atomic
def delete_activity(activity: Activity) -> None:
    activity.delete()


def is_reception(activity: Activity) -> bool:
    return activity.type == ActivityType.RECEPTION


def check_reception(activity: Activity, status: str, notes: str, no_visitors: bool) -> None:
    """家站点接待 counts as attended only with what was received, or an explicit 无来访."""
    if is_reception(activity) and status == AttendanceStatus.PRESENT:
        if not (notes or "").strip() and not no_visitors:
            raise ValidationError(_("家站点接待须填写接待情况或勾选“无来访”，才能记为出席。"))
        if (notes or "").strip() and no_visitors:
            raise ValidationError(_("已填写接待情况时不能同时勾选“无来访”。"))


def _check_deputy_for(activity: Activity, deputy: Deputy) -> None:
    if deputy.term_id != activity.term_id:
        raise ValidationError(
            _("%(name)s 不是%(term)s代表。") % {"name": deputy.name, "term": activity.term}
        )
    if not is_in_office(deputy, activity.date):
        raise ValidationError(
            _("%(name)s 在活动日期（%(date)s）不在任职期间，不能参加该活动。")
            % {"name": deputy.name, "date": activity.date}
        )


def check_present_not_ahead(activity: Activity, status: str) -> None:
    """An activity may be planned ahead and deputies put on its roll, but 出席 is recorded
    only once its day has come."""
    if status == AttendanceStatus.PRESENT and activity.date > timezone.localdate():
        raise ValidationError(
            _("活动日期（%(d)s）尚未到，不能登记出席；请在活动当天或之后登记。")
            % {"d": activity.date.isoformat()}
        )


@transaction.atomic
def add_participant(
    activity: Activity,
    deputy: Deputy,
    status: str = AttendanceStatus.PRESENT,
    reception_notes: str = "",
    no_visitors: bool = False,
    notify: bool = True,
) -> Participation:
    """`notify` False when the deputy is told otherwise (a confirmed self-report)."""
    _check_deputy_for(activity, deputy)
    if Participation.objects.filter(activity=activity, deputy=deputy).exists():
        raise ValidationError(
            _("%(name)s 已在该活动的参加名单中，不能重复添加。") % {"name": deputy.name}
        )
    check_present_not_ahead(activity, status)
    check_reception(activity, status, reception_notes, no_visitors)
    participation = Participation.objects.create(
        activity=activity,
        deputy=deputy,
        status=status,
        reception_notes=reception_notes,
        no_visitors=no_visitors,
    )
    if notify:
        notify_added(activity, [deputy.user_id])
    return participation


def added_outcome(activity: Activity, user_id: int | None) -> notifications.Outcome:
    """被邀请 for an activity still ahead, 已登记参加 for one recorded after the day."""
    what = {"a": activity.name, "d": activity.date.isoformat()}
    if activity.date >= timezone.localdate():
        subject = _("您被邀请参加履职活动：%(a)s（%(d)s）") % what
    else:
        subject = _("您已被登记参加履职活动：%(a)s（%(d)s）") % what
    body = _("活动：%(a)s\n日期：%(d)s") % what
    return notifications.Outcome(
        user_id,
        "activity_invited",
        f"activity{activity.pk}",
        subject,
        body,
        reverse("activities:activity_detail", args=[activity.pk]),
    )


def notify_added(activity: Activity, user_ids) -> None:
    notifications.notify(added_outcome(activity, pk) for pk in user_ids)


def bulk_status(activity: Activity, today=None) -> str:
    """What a bulk add records: 受邀 until the activity's date has passed (no attendance is
    claimed before it happens); then 出席, except a reception, which needs notes per deputy
    and so records 缺席 until each reception is filled in."""
    today = today or timezone.localdate()
    if activity.date >= today:
        return ParticipationStatus.INVITED
    return AttendanceStatus.ABSENT if is_reception(activity) else AttendanceStatus.PRESENT


@transaction.atomic
def set_all_statuses(activity: Activity, status: str, today=None) -> tuple[int, int]:
    """全部设为…: give every deputy on the roll the same status. Returns (changed, skipped).

    出席/缺席 are refused before the activity's date has passed. On a reception, 出席 is set
    only where what was received or 无来访 is recorded; the others are skipped and counted.
    """
    today = today or timezone.localdate()
    if status not in ParticipationStatus.values:
        raise ValidationError(_("请选择参加情况。"))
    if activity.date >= today and status in (AttendanceStatus.PRESENT, AttendanceStatus.ABSENT):
        raise ValidationError(
            _("活动日期（%(date)s）尚未过去，不能全部设为出席或缺席。") % {"date": activity.date}
        )
    changed = skipped = 0
    for participation in activity.participations.select_for_update().order_by("pk"):
        if participation.status == status:
            continue
        try:
            check_reception(
                activity, status, participation.reception_notes, participation.no_visitors
            )
        except ValidationError:
            skipped += 1
            continue
        participation.status = status
        participation.save(update_fields=["status"])
        changed += 1
    return changed, skipped


@transaction.atomic
def add_participants_bulk(activity: Activity, deputies, status: str | None = None):
    """Add a whole group or delegation: those in office on the day and not yet on the roll.

    Returns (added, skipped_already_on_roll, skipped_not_in_office) counts. The status is
    bulk_status() unless given.
    """
    if status is None:
        status = bulk_status(activity)
    if is_reception(activity) and status == AttendanceStatus.PRESENT:
        status = AttendanceStatus.ABSENT
    candidates = deputies.filter(term_id=activity.term_id)
    total = candidates.count()
    eligible = in_office_on(candidates, activity.date)
    on_roll = set(
        Participation.objects.filter(activity=activity).values_list("deputy_id", flat=True)
    )
    eligible_ids = list(eligible.values_list("pk", flat=True))
    new_ids = [pk for pk in eligible_ids if pk not in on_roll]
    rows = [Participation(activity=activity, deputy_id=pk, status=status) for pk in new_ids]
    # A bulk write sends no signals: ask the closed-year guard here.
    reason = closing.check_rows(rows)
    bulk_create_with_history(rows, Participation, batch_size=500, default_change_reason=reason)
    users = Deputy.objects.filter(pk__in=new_ids, user__isnull=False).values_list("user_id")
    notify_added(activity, [pk for (pk,) in users])
    return len(new_ids), len(eligible_ids) - len(new_ids), total - len(eligible_ids)


@transaction.atomic
def update_participation(
    participation: Participation, status: str, reception_notes=None, no_visitors=None
) -> Participation:
    notes = participation.reception_notes if reception_notes is None else reception_notes
    none = participation.no_visitors if no_visitors is None else no_visitors
    check_present_not_ahead(participation.activity, status)
    check_reception(participation.activity, status, notes, none)
    participation.status = status
    participation.reception_notes = notes
    participation.no_visitors = none
    participation.save()
    return participation


@transaction.atomic
def delete_participation(participation: Participation) -> None:
    participation.delete()


# --- QR sign-in -------------------------------------------------------------------------


def signin_token(activity: Activity) -> str:
    """A signed token naming the activity, so a sign-in URL cannot be guessed."""
    return signing.dumps(activity.pk, salt=SIGNIN_SALT)


def activity_for_token(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=SIGNIN_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None


def signin_window_open(activity: Activity, now=None) -> bool:
    now = now or timezone.now()
    if not activity.signin_opens_at or not activity.signin_closes_at:
        return False
    return activity.signin_opens_at <= now <= activity.signin_closes_at


@transaction.atomic
def sign_in(activity: Activity, user, now=None) -> Participation:
    """Mark the user's deputy 出席 by scanning the activity's code, within the window."""
    return record_sign_in(activity, sign_in_deputy(activity, user, now), now)


@transaction.atomic
def record_sign_in(activity: Activity, deputy: Deputy, now=None) -> Participation:
    """Record a sign-in that check_sign_in allowed (the page's scan, the open API's gateway).

    A 家站点接待 sign-in records the scan only (status stays 缺席 with signed_in_at set)
    until the deputy or staff records what was received or 无来访: a sign-in alone is not
    a reception.
    """
    participation = (
        Participation.objects.select_for_update().filter(activity=activity, deputy=deputy).first()
    )
    if participation is None:
        participation = Participation(activity=activity, deputy=deputy)
    if is_reception(activity):
        counts = participation.reception_notes.strip() or participation.no_visitors
        participation.status = AttendanceStatus.PRESENT if counts else AttendanceStatus.ABSENT
    else:
        participation.status = AttendanceStatus.PRESENT
    if participation.signed_in_at is None:
        participation.signed_in_at = now or timezone.now()
    participation.save()
    return participation


def sign_in_deputy(activity: Activity, user, now=None) -> Deputy:
    """The user's deputy who may sign in to the activity now; ValidationError saying why not."""
    deputy = Deputy.objects.filter(user=user, term_id=activity.term_id).first()
    if deputy is None:
        raise ValidationError(
            _("您的账号不是%(term)s代表，无法签到该活动。") % {"term": activity.term}
        )
    check_sign_in(activity, deputy, now)
    return deputy


def check_sign_in(activity: Activity, deputy: Deputy, now=None) -> None:
    """May `deputy` sign in to the activity now (the window, office, a closed year)?
    ValidationError saying why not."""
    now = now or timezone.now()
    if not activity.signin_opens_at or not activity.signin_closes_at:
        raise ValidationError(_("该活动未开放扫码签到。"))
    if now < activity.signin_opens_at:
        raise ValidationError(
            _("签到尚未开始，开始时间：%(t)s。")
            % {"t": timezone.localtime(activity.signin_opens_at).strftime("%Y-%m-%d %H:%M")}
        )
    if now > activity.signin_closes_at:
        raise ValidationError(
            _("签到已截止，截止时间：%(t)s。")
            % {"t": timezone.localtime(activity.signin_closes_at).strftime("%Y-%m-%d %H:%M")}
        )
    if not is_in_office(deputy, activity.date):
        raise ValidationError(_("您在活动日期不在任职期间，无法签到。"))
    # Say so before the button is pressed when the activity's year is closed.
    closing.check_rows([Participation(activity=activity, deputy=deputy)])


@transaction.atomic
def record_reception(participation: Participation, notes: str, no_visitors: bool):
    """What a 家站点接待 received; with it, the participation counts as 出席."""
    return update_participation(participation, AttendanceStatus.PRESENT, notes, no_visitors)


# --- communications ---------------------------------------------------------------------


@transaction.atomic
def record_communication(deputy, day, method, content, constituents) -> tuple[Communication, bool]:
    """Record a communication; the same (deputy, date, method) merges into the existing one.

    Returns (communication, created).
    """
    constituents = list(constituents)
    if not constituents:
        raise ValidationError(_("请至少选择一名选民。"))
    foreign = [c.name for c in constituents if c.deputy_id != deputy.pk]
    if foreign:
        raise ValidationError(
            _("选民 %(names)s 不在该代表的联系选民名单中。") % {"names": "、".join(foreign)}
        )
    check_record_date(deputy, day)
    comm = (
        Communication.objects.select_for_update()
        .filter(deputy=deputy, date=day, method=method)
        .first()
    )
    created = comm is None
    if created:
        comm = Communication.objects.create(deputy=deputy, date=day, method=method, content=content)
    elif content and content not in comm.content:
        comm.content = f"{comm.content}\n{content}".strip()
        comm.save()
    comm.constituents.add(*constituents)
    return comm, created


@transaction.atomic
def update_communication(comm: Communication, content: str, constituents) -> Communication:
    constituents = list(constituents)
    if not constituents:
        raise ValidationError(_("请至少选择一名选民。"))
    if any(c.deputy_id != comm.deputy_id for c in constituents):
        raise ValidationError(_("所选选民不在该代表的联系选民名单中。"))
    comm.content = content
    comm.save()
    comm.constituents.set(constituents)
    return comm


@transaction.atomic
def delete_record(obj) -> None:
    obj.delete()


@transaction.atomic
def record_liaison(member, deputy, day, method, content) -> LiaisonCommunication:
    if not member.is_sc_member:
        raise ValidationError(_("%(name)s 不是常委会组成人员。") % {"name": member.name})
    if member.pk == deputy.pk:
        raise ValidationError(_("常委会组成人员不能联系自己。"))
    if member.term_id != deputy.term_id:
        raise ValidationError(_("联系的代表须与常委会组成人员同届。"))
    for person in (member, deputy):
        check_record_date(person, day, name=True)
    if LiaisonCommunication.objects.filter(
        member=member, deputy=deputy, date=day, method=method
    ).exists():
        raise ValidationError(_("该联系记录已存在（同一日期、同一联系方式）。"))
    try:
        with transaction.atomic():
            return LiaisonCommunication.objects.create(
                member=member, deputy=deputy, date=day, method=method, content=content
            )
    except IntegrityError as exc:  # a concurrent duplicate
        raise ValidationError(_("该联系记录已存在（同一日期、同一联系方式）。")) from exc


# --- 社情民意 ---------------------------------------------------------------------------


@transaction.atomic
def save_opinion(form) -> PublicOpinion:
    opinion = form.save(commit=False)
    check_record_date(opinion.deputy, opinion.date)
    opinion.save()
    return opinion


@transaction.atomic
def refer_opinion(opinion: PublicOpinion, ticket: str) -> PublicOpinion:
    ticket = (ticket or "").strip()
    if not ticket:
        raise ValidationError(_("转办12345须填写工单号。"))
    opinion.hotline_ticket = ticket
    if not opinion.hotline_status:
        opinion.hotline_status = PublicOpinion.HotlineStatus.REFERRED
    opinion.save()
    return opinion


@transaction.atomic
def update_opinion_status(opinion: PublicOpinion, status: str, outcome: str) -> PublicOpinion:
    if not opinion.hotline_ticket:
        raise ValidationError(_("尚未转办12345，不能更新工单状态。"))
    if status not in PublicOpinion.HotlineStatus.values or not status:
        raise ValidationError(_("请选择有效的工单状态。"))
    if status == PublicOpinion.HotlineStatus.CLOSED and not (outcome or "").strip():
        raise ValidationError(_("办结时须填写办理结果。"))
    opinion.hotline_status = status
    opinion.hotline_outcome = outcome
    opinion.save()
    return opinion
