"""Part 2: congress sessions, meetings, attendance, leave and speeches."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import (
    Attendance,
    AttendanceStatus,
    LeaveRequest,
    Meeting,
    Session,
    Speech,
)
from deputies.demo.common import Writer, at, cn_number, weighted
from deputies.demo.data import (
    DELEGATIONS,
    DEMO_TOWN,
    LEAVE_EXPLANATIONS,
    SESSION_STARTS,
    SPEECH_TOPICS,
    UPCOMING_SESSION,
    YEARS,
    upcoming_day,
)


class SessionsPart:
    """DemoBuilder's methods for this part (self: the builder)."""

    def sessions(self):
        rng = self.rng("sessions")
        attendance = Writer(Attendance, log=self.partial)
        leave_writer = Writer(LeaveRequest)
        speech = Writer(Speech)
        secretary, head = self.users["secretary"], self.users["head"]
        head_delegation = [d[0] for d in DELEGATIONS].index(DEMO_TOWN)
        self.session_dates = {}
        by_delegation = {}
        for info in self.infos:
            by_delegation.setdefault(info.delegation, []).append(info)
        n_sessions = n_meetings = 0
        leave_meetings = []
        for number, year in enumerate(YEARS, start=1):
            start = SESSION_STARTS[year]
            prefix = f"七届人大{cn_number(number)}次会议"
            session = Session.objects.create(
                term=self.term, name=prefix, start_date=start, end_date=start + timedelta(days=3)
            )
            n_sessions += 1
            self.session_dates[year] = start
            meetings = [
                Meeting(term=self.term, session=session, name=f"{prefix}预备会议",
                        kind=Meeting.Kind.PREPARATORY, date=start),
                Meeting(term=self.term, session=session, name=f"{prefix}第一次全体会议",
                        kind=Meeting.Kind.PLENARY, date=start),
                Meeting(term=self.term, session=session, name=f"{prefix}第二次全体会议",
                        kind=Meeting.Kind.PLENARY, date=start + timedelta(days=3)),
            ]  # fmt: skip
            for delegation in self.delegations:
                for k in (1, 2):
                    meetings.append(
                        Meeting(
                            term=self.term,
                            session=session,
                            name=f"{prefix}{delegation.name}代表团第{cn_number(k)}次会议",
                            kind=Meeting.Kind.DELEGATION,
                            date=start + timedelta(days=k),
                            delegation=delegation,
                        )
                    )
            Meeting.objects.bulk_create(meetings)
            n_meetings += len(meetings)
            plenary = meetings[:3]
            of_delegation = {}
            for m in meetings[3:]:
                of_delegation.setdefault(m.delegation_id, []).append(m)
            for d_index, delegation in enumerate(self.delegations):
                roll_meetings = sorted(
                    plenary + of_delegation[delegation.pk],
                    key=lambda m: (m.date, m.kind != "preparatory"),
                )
                for info in by_delegation[d_index]:
                    roll = [m for m in roll_meetings if info.active_on(m.date)]
                    if not roll:
                        continue
                    statuses = {m.pk: AttendanceStatus.PRESENT for m in roll}
                    if rng.random() < 0.05:  # on leave for part or all of the session
                        reason = weighted(rng, ((Attendance.LeaveReason.ABROAD, 2),
                                                (Attendance.LeaveReason.IMPORTANT, 3),
                                                (Attendance.LeaveReason.ILLNESS, 3)))  # fmt: skip
                        first = rng.randrange(len(roll))
                        for m in roll[first : first + rng.randint(1, len(roll))]:
                            statuses[m.pk] = reason
                    if self.is_short("ART7", year, info):
                        free = [m for m in roll if statuses[m.pk] == AttendanceStatus.PRESENT]
                        if free:
                            statuses[rng.choice(free).pk] = AttendanceStatus.ABSENT
                    for m in roll:
                        status = statuses[m.pk]
                        if status in Attendance.LeaveReason.values:
                            attendance.add(Attendance(meeting_id=m.pk, deputy_id=info.deputy.pk,
                                                      status=AttendanceStatus.LEAVE,
                                                      leave_reason=status))  # fmt: skip
                            by_head = head if d_index == head_delegation else None
                            decided = m.date - timedelta(days=2)
                            leave_writer.add(
                                LeaveRequest(
                                    meeting=m,
                                    deputy=info.deputy,
                                    reason=status,
                                    explanation=LEAVE_EXPLANATIONS[status],
                                    status=LeaveRequest.Status.APPROVED,
                                    head_approved=True,
                                    head_by=by_head,
                                    head_at=at(decided, 10),
                                    sg_approved=True,
                                    sg_by=secretary,
                                    sg_at=at(decided, 16),
                                    filed_at=at(decided + timedelta(days=1), 9),
                                )
                            )
                            leave_meetings.append(m)
                        else:
                            attendance.add(
                                Attendance(meeting_id=m.pk, deputy_id=info.deputy.pk, status=status)
                            )
                    # Speeches at delegation meetings attended.
                    spoken = [
                        m for m in roll
                        if m.kind == Meeting.Kind.DELEGATION
                        and statuses[m.pk] == AttendanceStatus.PRESENT
                    ]  # fmt: skip
                    if spoken and not self.is_short("ART8", year, info):
                        topics = rng.sample(SPEECH_TOPICS, 2)
                        n_speak = min(len(spoken), rng.choice((1, 1, 2)))
                        for j, m in enumerate(rng.sample(spoken, n_speak)):
                            speech.add(Speech(deputy=info.deputy, date=m.date, meeting=m,
                                              meeting_name=m.name, topic=topics[j]))  # fmt: skip
        attendance.flush()
        leave_writer.flush()
        speech.flush()
        # requested_at is auto_now_add: set it to a fixed time, three days before the meeting.
        for m in sorted({m.pk: m for m in leave_meetings}.values(), key=lambda m: m.pk):
            LeaveRequest.objects.filter(meeting=m).update(
                requested_at=at(m.date - timedelta(days=3), 9, 30)
            )
        # An upcoming session, nothing recorded yet: a deputy asks for leave ahead of a meeting,
        # so leave → head → secretary can be walked with the demo accounts.
        day = upcoming_day(timezone.localdate())
        upcoming = Session.objects.create(
            term=self.term, name=UPCOMING_SESSION, start_date=day, end_date=day
        )
        Meeting.objects.create(term=self.term, session=upcoming, name=f"{UPCOMING_SESSION}全体会议",
                               kind=Meeting.Kind.PLENARY, date=day)  # fmt: skip
        n_sessions, n_meetings = n_sessions + 1, n_meetings + 1
        self.progress(_("大会"), n_sessions)
        self.progress(_("大会会议"), n_meetings)
        self.progress(_("出席情况"), attendance.count)
        self.progress(_("请假申请"), leave_writer.count)
        self.progress(_("大会发言"), speech.count)
