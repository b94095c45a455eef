"""Reads for congress sessions, the attendance grid, leave requests and speeches.

Who may do what with sessions (the permission side of deputies/scopes.py for these records):
- sessions, meetings, the grid and sign-in sheets: office staff (all, and they create and
  edit sessions), town staff (their delegation), delegation heads (their delegation), the
  secretary-general, the leadership and the qualification committee (all, read only);
- attendance cells: office staff and town staff for the deputies they may edit;
- leave requests: a deputy for themselves, office and town staff for deputies they may edit;
  the delegation head of the deputy's delegation decides first, the secretary-general second.

The roll. The model has no "expected, not yet marked" status (only 出席/请假/缺席) and the rules
engine reads every Attendance row: a pre-filled 缺席 would count as an unexcused absence (an
Art. 29 interview reason) before the meeting has even taken place, and a pre-filled 出席 would
credit attendance nobody checked. So the expected roll is computed, not stored: every deputy of
the term in office (service periods minus suspensions) on the meeting date, only the
delegation's for a 代表团会议. The grid and the sign-in sheet show it; a cell is written only when
staff mark it (unmarked cells read 未登记), an approved leave request writes 请假, and staff may
mark every unmarked deputy of a held meeting 出席 at once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from activities.models import Attendance, AttendanceStatus, LeaveRequest, Meeting, Session, Speech
from deputies.models import Delegation, Deputy, DeputyGroup, Role, ServicePeriod, Suspension
from deputies.scopes import deputies_editable_by, deputies_visible_to, user_scope
from supervision.evaluation.compliance import active_days

SESSION_VIEWERS = {
    Role.OFFICE_STAFF,
    Role.TOWN_STAFF,
    Role.DELEGATION_HEAD,
    Role.SECRETARY_GENERAL,
    Role.LEADERSHIP,
    Role.QUALIFICATION,
}
RECORDERS = {Role.OFFICE_STAFF, Role.TOWN_STAFF}
UNMARKED = ""

STATUS_SHORT = {
    AttendanceStatus.PRESENT: _("出"),
    AttendanceStatus.LEAVE: _("假"),
    AttendanceStatus.ABSENT: _("缺"),
    UNMARKED: _("未"),
}


# --- roles ----------------------------------------------------------------------------------


def can_view_sessions(user) -> bool:
    return bool(user_scope(user).roles & SESSION_VIEWERS)


def can_manage_sessions(user) -> bool:
    return user_scope(user).has(Role.OFFICE_STAFF)


def can_record_sessions(user) -> bool:
    """Mark attendance, record speeches, ask for leave on a deputy's behalf."""
    return bool(user_scope(user).roles & RECORDERS)


def can_use_leave(user) -> bool:
    scope = user_scope(user)
    return bool(scope.roles & (SESSION_VIEWERS | {Role.DEPUTY}))


def is_head(user) -> bool:
    return user_scope(user).has(Role.DELEGATION_HEAD)


def is_secretary_general(user) -> bool:
    return user_scope(user).has(Role.SECRETARY_GENERAL)


def head_delegation_ids(user) -> set[int]:
    """Delegations this user heads (RoleAssignment DELEGATION_HEAD with a delegation)."""
    if not is_head(user):
        return set()
    return set(
        user.role_assignments.filter(
            role=Role.DELEGATION_HEAD, delegation__isnull=False
        ).values_list("delegation_id", flat=True)
    )


def session_deputies(user) -> QuerySet:
    """Deputies whose attendance this user may see in sessions (scoped as everywhere)."""
    return deputies_visible_to(user)


def visible_delegations(user) -> QuerySet:
    scope = user_scope(user)
    if scope.district_wide:
        return Delegation.objects.all()
    return Delegation.objects.filter(pk__in=scope.delegation_ids)


# --- sessions and meetings ------------------------------------------------------------------


def sessions_for_list():
    return Session.objects.select_related("term").annotate(
        meeting_count=Count("meetings", distinct=True)
    )


KIND_ORDER = {Meeting.Kind.PREPARATORY: 0, Meeting.Kind.PLENARY: 1, Meeting.Kind.DELEGATION: 2}


def session_meetings(session) -> list[Meeting]:
    """The session's meetings by date, the preparatory meeting before the plenary ones."""
    meetings = session.meetings.select_related("delegation")
    return sorted(
        meetings,
        key=lambda m: (m.date, KIND_ORDER.get(m.kind, 9), m.delegation.order if m.delegation else 0,
                       m.name),
    )  # fmt: skip


def meetings_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """Session meetings: district-wide roles all; others plenary meetings and their own
    delegations' meetings."""
    queryset = Meeting.objects.all() if queryset is None else queryset
    scope = user_scope(user)
    if scope.district_wide:
        return queryset
    # The delegations of visible deputies as a subquery, not a join (+ DISTINCT) through
    # every deputy of each meeting's delegation.
    return queryset.filter(
        Q(delegation__isnull=True)
        | Q(delegation_id__in=scope.delegation_ids)
        | Q(delegation_id__in=deputies_visible_to(user).order_by().values("delegation_id"))
    )


# --- the expected roll ----------------------------------------------------------------------


def _in_office_map(deputy_ids, dates) -> dict[tuple[int, date], bool]:
    """{(deputy, date): in office and not suspended}, from two queries."""
    services, suspensions = defaultdict(list), defaultdict(list)
    for d, s, e in ServicePeriod.objects.filter(deputy_id__in=deputy_ids).values_list(
        "deputy_id", "start_date", "end_date"
    ):
        services[d].append((s, e))
    for d, s, e in Suspension.objects.filter(deputy_id__in=deputy_ids).values_list(
        "deputy_id", "start_date", "end_date"
    ):
        suspensions[d].append((s, e))
    return {
        (d, day): active_days(services[d], suspensions[d], day, day) == 1
        for d in deputy_ids
        for day in dates
    }


def expected_on(meeting: Meeting, deputy: Deputy) -> bool:
    """Is the deputy on the meeting's expected roll (right term, delegation, in office)?"""
    if deputy.term_id != meeting.term_id:
        return False
    if meeting.kind == Meeting.Kind.DELEGATION and deputy.delegation_id != meeting.delegation_id:
        return False
    return _in_office_map([deputy.pk], [meeting.date])[(deputy.pk, meeting.date)]


def expected_roll(meeting: Meeting, deputies: QuerySet) -> list[Deputy]:
    """The deputies (of the given QuerySet) expected at the meeting, in roll order."""
    qs = deputies.filter(term_id=meeting.term_id)
    if meeting.kind == Meeting.Kind.DELEGATION:
        qs = qs.filter(delegation_id=meeting.delegation_id)
    rows = list(qs.select_related("delegation").order_by("delegation__order", "code"))
    office = _in_office_map([d.pk for d in rows], [meeting.date])
    return [d for d in rows if office[(d.pk, meeting.date)]]


# --- the attendance grid --------------------------------------------------------------------


@dataclass
class Column:
    """A grid column: one meeting, or the k-th 代表团会议 of each deputy's delegation."""

    key: str
    title: str
    subtitle: str
    meeting: Meeting | None = None  # None for a delegation slot
    slot: int | None = None
    totals: dict = field(default_factory=lambda: defaultdict(int))


@dataclass
class Cell:
    meeting_id: int | None  # None: not on this deputy's roll
    status: str | None  # None: not expected; "" unmarked
    reason: str = ""
    approved_leave: bool = False  # the 假 comes from an approved leave request

    @property
    def short(self):
        return STATUS_SHORT[self.status] if self.status is not None else ""

    @property
    def reason_label(self):
        return Attendance.LeaveReason(self.reason).label if self.reason else ""


@dataclass
class Row:
    deputy: Deputy
    editable: bool
    cells: list[Cell]


@dataclass
class Grid:
    session: Session
    columns: list[Column]
    rows: list[Row]
    delegations: list[Delegation]
    groups: list[tuple[int, str, str]] = field(default_factory=list)  # (pk, name, delegation)
    page: Page | None = None  # the deputies of this page; its paginator counts the whole roll


GRID_PER_PAGE = 50


def grid_groups(user, session: Session, delegation_id: int | None) -> list[tuple[int, str, str]]:
    """The deputy groups offered as a grid filter, as (pk, name, delegation name): the term's
    groups of one delegation, the chosen one or the user's only one (the district has
    thousands of groups; offering them all means choosing a delegation first). Tuples, not
    instances: a large delegation has hundreds of groups."""
    groups = DeputyGroup.objects.filter(
        term_id=session.term_id, delegation__in=visible_delegations(user)
    )
    if delegation_id:
        groups = groups.filter(delegation_id=delegation_id)
    elif user_scope(user).district_wide or len(user_scope(user).delegation_ids) != 1:
        return []
    return list(groups.order_by("number", "name").values_list("pk", "name", "delegation__name"))


def grid_roll(user, session: Session, dates, delegation_id=None, group_id=None) -> QuerySet:
    """The scoped deputies of the session's term serving during its meetings, in roll order:
    what the grid pages through.

    Kept to conditions PostgreSQL can answer with one semi-join and one anti-join for the
    deputies in scope: a service period overlapping the first to the last meeting day, and no
    suspension covering all of them. (An OR of per-day or per-mark conditions made it list the
    whole district's service periods and the session's 100,000 marks on every page: 270 ms
    for one town.) A deputy serving only between two meeting days, or marked on a day outside
    every service period, can still appear; such a row shows only grey cells or its marks."""
    deputies = session_deputies(user).filter(term_id=session.term_id)
    if delegation_id:
        deputies = deputies.filter(delegation_id=delegation_id)
    if group_id:
        deputies = deputies.filter(group_id=group_id)
    if not dates:
        return deputies.none()
    first, last = min(dates), max(dates)
    serving = ServicePeriod.objects.filter(deputy=OuterRef("pk"), start_date__lte=last).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=first)
    )
    suspended = Suspension.objects.filter(deputy=OuterRef("pk"), start_date__lte=first).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=last)
    )
    return deputies.filter(Exists(serving), ~Exists(suspended)).order_by(
        "delegation__order", "code", "pk"
    )


def attendance_grid(
    user,
    session: Session,
    delegation_id: int | None = None,
    group_id: int | None = None,
    page_number=None,
    per_page: int = GRID_PER_PAGE,
) -> Grid:
    """One page of the session's deputies (scoped, filtered by delegation and deputy group) ×
    its meetings, in a fixed number of queries whatever the size of the roll: a delegation
    can have 2,000 deputies, and rendering them all made one request cost seconds."""
    meetings = session_meetings(session)
    groups = grid_groups(user, session, delegation_id)
    if group_id not in {pk for pk, _name, _delegation in groups}:
        group_id = None  # another delegation's (or another term's) group: no filter
    roll = grid_roll(user, session, {m.date for m in meetings}, delegation_id, group_id)
    page = Paginator(roll.select_related("delegation"), per_page).get_page(page_number)
    deputies = list(page.object_list)
    ids = [d.pk for d in deputies]
    editable = set(deputies_editable_by(user).filter(pk__in=ids).values_list("pk", flat=True))
    # Tuples, not model instances: a page holds over a thousand marks.
    # Whether an approved leave request backs the mark rides along (no extra query).
    marks = {
        (deputy_id, meeting_id): (status, reason, approved)
        for deputy_id, meeting_id, status, reason, approved in Attendance.objects.filter(
            meeting__session=session, deputy_id__in=ids
        )
        .annotate(approved=_approved_leave_exists())
        .values_list("deputy_id", "meeting_id", "status", "leave_reason", "approved")
    }
    dates = {m.date for m in meetings}
    office = _in_office_map(ids, dates)

    # Delegation meetings become slots (第k次代表团会议) so the grid stays narrow.
    columns, slots = [], defaultdict(list)
    for m in meetings:
        if m.kind == Meeting.Kind.DELEGATION:
            slots[m.delegation_id].append(m)
        else:
            columns.append(Column(f"m{m.pk}", m.name, str(m.date), meeting=m))
    n_slots = max((len(v) for v in slots.values()), default=0)
    on_page = {d.delegation_id for d in deputies}
    one_delegation = delegation_id or (on_page.pop() if len(on_page) == 1 else None)
    for k in range(n_slots):
        only = slots.get(one_delegation, [])
        meeting = only[k] if k < len(only) else None
        columns.append(
            Column(
                f"s{k}",
                meeting.name if meeting else _("代表团会议（%(n)s）") % {"n": k + 1},
                str(meeting.date) if meeting else _("各代表团"),
                slot=k,
            )
        )

    rows = []
    for d in deputies:
        cells = []
        for col in columns:
            if col.meeting is not None:
                m = col.meeting
            else:
                own = slots.get(d.delegation_id, [])
                m = own[col.slot] if col.slot < len(own) else None
            if m is None:
                cells.append(Cell(None, None))
                continue
            mark = marks.get((d.pk, m.pk))
            if mark is not None:
                cell = Cell(m.pk, *mark)
            elif office[(d.pk, m.date)]:
                cell = Cell(m.pk, UNMARKED)
            else:
                cell = Cell(None, None)
            if cell.status is not None:
                col.totals[cell.status] += 1
            cells.append(cell)
        # The roll query already keeps only deputies in office on a meeting day; a row with no
        # cell at all is a deputy marked nowhere and expected nowhere (kept out as before).
        if any(c.status is not None for c in cells):
            rows.append(Row(d, d.pk in editable, cells))
    for col in columns:
        col.totals = [(STATUS_SHORT[s], col.totals.get(s, 0)) for s in STATUS_SHORT]
    return Grid(session, columns, rows, list(visible_delegations(user)), groups, page)


def _approved_leave_exists():
    # The covered meetings (a request may cover a whole session), or the one meeting of a
    # row written without the relation.
    return Exists(
        LeaveRequest.objects.filter(
            Q(meetings=OuterRef("meeting_id")) | Q(meeting_id=OuterRef("meeting_id")),
            deputy_id=OuterRef("deputy_id"),
            status=LeaveRequest.Status.APPROVED,
        )
    )


def grid_cell(meeting: Meeting, deputy: Deputy) -> Cell:
    mark = (
        Attendance.objects.filter(meeting=meeting, deputy=deputy)
        .annotate(approved=_approved_leave_exists())
        .first()
    )
    if mark:
        return Cell(meeting.pk, mark.status, mark.leave_reason, mark.approved)
    return Cell(meeting.pk, UNMARKED) if expected_on(meeting, deputy) else Cell(None, None)


@dataclass
class SheetLine:
    deputy: Deputy
    status: str  # "" unmarked, or an AttendanceStatus
    reason: str = ""
    approved_leave: bool = False

    @property
    def remark(self) -> str:
        """备注: 请假 and its reason (approved leave says so), or 缺席 once marked."""
        if self.status == AttendanceStatus.LEAVE:
            reason = Attendance.LeaveReason(self.reason).label if self.reason else ""
            word = _("请假（已批准）") if self.approved_leave else _("请假")
            return f"{word}：{reason}" if reason else str(word)
        if self.status == AttendanceStatus.ABSENT:
            return str(_("缺席"))
        return ""


@dataclass
class Sheet:
    groups: list[tuple[Delegation, list[SheetLine]]]
    expected: int  # 应到
    present: int  # 实到 (marked 出席)
    leave: int  # 请假
    absent: int  # 缺席 (marked)
    unmarked: int  # not yet marked (before or during the meeting)


def signin_sheet(user, meeting: Meeting) -> Sheet:
    """The meeting's expected roll (and anyone already marked), grouped by delegation, with
    each deputy's mark (请假 from approved leave shows on the sheet, so nobody signs for it)."""
    visible = session_deputies(user)
    roll = {d.pk: d for d in expected_roll(meeting, visible)}
    marked = visible.filter(attendances__meeting=meeting).exclude(pk__in=roll.keys())
    for d in marked.select_related("delegation"):
        roll[d.pk] = d
    marks = {
        deputy_id: (status, reason, approved)
        for deputy_id, status, reason, approved in Attendance.objects.filter(
            meeting=meeting, deputy_id__in=roll.keys()
        )
        .annotate(approved=_approved_leave_exists())
        .values_list("deputy_id", "status", "leave_reason", "approved")
    }
    groups = defaultdict(list)
    counts = defaultdict(int)
    for d in sorted(roll.values(), key=lambda d: (d.delegation.order, d.delegation.name, d.code)):
        line = SheetLine(d, *marks.get(d.pk, (UNMARKED, "", False)))
        groups[d.delegation].append(line)
        counts[line.status] += 1
    return Sheet(
        list(groups.items()),
        expected=len(roll),
        present=counts[AttendanceStatus.PRESENT],
        leave=counts[AttendanceStatus.LEAVE],
        absent=counts[AttendanceStatus.ABSENT],
        unmarked=counts[UNMARKED],
    )


# --- leave requests -------------------------------------------------------------------------


def leave_requests_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    queryset = LeaveRequest.objects.all() if queryset is None else queryset
    scope = user_scope(user)
    if scope.district_wide:
        return queryset
    return queryset.filter(deputy__in=deputies_visible_to(user))


def head_queue(user) -> QuerySet:
    return LeaveRequest.objects.filter(
        status=LeaveRequest.Status.PENDING_HEAD,
        deputy__delegation_id__in=head_delegation_ids(user),
    )


def sg_queue(user) -> QuerySet:
    if not is_secretary_general(user):
        return LeaveRequest.objects.none()
    return LeaveRequest.objects.filter(status=LeaveRequest.Status.PENDING_SG)


def queue_for(user) -> QuerySet:
    """What waits for this user's decision (待我审批)."""
    return (head_queue(user) | sg_queue(user)).distinct()


def queue_count(user) -> int:
    scope = user_scope(user)
    if not scope.has(Role.DELEGATION_HEAD, Role.SECRETARY_GENERAL):
        return 0
    return queue_for(user).count()


def leave_list_qs(queryset: QuerySet) -> QuerySet:
    return queryset.select_related(
        "deputy__delegation", "meeting__session", "requested_by", "head_by", "sg_by"
    ).prefetch_related(
        Prefetch("meetings", queryset=Meeting.objects.in_time_order(), to_attr="covered")
    )


def leave_deputies(user) -> QuerySet:
    """Deputies for whom this user may ask for leave: themselves, or those they may edit."""
    scope = user_scope(user)
    qs = deputies_editable_by(user)
    if scope.deputy_ids:
        qs = qs | Deputy.objects.filter(pk__in=scope.deputy_ids)
    return qs.distinct()


# --- speeches -------------------------------------------------------------------------------


def speeches_visible_to(user) -> QuerySet:
    from deputies.scopes import records_visible_to

    return records_visible_to(user, Speech.objects.all())
