"""Closed years (issue 7, item 4): once office staff close a year (结账), the records that
count toward that year are frozen.

Closing is its own explicit act on the closed-years page (who, when, why, after a confirmation
naming what it blocks), and only after the year has ended. Generating files (the workbook,
the feedback-sheet zip, the year-end job) never closes a year. Who may close and re-open a
year is one rule, may_close_years(), used by the page, its buttons and the services.

One guard for every write path that goes through the model layer: pre_save / pre_delete (and
m2m_changed for a communication's constituents) on the counted models raise ClosedYearError
when the record's date (old or new) falls in a closed year, unless an override is active:
`with closed_year_change(user, reason):` with an office-staff user and a non-blank reason.
The reason becomes the change reason of every history row written under the override.
A term's dates and a deputy's SC membership and term are judged the same way (FROZEN_FIELDS):
they change a closed year's evaluation without touching a counted record.

Inside a request, ClosedYearMiddleware (supervision/closing_middleware.py) keeps the state:
the closed years are read once per request, the override reads its reason from the POST field
REASON_FIELD, and a refusal turns into a clear page. Bulk writes send no signals: the ledger
import checks its rows itself (supervision/ledger/apply.py), and other bulk paths call
check_rows() before writing.
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.signals import m2m_changed, pre_delete, pre_save
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.signals import pre_create_historical_record

from deputies.models import Role
from deputies.scopes import user_scope
from supervision.models import ClosedYear, ClosedYearFigures

REASON_FIELD = "_closed_year_reason"
OPEN_END = 9999  # an open-ended period runs into every later year


class ClosedYearError(ValidationError):
    """A write touching a closed year without office-staff rights and a reason.

    A ValidationError, so a view that shows a service's errors (a form, the attendance cell)
    shows this one too; the middleware then replaces a full page with the refusal page."""

    def __init__(self, year: int, office: bool = False, reason_missing: bool = True):
        self.year = year
        self.office = office
        if office:
            message = _(
                "该年度（%(year)s）的记录已结账：修改须填写更正理由（记入修改历史），"
                "或先在“已结账年度”页面重新开放该年度。"
            )
        else:
            message = _(
                "该年度（%(year)s）的记录已结账，不能修改。如需更正，请联系人事代表工委："
                "由工委填写更正理由后修改，或重新开放该年度。"
            )
        super().__init__(message % {"year": year}, code="closed_year")


# -- state: the request's, and an explicit override ------------------------------------------


@dataclass
class RequestState:
    request: object = None
    closed: frozenset | None = None  # the closed years, read once
    dates: dict = field(default_factory=dict)  # (model label, pk) -> date, for parents
    refusal: ClosedYearError | None = None


@dataclass(frozen=True)
class Override:
    user: object
    reason: str


_state: ContextVar[RequestState | None] = ContextVar("closed_year_state", default=None)
_override: ContextVar[Override | None] = ContextVar("closed_year_override", default=None)
_suspended: ContextVar[bool] = ContextVar("closed_year_suspended", default=False)


@contextlib.contextmanager
def request_state(request=None):
    state = RequestState(request=request)
    token = _state.set(state)
    try:
        yield state
    finally:
        _state.reset(token)


@contextlib.contextmanager
def closed_year_change(user, reason: str):
    """Run writes to closed years as `user` with `reason` (office staff only; the guard
    still refuses anyone else). The reason goes into every history row written inside."""
    token = _override.set(Override(user, (reason or "").strip()))
    try:
        yield
    finally:
        _override.reset(token)


@contextlib.contextmanager
def guard_suspended():
    """For writers that check closed years themselves, row by row (the ledger import)."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


def is_office(user) -> bool:
    return user_scope(user).has(Role.OFFICE_STAFF)


def may_close_years(user) -> bool:
    """The one rule for who may close and re-open a year: office staff (人事代表工委), who
    also are the only ones who may correct a closed year's records with a reason. Leadership
    reads the evaluation and downloads its files but does not close: a role that could close
    but neither correct nor re-open would strand a year. Used by the closed-years page, the
    evaluation page's link to it, close_year() and reopen_year()."""
    return is_office(user)


def year_has_ended(year: int, today: date | None = None) -> bool:
    """A year can be closed only from 1 January of the next year."""
    return (today or timezone.localdate()) > date(year, 12, 31)


def close_year_refusal(year: int | None, reason: str) -> tuple[str, bool]:
    """Why `year` cannot be closed now, and whether the refusal is final (no form to
    confirm: no year, a year not yet ended, a year already closed) or only asks for the
    missing reason. ("", False) when it may be closed."""
    if year is None:
        return _("请选择年度。"), True
    if not year_has_ended(year):
        message = _(
            "%(year)s 年度尚未结束，不能结账：结账须在该年度结束后（%(next)s 年 1 月 1 日起）。"
        )
        return message % {"year": year, "next": year + 1}, True
    if ClosedYear.objects.filter(year=year).exists():
        return _("%(year)s 年度已结账。") % {"year": year}, True
    if not reason:
        return _("请填写结账理由。"), False
    return "", False


def closed_years() -> frozenset:
    state = _state.get()
    if state is not None and state.closed is not None:
        return state.closed
    years = frozenset(ClosedYear.objects.values_list("year", flat=True))
    if state is not None:
        state.closed = years
    return years


def _forget_closed_years():
    state = _state.get()
    if state is not None:
        state.closed = None


def current_override() -> Override | None:
    """The explicit override, else one from the request (its user and the reason field)."""
    override = _override.get()
    if override is not None:
        return override
    state = _state.get()
    request = getattr(state, "request", None)
    if request is None or request.method != "POST":
        return None
    reason = (request.POST.get(REASON_FIELD) or "").strip()
    return Override(request.user, reason) if reason else None


def _current_user():
    override = _override.get()
    if override is not None:
        return override.user
    state = _state.get()
    return getattr(getattr(state, "request", None), "user", None)


def refuse_or_allow(years) -> str | None:
    """Raise ClosedYearError if any of `years` is closed and no valid override is active;
    return the override's reason when it allows the change, None when nothing is closed."""
    hit = sorted(set(years) & closed_years())
    if not hit:
        return None
    override = current_override()
    if override and override.reason and is_office(override.user):
        _drop_frozen_figures(hit)
        return override.reason
    user = override.user if override else _current_user()
    error = ClosedYearError(hit[0], office=bool(user) and is_office(user))
    state = _state.get()
    if state is not None and state.refusal is None:
        state.refusal = error
    raise error


def _drop_frozen_figures(years) -> None:
    """A corrected record of a closed year: its kept dashboard figures are stale. Dropped
    after commit (a rolled-back correction changes nothing) and now (this transaction's own
    reads must not see them either)."""
    ClosedYearFigures.objects.filter(closed_year__year__in=years).delete()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(
            lambda: ClosedYearFigures.objects.filter(closed_year__year__in=years).delete()
        )


# -- which years a record counts in ------------------------------------------------------------


def _parent_date(model, pk, attname="date"):
    if pk is None:
        return None
    state = _state.get()
    key = (model._meta.label, pk)
    if state is not None and key in state.dates:
        return state.dates[key]
    day = model._base_manager.filter(pk=pk).values_list(attname, flat=True).first()
    if state is not None:
        state.dates[key] = day
    return day


def _span(start: date | None, end: date | None) -> tuple[int, int] | None:
    if start is None:
        return None
    return (start.year, end.year if end else OPEN_END)


def _years(spans) -> set:
    years = set()
    closed = closed_years()
    for span in spans:
        if span is None:
            continue
        first, last = span
        years.update(y for y in closed if first <= y <= last)
    return years


def _models():
    from activities.models import (
        Activity,
        Attendance,
        Communication,
        LeaveRequest,
        LiaisonCommunication,
        Meeting,
        Participation,
        Speech,
    )
    from deputies.models import Constituent, ServicePeriod, Suspension, Termination
    from proposals.models import Cosignature, Proposal
    from supervision.models import ConstituencyReport

    def own(obj):
        return [_span(obj.date, obj.date)]

    def meeting(obj):
        day = _parent_date(Meeting, obj.meeting_id)
        return [_span(day, day)]

    def activity(obj):
        day = _parent_date(Activity, obj.activity_id)
        return [_span(day, day)]

    def period(obj):
        return [_span(obj.start_date, obj.end_date)]

    def proposal(obj):
        return [_span(obj.submitted_date, obj.submitted_date)]

    def constituent(obj):
        # Deleting a constituent drops its communication links (no m2m signal is sent).
        days = Communication.objects.filter(constituents=obj).dates("date", "year")
        return [_span(day, day) for day in days]

    def cosignature(obj):
        day = _parent_date(Proposal, obj.proposal_id, "submitted_date")
        return [_span(day, day)]

    return {
        Meeting: own,
        Activity: own,
        Speech: own,
        Communication: own,
        LiaisonCommunication: own,
        ConstituencyReport: own,
        Termination: own,
        Attendance: meeting,
        LeaveRequest: meeting,
        Participation: activity,
        ServicePeriod: period,
        Suspension: period,
        Proposal: proposal,
        Cosignature: cosignature,
        Constituent: constituent,
    }


COUNTED: dict = {}  # model -> spans(instance); filled by connect_signals()
# Guarded only when deleted: editing a constituent's name or erasing the contact details
# (retention) changes no count.
DELETE_ONLY = {"deputies.Constituent"}


def _proposal_counted_change(old, new) -> bool:
    """A proposal's handling (reply, status, units) goes on after its year is closed; only
    what decides whether and for whom it counts is frozen."""
    withdrawn = "withdrawn"
    return (
        old.submitted_date != new.submitted_date
        or old.lead_id != new.lead_id
        or old.term_id != new.term_id
        or (old.status == withdrawn) != (new.status == withdrawn)
    )


def _changed(old, new) -> bool:
    if type(new).__name__ == "Proposal":
        return _proposal_counted_change(old, new)
    return any(
        getattr(old, f.attname) != getattr(new, f.attname) for f in new._meta.concrete_fields
    )


def years_for_write(instance, deleting=False) -> set:
    """The closed years a save or delete of `instance` touches (old and new date)."""
    spans_of = COUNTED[type(instance)]
    if not closed_years():
        return set()
    if deleting or instance._state.adding or instance.pk is None:
        return _years(spans_of(instance))
    old = type(instance)._base_manager.filter(pk=instance.pk).first()
    if old is None:
        return _years(spans_of(instance))
    if not _changed(old, instance):
        return set()
    if not hasattr(instance, "start_date") or old.deputy_id != instance.deputy_id:
        return _years(spans_of(old) + spans_of(instance))
    # A service period or suspension: only the years between the old and the new boundaries.
    spans = []
    if old.start_date != instance.start_date:
        low, high = sorted([old.start_date, instance.start_date])
        spans.append((low.year, high.year))
    if old.end_date != instance.end_date:
        ends = sorted(d.year if d else OPEN_END for d in (old.end_date, instance.end_date))
        spans.append((ends[0], ends[1]))
    return _years(spans)


# -- fields outside the counted records ------------------------------------------------------
# They change a closed year's evaluation though no counted record changes: a term's dates
# (days in office, the term rules' span and scaling, the year a term rule falls due) and a
# deputy's SC membership (whether ART15_SC_LIAISON applies) and term (whose rules and days).
# Creating either changes no evaluation (a deputy is in office only once a service period, a
# counted record, exists); deleting a deputy deletes its service periods, which are guarded;
# a term can be deleted only when nothing refers to it.
FROZEN_FIELDS = {
    "deputies.Term": {"start_date", "end_date"},
    "deputies.Deputy": {"is_sc_member", "term", "term_id"},
}


def frozen_field_years(instance, update_fields=None) -> set:
    """The closed years a save of a term's dates or a deputy's SC membership / term touches:
    a term's, every closed year in its old or new span; a deputy's, the closed years of its
    service periods. One query, and none when a guarded field cannot have changed."""
    fields = FROZEN_FIELDS[instance._meta.label]
    if instance._state.adding or instance.pk is None:
        return set()
    if update_fields is not None and not fields & set(update_fields):
        return set()
    if not closed_years():
        return set()
    manager = type(instance)._base_manager.filter(pk=instance.pk)
    if instance._meta.label == "deputies.Term":
        old = manager.values_list("start_date", "end_date").first()
        new = (instance.start_date, instance.end_date)
        if old is None or old == new:
            return set()
        return _years([_span(*old), _span(*new)])
    rows = list(
        manager.values_list(
            "is_sc_member",
            "term_id",
            "term__end_date",
            "service_periods__start_date",
            "service_periods__end_date",
        )
    )
    if not rows or rows[0][:2] == (instance.is_sc_member, instance.term_id):
        return set()
    # A blank service end means in office until the term ends (as compliance reads it).
    return _years(
        _span(start, min(end or term_end, term_end))
        for _sc, _term, term_end, start, end in rows
        if start is not None
    )


def on_frozen_field_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or _suspended.get():
        return
    years = frozen_field_years(instance, update_fields)
    if not years:
        return
    reason = refuse_or_allow(years)
    if reason and not getattr(instance, "_change_reason", None):
        instance._change_reason = reason


# -- the signal receivers --------------------------------------------------------------------


def _moved_to_another_deputy(instance) -> bool:
    if instance.pk is None or instance._state.adding:
        return False
    old = type(instance)._base_manager.filter(pk=instance.pk)
    old_deputy = old.values_list("deputy_id", flat=True).first()
    return old_deputy is not None and old_deputy != instance.deputy_id


def _check(instance, deleting):
    if _suspended.get() or type(instance) not in COUNTED:
        return
    if not deleting and instance._meta.label in DELETE_ONLY:
        # A constituent counts only on its own deputy's list: moving it to another deputy
        # takes it out of its communications' counts, as deleting it does.
        if not _moved_to_another_deputy(instance):
            return
        deleting = True
    years = years_for_write(instance, deleting=deleting)
    if not years:
        return
    reason = refuse_or_allow(years)
    if reason and not getattr(instance, "_change_reason", None):
        instance._change_reason = reason


def on_pre_save(sender, instance, raw=False, **kwargs):
    if not raw:
        _check(instance, deleting=False)


def on_pre_delete(sender, instance, **kwargs):
    _check(instance, deleting=True)


def on_constituents_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Adding or removing a constituent changes the count of the communication's year."""
    if _suspended.get() or action not in ("pre_add", "pre_remove", "pre_clear"):
        return
    if not closed_years():
        return
    from activities.models import Communication

    if reverse:  # constituent.communications.add(...): the communications' dates
        comms = Communication.objects.all()
        if action != "pre_clear":
            comms = comms.filter(pk__in=pk_set or [])
        else:
            comms = comms.filter(constituents=instance)
        days = comms.values_list("date", flat=True)
    else:
        days = [instance.date]
    refuse_or_allow(_years(_span(d, d) for d in days))


def on_history_row(sender, history_instance, **kwargs):
    """Every history row written under an override carries its reason (and, outside a
    request, where simple-history knows no user, the override's office-staff user)."""
    override = _override.get()
    if (
        override is not None
        and history_instance.history_user_id is None
        and override.reason
        and is_office(override.user)
    ):
        history_instance.history_user = override.user
    if history_instance.history_change_reason:
        return
    if override is None:
        state = _state.get()
        if state is None or state.request is None or state.request.method != "POST":
            return
        if not (state.request.POST.get(REASON_FIELD) or "").strip():
            return
        override = current_override()
    if override and override.reason and is_office(override.user):
        history_instance.history_change_reason = override.reason


def on_closed_year_written(sender, **kwargs):
    _forget_closed_years()


def connect_signals():
    from activities.models import Communication

    COUNTED.update(_models())
    for model in COUNTED:
        uid = f"closing-{model._meta.label}"
        pre_save.connect(on_pre_save, sender=model, dispatch_uid=uid)
        pre_delete.connect(on_pre_delete, sender=model, dispatch_uid=uid)
    from deputies.models import Deputy, Term

    for model in (Term, Deputy):
        pre_save.connect(
            on_frozen_field_save, sender=model, dispatch_uid=f"closing-{model._meta.label}"
        )
    m2m_changed.connect(
        on_constituents_changed,
        sender=Communication.constituents.through,
        dispatch_uid="closing-communication-constituents",
    )
    pre_create_historical_record.connect(on_history_row, dispatch_uid="closing-reason")
    from django.db.models.signals import post_delete, post_save

    post_save.connect(on_closed_year_written, sender=ClosedYear, dispatch_uid="closing-cy")
    post_delete.connect(on_closed_year_written, sender=ClosedYear, dispatch_uid="closing-cy")


def check_rows(rows) -> str | None:
    """For bulk writes (which send no signals): refuse, or return the override's reason."""
    if _suspended.get() or not closed_years():
        return None
    years = set()
    for row in rows:
        spans_of = COUNTED.get(type(row))
        if spans_of is not None:
            years |= _years(spans_of(row))
    return refuse_or_allow(years) if years else None


# -- closing and re-opening ------------------------------------------------------------------


def what_closing_blocks(year: int) -> list[tuple[str, int]]:
    """What closing `year` freezes, as (label, how many records dated that year): named on the
    confirmation page, so whoever closes sees what the staff and deputies will be refused."""
    from activities.models import (
        Activity,
        Attendance,
        Communication,
        LeaveRequest,
        Meeting,
        Participation,
        Speech,
    )
    from proposals.models import Proposal
    from supervision.models import ConstituencyReport

    pending = [LeaveRequest.Status.PENDING_HEAD, LeaveRequest.Status.PENDING_SG]
    return [
        (_("会议（含大会会议）"), Meeting.objects.filter(date__year=year).count()),
        (_("出席登记"), Attendance.objects.filter(meeting__date__year=year).count()),
        (
            _("请假申请（结账后不能再提交、审批；其中待审批的）"),
            LeaveRequest.objects.filter(meeting__date__year=year, status__in=pending).count(),
        ),
        (_("大会发言"), Speech.objects.filter(date__year=year).count()),
        (_("活动"), Activity.objects.filter(date__year=year).count()),
        (_("活动参加记录"), Participation.objects.filter(activity__date__year=year).count()),
        (_("联系群众记录"), Communication.objects.filter(date__year=year).count()),
        (_("议案建议（按提出日期）"), Proposal.objects.filter(submitted_date__year=year).count()),
        (_("述职"), ConstituencyReport.objects.filter(date__year=year).count()),
    ]


def close_year(user, year: int, note: str, today: date | None = None) -> ClosedYear:
    """Close a year by hand (may_close_years, with a reason), once the year has ended.
    Closing twice changes nothing."""
    note = (note or "").strip()
    if not may_close_years(user):
        raise ValidationError(_("只有人事代表工委工作人员可以结账。"))
    if not year_has_ended(year, today):
        raise ValidationError(
            _("%(year)s 年度尚未结束，不能结账：结账须在该年度结束后（%(next)s 年 1 月 1 日起）。")
            % {"year": year, "next": year + 1}
        )
    if not note:
        raise ValidationError({"note": _("请填写结账理由。")})
    with transaction.atomic():
        closed = ClosedYear.objects.filter(year=year).first()
        if closed:
            return closed
        closed = ClosedYear(year=year, closed_by=user, note=note[:200])
        closed._change_reason = note
        closed._history_user = user
        closed.save()
    return closed


def reopen_year(user, year: int, reason: str) -> None:
    """Re-open a closed year (may_close_years, with a reason kept in the history)."""
    reason = (reason or "").strip()
    if not may_close_years(user):
        raise ValidationError(_("只有人事代表工委工作人员可以重新开放年度。"))
    if not reason:
        raise ValidationError({"reason": _("请填写重新开放的理由。")})
    with transaction.atomic():
        closed = ClosedYear.objects.select_for_update().filter(year=year).first()
        if closed is None:
            raise ValidationError(_("%(year)s 年度未结账。") % {"year": year})
        closed._change_reason = reason
        closed._history_user = user
        closed.delete()
