"""Pages for congress sessions: sessions and meetings, the attendance grid and sign-in sheets,
leave requests and their approval queues, speeches. Roles and scopes: session_selectors."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities.models import Attendance, LeaveRequest, Meeting, Session, Speech
from activities.sessions import selectors as sel
from activities.sessions import services
from activities.sessions.forms import (
    CopySessionForm,
    DecisionForm,
    LeaveRequestForm,
    MeetingForm,
    SessionForm,
    SpeechForm,
    askable_sessions,
)
from deputies.models import Term
from deputies.scopes import records_editable_by
from jdrenda.listing import paginate, sort, wants_xlsx, xlsx_response
from jdrenda.params import int_list_param, int_param, text_param
from jdrenda.views import apply_errors, confirm_delete
from supervision.closing.services import ClosedYearError, closed_years, is_office


def _require(allowed: bool):
    if not allowed:
        raise Http404


def _errors(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def _data(request):
    """The POST data of a submitted form, even an empty one (an empty POST is falsy)."""
    return request.POST if request.method == "POST" else None


# --- sessions -------------------------------------------------------------------------------

SESSION_SORTS = {"start": "start_date", "name": "name", "term": "term__start_date"}


@login_required
def session_list(request):
    _require(sel.can_view_sessions(request.user))
    qs = sel.sessions_for_list()
    term_id, q = int_param(request, "term"), text_param(request, "q")
    if term_id:
        qs = qs.filter(term_id=term_id)
    if q:
        qs = qs.filter(name__icontains=q)
    qs, current = sort(request, qs, SESSION_SORTS, "-start")
    if wants_xlsx(request):
        rows = (
            (s.term.name, s.name, s.start_date, s.end_date, s.meeting_count) for s in qs.iterator()
        )
        header = [_("届次"), _("名称"), _("开幕日期"), _("闭幕日期"), _("会议数")]
        return xlsx_response(_("大会列表.xlsx"), header, rows)
    return render(
        request,
        "activities/sessions/session_list.html",
        {
            "page": paginate(request, qs),
            "sort": current,
            "terms": Term.objects.all(),
            "term_id": term_id,
            "q": q,
            "can_manage": sel.can_manage_sessions(request.user),
        },
    )


@login_required
def session_detail(request, pk):
    _require(sel.can_view_sessions(request.user))
    session = get_object_or_404(Session.objects.select_related("term"), pk=pk)
    meetings = sel.meetings_visible_to(request.user, session.meetings.all())
    meetings = meetings.select_related("delegation").in_time_order()
    return render(
        request,
        "activities/sessions/session_detail.html",
        {
            "session": session,
            "meetings": meetings,
            "can_manage": sel.can_manage_sessions(request.user),
            "can_record": sel.can_record_sessions(request.user),
        },
    )


def _session_form(request, session=None):
    _require(sel.can_manage_sessions(request.user))
    form = SessionForm(_data(request), instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_session(form.instance)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存大会“%(name)s”。") % {"name": saved.name})
            return redirect("activities:session_detail", saved.pk)
    title = _("编辑大会") if session else _("新建大会")
    context = {"form": form, "object": session, "title": title}
    return render(request, "activities/sessions/form.html", context)


@login_required
def session_create(request):
    return _session_form(request)


@login_required
def session_edit(request, pk):
    return _session_form(request, get_object_or_404(Session, pk=pk))


@login_required
def session_copy(request, pk):
    """新建大会（沿用此次大会的会议结构）."""
    _require(sel.can_manage_sessions(request.user))
    source = get_object_or_404(Session, pk=pk)
    form = CopySessionForm(_data(request), source=source, initial={"term": source.term_id})
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.copy_session(source, form.instance)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("已新建大会“%(name)s”，沿用“%(source)s”的 %(n)s 次会议，日期已顺延。")
                % {"name": saved.name, "source": source.name, "n": saved.meetings.count()},
            )
            return redirect("activities:session_detail", saved.pk)
    title = _("新建大会（沿用“%(name)s”的会议结构）") % {"name": source.name}
    return render(request, "activities/sessions/form.html", {"form": form, "title": title})


@login_required
def session_delete(request, pk):
    _require(sel.can_manage_sessions(request.user))
    session = get_object_or_404(Session, pk=pk)
    return confirm_delete(
        request,
        session,
        services.delete_session,
        message=_("已删除大会“%(name)s”。") % {"name": session.name},
        success_url=reverse("activities:session_list"),
        cancel_url=reverse("activities:session_detail", args=[pk]),
    )


# --- meetings -------------------------------------------------------------------------------


def _meeting_form(request, session, meeting=None):
    _require(sel.can_manage_sessions(request.user))
    form = MeetingForm(_data(request), instance=meeting, session=session)
    if request.method == "POST" and form.is_valid():
        form.instance.session = session
        try:
            services.save_meeting(form.instance)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("已保存会议“%(name)s”。") % {"name": form.instance.name})
            return redirect("activities:session_detail", session.pk)
    title = _("编辑会议") if meeting else _("新增会议")
    context = {"form": form, "object": meeting, "session": session, "title": title}
    return render(request, "activities/sessions/form.html", context)


@login_required
def meeting_create(request, pk):
    return _meeting_form(request, get_object_or_404(Session, pk=pk))


@login_required
def meeting_edit(request, pk):
    meeting = get_object_or_404(Meeting.objects.filter(session__isnull=False), pk=pk)
    return _meeting_form(request, meeting.session, meeting)


@login_required
def meeting_delete(request, pk):
    _require(sel.can_manage_sessions(request.user))
    meeting = get_object_or_404(Meeting.objects.filter(session__isnull=False), pk=pk)
    return confirm_delete(
        request,
        meeting,
        services.delete_meeting,
        message=_("已删除会议“%(name)s”。") % {"name": meeting.name},
        success_url=reverse("activities:session_detail", args=[meeting.session_id]),
    )


def _visible_meeting(request, pk):
    _require(sel.can_view_sessions(request.user))
    qs = sel.meetings_visible_to(request.user, Meeting.objects.filter(session__isnull=False))
    return get_object_or_404(qs.select_related("session", "delegation"), pk=pk)


@login_required
def signin_sheet(request, pk):
    """签到表: the expected roll of one meeting, by delegation, with a signature column."""
    meeting = _visible_meeting(request, pk)
    sheet = sel.signin_sheet(request.user, meeting)
    return render(
        request,
        "activities/sessions/signin_sheet.html",
        {"meeting": meeting, "sheet": sheet, "groups": sheet.groups, "total": sheet.expected},
    )


@login_required
@require_POST
def meeting_mark_present(request, pk):
    _require(sel.can_record_sessions(request.user))
    meeting = _visible_meeting(request, pk)
    try:
        n = services.mark_unmarked_present(request.user, meeting)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, _("已将 %(n)s 名未登记代表登记为出席。") % {"n": n})
    # Back to the same delegation, group and page of the grid.
    url = reverse("activities:attendance_grid", args=[meeting.session_id])
    back = {k: int_param(request, k, source=request.POST) for k in ("delegation", "group", "page")}
    query = urlencode({k: v for k, v in back.items() if v})
    return redirect(f"{url}?{query}" if query else url)


# --- the attendance grid --------------------------------------------------------------------


def _closed_year_of(session) -> int | None:
    years = {session.start_date.year, session.end_date.year} & closed_years()
    return min(years) if years else None


@login_required
def attendance_grid(request, pk):
    _require(sel.can_view_sessions(request.user))
    session = get_object_or_404(Session.objects.select_related("term"), pk=pk)
    delegation_id, group_id = int_param(request, "delegation"), int_param(request, "group")
    grid = sel.attendance_grid(
        request.user,
        session,
        delegation_id,
        group_id,
        request.GET.get("page"),
    )
    return render(
        request,
        "activities/sessions/attendance_grid.html",
        {
            "grid": grid,
            "page": grid.page,
            "session": session,
            "delegation_id": delegation_id,
            "group_id": group_id,
            "can_record": sel.can_record_sessions(request.user),
            "closed_year": _closed_year_of(session),
            "can_correct_closed": is_office(request.user),
            "reasons": Attendance.LeaveReason.choices,
            "meetings": sel.meetings_visible_to(
                request.user, session.meetings.all()
            ).in_time_order(),
        },
    )


@login_required
@require_POST
def attendance_cell(request, pk):
    """Set one cell (htmx); returns the cell, with the refusal in data-error if refused."""
    _require(sel.can_record_sessions(request.user))
    session = get_object_or_404(Session, pk=pk)
    meeting = get_object_or_404(
        session.meetings, pk=int_param(request, "meeting", source=request.POST)
    )
    deputy = get_object_or_404(
        sel.session_deputies(request.user), pk=int_param(request, "deputy", source=request.POST)
    )
    status = request.POST.get("status", "")
    context = {"error": "", "confirm": "", "status": status, "reason_needed": False}
    try:
        services.set_attendance(
            request.user,
            meeting,
            deputy,
            status,
            request.POST.get("reason", ""),
            confirm_leave=request.POST.get("confirm_leave") == "1",
        )
    except services.ApprovedLeaveError as exc:
        context["confirm"] = _errors(exc)  # the grid asks, then sends confirm_leave=1
    except ClosedYearError as exc:
        context["error"] = _errors(exc)
        # Office staff may correct with a reason: the grid then shows its reason field.
        context["reason_needed"] = exc.office
    except ValidationError as exc:
        context["error"] = _errors(exc)
    context["cell"] = sel.grid_cell(meeting, deputy)
    return render(request, "activities/sessions/_cell.html", context)


# --- leave requests -------------------------------------------------------------------------

LEAVE_SORTS = {
    "requested": "requested_at",
    "meeting": "meeting__date",
    "deputy": "deputy__code",
    "status": "status",
}


def _leave_filters(request, qs):
    f = {
        "status": request.GET.get("status", ""),
        "session": int_param(request, "session"),
        "delegation": int_param(request, "delegation"),
        "q": text_param(request, "q"),
    }
    if f["status"] in LeaveRequest.Status.values:
        qs = qs.filter(status=f["status"])
    if f["session"]:
        qs = qs.filter(meeting__session_id=f["session"])
    if f["delegation"]:
        qs = qs.filter(deputy__delegation_id=f["delegation"])
    if f["q"]:
        qs = qs.filter(
            Q(deputy__name__icontains=f["q"])
            | Q(deputy__code__icontains=f["q"])
            | Q(deputy__name_initials__icontains=f["q"].lower())
        )
    return qs, f


def _leave_rows(qs):
    for r in qs.iterator(chunk_size=500):
        covered = r.covered or [r.meeting]
        yield (
            r.deputy.code,
            r.deputy.name,
            r.deputy.delegation.name,
            "、".join(m.name for m in covered),
            r.meeting.date,
            r.get_reason_display(),
            r.explanation,
            r.get_status_display(),
            r.requested_at.strftime("%Y-%m-%d %H:%M"),
            {True: _("同意"), False: _("不同意")}.get(r.head_approved, ""),
            {True: _("批准"), False: _("不批准")}.get(r.sg_approved, ""),
            r.filed_at.strftime("%Y-%m-%d %H:%M") if r.filed_at else "",
        )


LEAVE_HEADER = [
    _("代表编号"),
    _("姓名"),
    _("代表团"),
    _("会议"),
    _("会议日期"),
    _("请假事由"),
    _("具体说明"),
    _("状态"),
    _("提交时间"),
    _("团长意见"),
    _("秘书长意见"),
    _("备案时间"),
]


def _leave_page(request, qs, template, extra):
    qs, filters = _leave_filters(request, sel.leave_list_qs(qs))
    qs, current = sort(request, qs, LEAVE_SORTS, "-requested")
    if wants_xlsx(request):
        return xlsx_response(_("请假申请.xlsx"), LEAVE_HEADER, _leave_rows(qs))
    context = {
        "page": paginate(request, qs),
        "sort": current,
        "filters": filters,
        "statuses": LeaveRequest.Status.choices,
        "sessions": Session.objects.all(),
        "delegations": sel.visible_delegations(request.user),
        "can_ask": sel.leave_deputies(request.user).exists(),
        **extra,
    }
    return render(request, template, context)


@login_required
def leave_list(request):
    _require(sel.can_use_leave(request.user))
    qs = sel.leave_requests_visible_to(request.user)
    return _leave_page(request, qs, "activities/sessions/leave_list.html", {"queue": False})


@login_required
def leave_queue(request):
    """待我审批: the head's and the secretary-general's pending requests."""
    _require(sel.is_head(request.user) or sel.is_secretary_general(request.user))
    return _leave_page(
        request, sel.queue_for(request.user), "activities/sessions/leave_list.html", {"queue": True}
    )


@login_required
def leave_queue_count(request):
    """The navigation badge (loaded by htmx, so pages without it cost no query)."""
    n = sel.queue_count(request.user)
    html = f'<span class="badge rounded-pill text-bg-warning">{n}</span>' if n else ""
    return HttpResponse(html)


@login_required
def leave_create(request):
    """Ask leave for one deputy at several meetings of one session. Who and which session come
    first (GET, kept in the query string the form posts to); then the session's meetings on
    that deputy's roll from today on, as checkboxes with 全选."""
    _require(sel.can_use_leave(request.user))
    deputies = sel.leave_deputies(request.user).select_related("delegation")
    _require(deputies.exists())
    params = request.POST if request.method == "POST" else request.GET
    deputy_id = int_param(request, "deputy", source=params) or int_param(request, "deputy")
    deputy = deputies.filter(pk=deputy_id).first() if deputy_id else None
    only_one = deputies.count() == 1
    if deputy_id and deputy is None:
        # Out of scope (another delegation's deputy, or another deputy's own request): said
        # plainly, never silently replaced by the user's own deputy.
        messages.error(request, _("请选择您可以代为请假的代表。"))
    elif deputy is None and only_one:
        deputy = deputies.first()
    sessions = askable_sessions(deputy)
    session_id = int_param(request, "session", source=params) or int_param(request, "session")
    session = sessions.filter(pk=session_id).first() if session_id else sessions.first()
    if deputy is not None and session_id and session is None:
        messages.error(request, _("该大会已闭幕或不属于该代表的届次，不能再申请请假。"))
    form = LeaveRequestForm(_data(request), deputy=deputy, session=session)
    if request.method == "POST" and deputy is None:
        if not deputy_id:
            messages.error(request, _("请先选择您可以代为请假的代表。"))
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            leave = services.request_leave(
                request.user, deputy, list(data["meetings"]), data["reason"], data["explanation"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("请假申请已提交（%(n)s 次会议），等待代表团团长审核。")
                % {"n": len(data["meetings"])},
            )
            return redirect("activities:leave_detail", leave.pk)
    return render(
        request,
        "activities/sessions/leave_form.html",
        {
            "form": form,
            "title": _("提交请假申请"),
            "deputy": deputy,
            "deputies": None if only_one else deputies.order_by("term", "code"),
            "session": session,
            "sessions": sessions,
        },
    )


def _visible_leave(request, pk):
    _require(sel.can_use_leave(request.user))
    qs = sel.leave_list_qs(sel.leave_requests_visible_to(request.user))
    return get_object_or_404(qs, pk=pk)


@login_required
def leave_detail(request, pk):
    leave = _visible_leave(request, pk)
    can_head = (
        leave.status == LeaveRequest.Status.PENDING_HEAD
        and leave.deputy.delegation_id in sel.head_delegation_ids(request.user)
    )
    can_sg = leave.status == LeaveRequest.Status.PENDING_SG and sel.is_secretary_general(
        request.user
    )
    covered = leave.meetings.select_related("session").in_time_order() or [leave.meeting]
    return render(
        request,
        "activities/sessions/leave_detail.html",
        {
            "leave": leave,
            "covered": covered,
            "can_head": can_head,
            "can_sg": can_sg,
            "form": DecisionForm() if can_head or can_sg else None,
            "history": leave.history.select_related("history_user").order_by("history_date"),
        },
    )


def _next_in_queue(request, after: LeaveRequest | None = None):
    """Where a decision leads: the next request waiting for this user (oldest first), or
    the emptied queue."""
    waiting = sel.queue_for(request.user).order_by("requested_at", "pk")
    if after is not None:
        waiting = waiting.exclude(pk=after.pk)
    following = waiting.first()
    if following is None:
        return redirect("activities:leave_queue")
    return redirect("activities:leave_detail", following.pk)


def _decide(request, pk, decide):
    leave = _visible_leave(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(ValidationError(list(form.errors.values()))))
    else:
        try:
            decide(request.user, leave, form.cleaned_data["approve"], form.cleaned_data["comment"])
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        else:
            messages.success(
                request,
                _("已记录对 %(deputy)s 的请假申请的审批意见。") % {"deputy": leave.deputy.name},
            )
            return _next_in_queue(request, leave)
    return redirect("activities:leave_detail", leave.pk)


@login_required
@require_POST
def leave_head(request, pk):
    _require(sel.is_head(request.user))
    return _decide(request, pk, services.head_decide)


@login_required
@require_POST
def leave_sg(request, pk):
    _require(sel.is_secretary_general(request.user))
    return _decide(request, pk, services.sg_decide)


@login_required
@require_POST
def leave_queue_approve(request):
    """批准所选: approve the checked requests of the queue, each checked again on the server
    (the user's scope and role, and its state) by the same decision functions; one refused
    does not stop the others, and the messages say which."""
    _require(sel.is_head(request.user) or sel.is_secretary_general(request.user))
    ids = int_list_param(request, "ids", source=request.POST)
    if not ids:
        messages.error(request, _("请先勾选要批准的申请。"))
        return redirect("activities:leave_queue")
    done, refused = services.approve_many(request.user, ids)
    if done:
        messages.success(request, _("已批准 %(n)s 份请假申请。") % {"n": done})
    for name, reason in refused:
        messages.error(request, _("%(deputy)s：%(reason)s") % {"deputy": name, "reason": reason})
    return redirect("activities:leave_queue")


# --- speeches -------------------------------------------------------------------------------

SPEECH_SORTS = {"date": "date", "deputy": "deputy__code", "meeting": "meeting_name"}


def _can_view_speeches(user):
    return sel.can_view_sessions(user) or sel.can_use_leave(user)


@login_required
def speech_list(request):
    _require(_can_view_speeches(request.user))
    qs = sel.speeches_visible_to(request.user).select_related("deputy__delegation", "meeting")
    f = {
        "session": int_param(request, "session"),
        "delegation": int_param(request, "delegation"),
        "q": text_param(request, "q"),
    }
    if f["session"]:
        qs = qs.filter(meeting__session_id=f["session"])
    if f["delegation"]:
        qs = qs.filter(deputy__delegation_id=f["delegation"])
    if f["q"]:
        qs = qs.filter(
            Q(deputy__name__icontains=f["q"]) | Q(topic__icontains=f["q"]) | Q(deputy__code=f["q"])
        )
    qs, current = sort(request, qs, SPEECH_SORTS, "-date")
    if wants_xlsx(request):
        rows = (
            (
                s.date,
                s.deputy.code,
                s.deputy.name,
                s.deputy.delegation.name,
                s.meeting_name,
                s.topic,
            )
            for s in qs.iterator()
        )
        header = [_("日期"), _("代表编号"), _("姓名"), _("代表团"), _("会议名称"), _("发言主题")]
        return xlsx_response(_("大会发言.xlsx"), header, rows)
    editable = set()
    page = paginate(request, qs)
    if sel.can_record_sessions(request.user):
        ids = [s.pk for s in page]
        editable = set(
            records_editable_by(request.user, Speech.objects.filter(pk__in=ids)).values_list(
                "pk", flat=True
            )
        )
    return render(
        request,
        "activities/sessions/speech_list.html",
        {
            "page": page,
            "sort": current,
            "filters": f,
            "editable": editable,
            "sessions": Session.objects.all(),
            "delegations": sel.visible_delegations(request.user),
            "can_record": sel.can_record_sessions(request.user),
        },
    )


def _speech_form(request, speech=None):
    _require(sel.can_record_sessions(request.user))
    initial = {"meeting": int_param(request, "meeting")} if speech is None else None
    form = SpeechForm(_data(request), instance=speech, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_speech(request.user, form.instance)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("发言已登记。"))
            return redirect("activities:speech_list")
    title = _("编辑发言") if speech else _("登记大会发言")
    return render(
        request, "activities/sessions/form.html", {"form": form, "object": speech, "title": title}
    )


def _editable_speech(request, pk):
    _require(sel.can_record_sessions(request.user))
    return get_object_or_404(records_editable_by(request.user, Speech.objects.all()), pk=pk)


@login_required
def speech_create(request):
    return _speech_form(request)


@login_required
def speech_edit(request, pk):
    return _speech_form(request, _editable_speech(request, pk))


@login_required
def speech_delete(request, pk):
    speech = _editable_speech(request, pk)
    return confirm_delete(
        request,
        speech,
        services.delete_speech,
        message=_("已删除发言记录。"),
        success_url=reverse("activities:speech_list"),
    )
