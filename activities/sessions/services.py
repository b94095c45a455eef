"""Writes for congress sessions: sessions and meetings, attendance marks, leave requests (Art. 5)
and speeches (Art. 8). Each function checks what the regulation requires, raises
ValidationError with a Chinese message otherwise, and writes in one transaction.

Decisions (see session_selectors for the roll):
- No Attendance row is written when a meeting is created: the expected roll is computed and a
  row appears only when staff mark the deputy (or leave is approved), so the rules engine never
  counts an unchecked 缺席 or 出席.
- Staff may mark 请假 directly in the grid (leave approved on paper during the session, as the
  ledger import allows), but only with one of Art. 5's three reason categories.
- A mark backed by an approved leave request changes (to 出席/缺席, or cleared) only after a
  confirmation; the request then becomes 已撤销, with who and why in its history, so the roll
  and the leave pages never disagree.
- 出席/缺席 for a meeting after today is refused (it would count in the evaluation before the
  meeting took place); 请假 may be marked ahead.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.signals import post_save
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from activities.models import Attendance, AttendanceStatus, LeaveRequest, Meeting, Session, Speech
from activities.services import check_record_date
from activities.sessions.selectors import (
    KIND_ORDER,
    UNMARKED,
    expected_on,
    expected_roll,
    head_delegation_ids,
    is_secretary_general,
    leave_deputies,
    leave_requests_visible_to,
)
from deputies import permissions
from deputies.scopes import deputies_editable_by
from jdrenda.people import display_user
from supervision.closing import services as closing
from supervision.notifications import services as notifications

# --- sessions and meetings ------------------------------------------------------------------


def check_meeting(meeting: Meeting, original: Meeting | None = None) -> None:
    """The meeting's own rules; `original` is the saved version when editing."""
    session = meeting.session
    errors = {}
    if meeting.kind == Meeting.Kind.DELEGATION and not meeting.delegation_id:
        errors["delegation"] = _("代表团会议须选择代表团。")
    if meeting.kind != Meeting.Kind.DELEGATION and meeting.delegation_id:
        errors["delegation"] = _("只有代表团会议才选择代表团。")
    if session and meeting.date and not session.start_date <= meeting.date <= session.end_date:
        errors["date"] = _("会议日期须在大会会期内（%(start)s 至 %(end)s）。") % {
            "start": session.start_date,
            "end": session.end_date,
        }
    changed = original is not None and (original.kind, original.delegation_id) != (
        meeting.kind,
        meeting.delegation_id,
    )
    if changed and original.attendances.exists():
        errors["kind"] = _("该会议已登记出席情况，不能更改会议类型或代表团。")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_session(session: Session) -> Session:
    outside = session.pk and session.meetings.exclude(
        date__range=(session.start_date, session.end_date)
    )
    if outside and outside.exists():
        raise ValidationError(_("已有会议日期不在新的会期内，请先调整这些会议。"))
    session.save()
    return session


@transaction.atomic
def copy_session(source: Session, session: Session) -> Session:
    """A new 大会 with the structure of `source`: every meeting (预备会议, 全体会议, each
    delegation's 代表团会议) with the same name, kind and delegation, its date shifted by the
    difference of the start dates; the closing date likewise. `session` carries the new
    term, name and start date (checked by SessionForm). No attendance, leave or speech is
    copied. Refused, with nothing saved, when a copied meeting would clash with one already
    held under the same name and date in the term."""
    shift = session.start_date - source.start_date
    session.end_date = source.end_date + shift
    session.save()
    meetings = [
        Meeting(
            term_id=session.term_id,
            session=session,
            name=m.name,
            kind=m.kind,
            date=m.date + shift,
            delegation_id=m.delegation_id,
        )
        for m in source.meetings.in_time_order()
    ]
    clashes = Meeting.objects.filter(
        term_id=session.term_id,
        name__in=[m.name for m in meetings],
        date__in=[m.date for m in meetings],
    )
    taken = set(clashes.values_list("name", "date"))
    clash = next((m for m in meetings if (m.name, m.date) in taken), None)
    if clash is not None:
        raise ValidationError(
            _("本届在 %(date)s 已有名为“%(name)s”的会议，请换一个开幕日期。")
            % {"date": clash.date, "name": clash.name}
        )
    for m in meetings:
        check_meeting(m)
        m.save()  # one by one: each gets its history row, like a meeting added by hand
    return session


@transaction.atomic
def save_meeting(meeting: Meeting) -> Meeting:
    original = Meeting.objects.get(pk=meeting.pk) if meeting.pk else None
    meeting.term_id = meeting.session.term_id
    check_meeting(meeting, original)
    meeting.save()
    return meeting


@transaction.atomic
def delete_session(session: Session) -> None:
    session.delete()


@transaction.atomic
def delete_meeting(meeting: Meeting) -> None:
    meeting.delete()


# --- attendance -----------------------------------------------------------------------------

STATUS_WORDS = {
    AttendanceStatus.PRESENT: gettext_lazy("出席"),
    AttendanceStatus.ABSENT: gettext_lazy("缺席"),
    UNMARKED: gettext_lazy("未登记"),
}


class ApprovedLeaveError(ValidationError):
    """The mark is backed by an approved leave request: changing it needs a confirmation.
    The grid shows the message and re-sends the change with confirm_leave."""

    def __init__(self, leave: LeaveRequest, status: str, meeting: Meeting):
        self.leave = leave
        message = _(
            "%(deputy)s 在“%(meeting)s”（%(date)s）的请假申请已经代表团团长同意、大会秘书长"
            "批准。改为“%(new)s”将撤销该请假申请（记入请假申请的变更记录），确定修改吗？"
        ) % {
            "deputy": leave.deputy.name,
            "meeting": meeting.name,
            "date": meeting.date,
            "new": STATUS_WORDS[status],
        }
        super().__init__(message, code="approved_leave")


def approved_leave(meeting: Meeting, deputy, lock: bool = False) -> LeaveRequest | None:
    leaves = LeaveRequest.objects.select_related("deputy", "meeting").filter(
        Q(meetings=meeting) | Q(meeting=meeting),
        deputy=deputy,
        status=LeaveRequest.Status.APPROVED,
    )
    leaves = LeaveRequest.objects.filter(pk__in=leaves.values("pk")).select_related(
        "deputy", "meeting"
    )
    return (leaves.select_for_update(of=("self",)) if lock else leaves).first()


def _cancel_leave(user, leave: LeaveRequest, meeting: Meeting, status: str) -> None:
    """The grid overrides approved leave at one meeting. A request for that meeting alone is
    cancelled (已撤销); one covering several stays approved for the others and drops this one
    meeting, so the roll and the leave pages agree meeting by meeting."""
    leave._history_user = user
    others = [pk for pk in covered_meeting_ids(leave) if pk != meeting.pk]
    if not others:
        leave.status = LeaveRequest.Status.CANCELLED
        leave._change_reason = _("出席登记表改为“%(new)s”，已批准的请假撤销") % {
            "new": STATUS_WORDS[status]
        }
    else:
        # One history row (the save below, with the reason and the remaining meetings), not
        # a second one from the relation's change.
        leave.skip_history_when_saving = True
        leave.meetings.set(others)
        del leave.skip_history_when_saving
        if leave.meeting_id == meeting.pk:
            leave.meeting = Meeting.objects.in_time_order().filter(pk__in=others).first()
        leave._change_reason = _(
            "出席登记表将“%(meeting)s”（%(date)s）改为“%(new)s”，该会议的请假撤销"
        ) % {"meeting": meeting.name, "date": meeting.date, "new": STATUS_WORDS[status]}
    leave.save()


@transaction.atomic
def set_attendance(
    user, meeting: Meeting, deputy, status: str, reason: str = "", confirm_leave: bool = False
):
    """Mark one deputy at one meeting; status "" clears the mark (back to 未登记).

    A mark backed by approved leave changes only with confirm_leave (else ApprovedLeaveError);
    the leave request is then cancelled. Returns the Attendance row, or None when cleared.
    """
    if not permissions.may_record_attendance(user, deputy):
        raise ValidationError(_("您无权登记该代表的出席情况。"))
    if status != UNMARKED and status not in AttendanceStatus.values:
        raise ValidationError(_("出席情况须为出席、请假或缺席。"))
    row = Attendance.objects.select_for_update().filter(meeting=meeting, deputy=deputy).first()
    if row is None and not expected_on(meeting, deputy):
        raise ValidationError(_("该代表不在本次会议的应出席名单中。"))
    future = meeting.date > timezone.localdate()
    if future and status in (AttendanceStatus.PRESENT, AttendanceStatus.ABSENT):
        raise ValidationError(
            _("会议尚未举行（%(date)s），不能登记出席或缺席；请假可以提前登记。")
            % {"date": meeting.date}
        )
    leave = approved_leave(meeting, deputy, lock=True)
    if leave is not None and status != AttendanceStatus.LEAVE:
        if not confirm_leave:
            raise ApprovedLeaveError(leave, status, meeting)
        _cancel_leave(user, leave, meeting, status)
    if status == UNMARKED:
        if row is not None:
            row.delete()
        return None
    if status == AttendanceStatus.LEAVE and leave is not None:
        reason = leave.reason  # the approved request's reason stands
    if status == AttendanceStatus.LEAVE:
        if reason not in Attendance.LeaveReason.values:
            raise ValidationError(
                _("登记请假须选择请假事由（公务出国出境、重要会议活动、因病或特殊情况）。")
            )
    else:
        reason = ""
    if row is None:
        row = Attendance(meeting=meeting, deputy=deputy)
    row.status, row.leave_reason = status, reason
    row.save()
    return row


@transaction.atomic
def mark_unmarked_present(user, meeting: Meeting) -> int:
    """Mark every unmarked deputy (of those the user may edit) expected at a held meeting 出席."""
    if meeting.date > timezone.localdate():
        raise ValidationError(_("会议尚未举行，不能批量登记出席。"))
    marked = set(meeting.attendances.values_list("deputy_id", flat=True))
    rows = [
        Attendance(meeting=meeting, deputy=d, status=AttendanceStatus.PRESENT)
        for d in expected_roll(meeting, deputies_editable_by(user))
        if d.pk not in marked
    ]
    # A bulk write sends no signals: ask the closed-year guard here (refuses, or gives the
    # office's correction reason for the history rows).
    reason = closing.check_rows(rows)
    bulk_create_with_history(rows, Attendance, default_user=user, default_change_reason=reason)
    return len(rows)


# --- leave requests (Art. 5) ----------------------------------------------------------------


OPEN_LEAVE = [
    LeaveRequest.Status.PENDING_HEAD,
    LeaveRequest.Status.PENDING_SG,
    LeaveRequest.Status.APPROVED,
]


@transaction.atomic
def request_leave(
    user, deputy, meetings: Meeting | list[Meeting], reason: str, explanation: str
) -> LeaveRequest:
    """One request for one or several meetings (a whole session at once). Every meeting must
    be today or later, on the deputy's roll, and not already covered by an open request;
    otherwise nothing is saved and the message names the meeting."""
    meetings = [meetings] if isinstance(meetings, Meeting) else list(meetings)
    if not leave_deputies(user).filter(pk=deputy.pk).exists():
        raise ValidationError(_("您无权为该代表提交请假申请。"))
    if not meetings:
        raise ValidationError({"meetings": _("请至少选择一次会议。")})
    if len({m.session_id for m in meetings}) > 1 or meetings[0].session_id is None:
        raise ValidationError({"meetings": _("一份请假申请只能包括同一次大会的会议。")})
    if reason not in Attendance.LeaveReason.values:
        raise ValidationError({"reason": _("请选择请假事由。")})
    if not explanation.strip():
        raise ValidationError({"explanation": _("请填写具体说明。")})
    today = timezone.localdate()
    marked = set(
        Attendance.objects.filter(deputy=deputy, meeting__in=meetings).values_list(
            "meeting_id", flat=True
        )
    )
    covered = set(
        LeaveRequest.objects.filter(
            deputy=deputy, status__in=OPEN_LEAVE, meetings__in=meetings
        ).values_list("meetings", flat=True)
    ) | set(
        LeaveRequest.objects.filter(
            deputy=deputy, status__in=OPEN_LEAVE, meeting__in=meetings
        ).values_list("meeting_id", flat=True)
    )
    for m in meetings:
        label = {"meeting": m.name, "date": m.date}
        if m.date < today:
            raise ValidationError(
                {
                    "meetings": _(
                        "“%(meeting)s”（%(date)s）已经举行，不能再申请请假；"
                        "会上已获批准的书面请假由工作人员在出席登记表中登记。"
                    )
                    % label
                }
            )
        if m.pk not in marked and not expected_on(m, deputy):
            raise ValidationError(
                {
                    "meetings": _("该代表不在“%(meeting)s”（%(date)s）的应出席名单中，无需请假。")
                    % label
                }
            )
        if m.pk in covered:
            raise ValidationError(
                {
                    "meetings": _("该代表对“%(meeting)s”（%(date)s）已有待审批或已批准的请假申请。")
                    % label
                }
            )
    meetings.sort(key=lambda m: (m.date, KIND_ORDER.get(m.kind, 9), m.name, m.pk))
    leave = LeaveRequest(
        deputy=deputy,
        meeting=meetings[0],
        reason=reason,
        explanation=explanation.strip(),
        requested_by=user,
    )
    # One creation row in the history, holding the meetings: the save's and the relation's
    # own rows are skipped, then post_save (only the history listens on this model) records
    # it once the meetings are set.
    leave.skip_history_when_saving = True
    leave.save()
    leave.meetings.set(meetings)
    del leave.skip_history_when_saving
    post_save.send(
        LeaveRequest, instance=leave, created=True, raw=False, using=leave._state.db,
        update_fields=None,
    )  # fmt: skip
    return leave


@transaction.atomic
def head_decide(user, leave: LeaveRequest, approve: bool, comment: str = "") -> LeaveRequest:
    """The delegation head's decision, first of the two (团长审核)."""
    leave = LeaveRequest.objects.select_for_update().select_related("deputy").get(pk=leave.pk)
    if leave.deputy.delegation_id not in head_delegation_ids(user):
        raise ValidationError(_("只有该代表所在代表团的团长才能审核此申请。"))
    if leave.status != LeaveRequest.Status.PENDING_HEAD:
        raise ValidationError(_("该申请不在待团长审核状态，不能再审核。"))
    if not approve and not comment.strip():
        raise ValidationError(_("不同意时请填写意见说明。"))
    leave.head_approved = approve
    leave.head_by, leave.head_at, leave.head_comment = user, timezone.now(), comment.strip()
    leave.status = LeaveRequest.Status.PENDING_SG if approve else LeaveRequest.Status.REJECTED
    leave.save()
    if not approve:
        _notify_leave(leave, display_user(user), comment.strip())
    return leave


def _notify_leave(leave: LeaveRequest, decided_by: str, comment: str) -> None:
    """The deputy learns the final outcome: approved by the secretary-general, or rejected by
    either approver (the head's approval is only a step, not an outcome)."""
    meeting = leave.meeting
    what = _("%(m)s（%(d)s）") % {"m": meeting.name, "d": meeting.date.isoformat()}
    covered = len(covered_meeting_ids(leave))
    if covered > 1:  # a whole session's leave: say how many meetings it covers
        what += _("等 %(n)s 次会议") % {"n": covered}
    approved = leave.status == LeaveRequest.Status.APPROVED
    if approved:
        subject = _("您的请假申请已批准：%(w)s") % {"w": what}
    else:
        subject = _("您的请假申请未获批准：%(w)s") % {"w": what}
    body = _("审批人：%(by)s") % {"by": decided_by}
    if comment:
        body += "\n" + _("意见：%(c)s") % {"c": comment}
    notifications.notify(
        [
            notifications.Outcome(
                leave.deputy.user_id,
                "leave_approved" if approved else "leave_rejected",
                f"leave{leave.pk}",
                subject,
                body,
                reverse("activities:leave_detail", args=[leave.pk]),
            )
        ]
    )


@transaction.atomic
def sg_decide(user, leave: LeaveRequest, approve: bool, comment: str = "") -> LeaveRequest:
    """The secretary-general's decision after the head's approval; filed (备案) at once.

    Approved leave becomes 请假 on the roll (the row is created if missing); a rejection
    leaves the roll as it was, so the deputy stays expected.
    """
    leave = LeaveRequest.objects.select_for_update().get(pk=leave.pk)
    if not is_secretary_general(user):
        raise ValidationError(_("只有大会秘书长才能批准请假申请。"))
    if leave.status == LeaveRequest.Status.PENDING_HEAD or leave.head_approved is not True:
        raise ValidationError(_("代表团团长尚未同意，秘书长暂不能审批。"))
    if leave.status != LeaveRequest.Status.PENDING_SG:
        raise ValidationError(_("该申请已审批完毕，不能再审批。"))
    if not approve and not comment.strip():
        raise ValidationError(_("不批准时请填写意见说明。"))
    now = timezone.now()
    leave.sg_approved = approve
    leave.sg_by, leave.sg_at, leave.sg_comment = user, now, comment.strip()
    leave.filed_at = now
    leave.status = LeaveRequest.Status.APPROVED if approve else LeaveRequest.Status.REJECTED
    leave.save()
    if approve:
        # 请假 on every meeting the request covers (row by row: the history and the closed-year
        # guard see each mark).
        for meeting_id in covered_meeting_ids(leave):
            row = Attendance.objects.filter(meeting_id=meeting_id, deputy_id=leave.deputy_id)
            row = row.first() or Attendance(meeting_id=meeting_id, deputy_id=leave.deputy_id)
            row.status, row.leave_reason = AttendanceStatus.LEAVE, leave.reason
            row.save()
    _notify_leave(leave, display_user(user), comment.strip())
    return leave


def approve_many(user, ids: list[int]) -> tuple[int, list[tuple[str, str]]]:
    """Approve several requests at once (the queue's 批准所选): each is the head's step or the
    secretary-general's, whichever it waits for, with that step's own checks. Each decision
    is its own transaction; returns (number approved, [(deputy name, refusal)])."""
    done, refused = 0, []
    visible = leave_requests_visible_to(user, LeaveRequest.objects.filter(pk__in=ids))
    found = {leave.pk: leave for leave in visible.select_related("deputy")}
    for pk in ids:
        leave = found.get(pk)
        if leave is None:
            refused.append((str(pk), _("申请不存在或不在您的权限范围内。")))
            continue
        # The step this user takes on it: the secretary-general's once the head has agreed,
        # else the head's (whose checks then refuse a request past that step).
        sg_step = is_secretary_general(user) and (
            leave.status == LeaveRequest.Status.PENDING_SG or not head_delegation_ids(user)
        )
        decide = sg_decide if sg_step else head_decide
        try:
            decide(user, leave, True)
        except ValidationError as exc:
            refused.append((leave.deputy.name, "；".join(exc.messages)))
        else:
            done += 1
    return done, refused


def covered_meeting_ids(leave: LeaveRequest) -> list[int]:
    """The meetings a request covers; a row without the relation (written before it, or by
    a bulk writer) covers its one meeting."""
    ids = list(leave.meetings.values_list("pk", flat=True))
    return ids or [leave.meeting_id]


# --- speeches (Art. 8) ----------------------------------------------------------------------


def _check_speech(user, speech: Speech) -> None:
    meeting, deputy = speech.meeting, speech.deputy
    if not permissions.may_record_speech(user, deputy):
        raise ValidationError({"deputy": _("您无权登记该代表的发言。")})
    if meeting.kind != Meeting.Kind.DELEGATION:
        raise ValidationError({"meeting": _("大会发言只登记在代表团会议上。")})
    mark = meeting.attendances.filter(deputy=deputy).first()
    if mark is None and not expected_on(meeting, deputy):
        raise ValidationError({"deputy": _("该代表不在这次代表团会议的出席名单中。")})
    if mark is not None and mark.status != AttendanceStatus.PRESENT:
        message = _("该代表本次会议登记为%(s)s，不能登记发言。")
        raise ValidationError({"deputy": message % {"s": mark.get_status_display()}})
    if not speech.topic.strip():
        raise ValidationError({"topic": _("请填写发言主题。")})
    # A meeting may be planned ahead; a speech is recorded once it has been given.
    check_record_date(deputy, meeting.date, field="meeting")


@transaction.atomic
def save_speech(user, speech: Speech) -> Speech:
    _check_speech(user, speech)
    speech.date, speech.meeting_name = speech.meeting.date, speech.meeting.name
    speech.topic = speech.topic.strip()
    duplicate = Speech.objects.filter(
        deputy=speech.deputy, date=speech.date, meeting_name=speech.meeting_name, topic=speech.topic
    ).exclude(pk=speech.pk)
    if duplicate.exists():
        raise ValidationError({"topic": _("该代表在本次会议上已登记过相同主题的发言。")})
    try:
        with transaction.atomic():
            speech.save()
    except IntegrityError as exc:  # a concurrent duplicate
        raise ValidationError(_("该发言已登记。")) from exc
    return speech


@transaction.atomic
def delete_speech(speech: Speech) -> None:
    speech.delete()
