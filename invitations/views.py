"""Invitation pages. Staff: list, send (prefilled by ?activity= / ?meeting= / ?deputies=),
replies (live), chase, change, cancel, decide leave. Deputies: their invitations and the reply
page (phone first). Each view checks role and scope (invitations.selectors; out of scope is
404), calls one service, renders."""

import re
from datetime import datetime, time, timedelta
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Activity, Meeting
from deputies.models import Delegation, DeputyGroup, Role, Term
from deputies.scopes import deputies_invitable_by, user_scope
from jdrenda.listing import paginate
from jdrenda.params import MAX_ID, int_param, note_invalid
from jdrenda.views import apply_errors

from . import forms, selectors, services
from .models import Invitation, InvitedDeputy

INVITEES_PER_PAGE = 100
POLL_SECONDS = 20  # the replies section refreshes itself (htmx) this often
_ID = re.compile(r"[0-9]{1,10}")


def _staff(view):
    """Signed in, and a role that sends invitations (office, town, committee staff); else 404."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not selectors.can_invite(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _managed(request, pk) -> Invitation:
    qs = selectors.managed_invitations(request.user).select_related(
        "activity__organiser", "activity__term", "meeting__term", "created_by"
    )
    return get_object_or_404(qs, pk=pk)


def _error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


# --- staff ----------------------------------------------------------------------------------


@_staff
def invitation_list(request):
    invitations = selectors.with_counts(selectors.managed_invitations(request.user))
    page = paginate(request, invitations.order_by("-created_at", "-pk"))
    return render(request, "invitations/list.html", {"page": page})


def _deputy_ids_param(request) -> list[int]:
    """?deputies=1,2,3 (the planner links here): valid ids, the rest named and ignored."""
    raw = request.GET.get("deputies", "").replace("\x00", "")
    ids, bad = [], False
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        if _ID.fullmatch(part) and 1 <= int(part) <= MAX_ID:
            ids.append(int(part))
        else:
            bad = True
    if bad:
        note_invalid(request, "deputies")
    return ids[:1000]


def _invitation_form(request, data=None):
    user = request.user
    today = timezone.localdate()
    activities = selectors.activities_invitable_by(
        user, Activity.objects.filter(date__gte=today)
    ).order_by("date", "name")
    meetings = selectors.meetings_invitable_by(
        user, Meeting.objects.filter(date__gte=today)
    ).order_by("date", "name")
    initial, target = {}, None
    activity_id = int_param(request, "activity")
    meeting_id = int_param(request, "meeting")
    if activity_id:
        target = activities.filter(pk=activity_id).first()
        if target is None:
            note_invalid(request, "activity")
        else:
            initial.update(activity=target.pk, place=target.place)
    elif meeting_id:
        target = meetings.filter(pk=meeting_id).first()
        if target is None:
            note_invalid(request, "meeting")
        else:
            initial["meeting"] = target.pk
    if target is not None:
        # 17:00 the day before (or today); once that has passed, the end of the day itself.
        day = max(today, target.date - timedelta(days=1))
        for deadline in (
            timezone.make_aware(datetime.combine(day, time(17, 0))),
            timezone.make_aware(datetime.combine(target.date, time(23, 59))),
        ):
            if deadline > timezone.now():
                initial["reply_deadline"] = deadline
                break
    term_id = target.term_id if target else getattr(Term.for_year(today.year), "pk", None)
    shown = _deputy_ids_param(request)
    initial["deputies"] = shown
    # The groups and delegations offered: those with a deputy the user may invite to the
    # target (or, with none chosen yet, to an activity of the current term).
    invitable = selectors.invitable_deputies(user, target or Activity(term_id=term_id))
    form = forms.InvitationForm(
        data,
        initial=initial,
        activities=activities,
        meetings=meetings,
        groups=DeputyGroup.objects.filter(pk__in=invitable.values("group_id")).order_by("name"),
        delegations=Delegation.objects.filter(pk__in=invitable.values("delegation_id")),
        # The chosen deputies are checked against the target once more by the service.
        deputies=deputies_invitable_by(user),
        picker_scope="visible" if user_scope(user).has(Role.OFFICE_STAFF) else "editable",
        term_id=term_id,
        shown_ids=shown,
    )
    return form, target


@_staff
def invitation_create(request):
    """发出邀请: GET may name the target and the deputies; POST sends (one transaction)."""
    form, target = _invitation_form(request, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target = data["activity"] or data["meeting"]
        try:
            sent = services.create_invitation(
                request.user,
                target,
                kind=data["kind"],
                reply_deadline=data["reply_deadline"],
                deputy_ids=[d.pk for d in data["deputies"]],
                group=data["group"],
                delegation=data["delegation"],
                start_time=data["start_time"],
                place=data["place"],
                note=data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            text = _("邀请已发出：%(n)s 名代表。") % {"n": sent.invited}
            if sent.already:
                text += _("%(n)s 名已被邀请，未重复邀请。") % {"n": sent.already}
            if sent.out_of_office:
                text += _("%(n)s 名在活动日期不在任职期间，未邀请。") % {"n": sent.out_of_office}
            messages.success(request, text)
            return redirect("invitations:detail", sent.invitation.pk)
    return render(request, "invitations/form.html", {"form": form, "target": target})


def _replies_context(request, invitation):
    invitees = selectors.visible_invitees(request.user, invitation)
    rows = invitees.select_related("deputy__delegation", "deputy__group", "leave_request")
    page = paginate(request, rows.order_by("answer", "deputy__code"), INVITEES_PER_PAGE)
    return {
        "invitation": invitation,
        "counts": selectors.reply_counts(invitees),
        "page": page,
        "poll_seconds": POLL_SECONDS,
        "open": not invitation.is_cancelled,
        "deadline_passed": timezone.now() > invitation.reply_deadline,
        "leave_form": forms.LeaveDecisionForm(),
        "is_meeting": invitation.meeting_id is not None,
    }


@_staff
def invitation_detail(request, pk):
    invitation = _managed(request, pk)
    return render(request, "invitations/detail.html", _replies_context(request, invitation))


@_staff
def invitation_replies(request, pk):
    """The replies section alone, for the page's htmx refresh."""
    invitation = _managed(request, pk)
    return render(request, "invitations/_replies.html", _replies_context(request, invitation))


@_staff
def invitation_chase(request, pk):
    """催复: POST sends one notification to each deputy who has not replied."""
    invitation = _managed(request, pk)
    if request.method == "POST":
        try:
            n = services.chase(request.user, invitation)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            if n:
                messages.success(request, _("已向 %(n)s 名未回复的代表发出催复通知。") % {"n": n})
            else:
                messages.info(request, _("没有未回复的代表。"))
    return redirect("invitations:detail", pk)


@_staff
def invitation_edit(request, pk):
    """Change time, place, deadline, note; a new time or place is told to the invited."""
    invitation = _managed(request, pk)
    if invitation.is_cancelled:
        messages.error(request, _("该邀请已取消。"))
        return redirect("invitations:detail", pk)
    form = forms.ChangeForm(request.POST or None, instance=invitation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            told = services.change(
                request.user, invitation, start_time=data["start_time"], place=data["place"],
                reply_deadline=data["reply_deadline"], note=data["note"],
            )  # fmt: skip
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if told:
                messages.success(request, _("已保存，时间地点变更已通知受邀代表。"))
            else:
                messages.success(request, _("已保存。"))
            return redirect("invitations:detail", pk)
    return render(request, "invitations/edit.html", {"form": form, "invitation": invitation})


@_staff
def invitation_cancel(request, pk):
    """GET asks for confirmation; POST cancels and tells every invited deputy."""
    invitation = _managed(request, pk)
    form = forms.CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel(request.user, invitation, form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("邀请已取消，已通知受邀代表。"))
        return redirect("invitations:detail", pk)
    return render(request, "invitations/cancel.html", {"form": form, "invitation": invitation})


@_staff
def leave_decide(request, pk):
    """Staff accept or refuse a 请假 reply to a 必须参加 invitation (POST)."""
    invitee = get_object_or_404(
        InvitedDeputy.objects.filter(invitation__in=selectors.managed_invitations(request.user)),
        pk=pk,
    )
    if request.method == "POST":
        form = forms.LeaveDecisionForm(request.POST)
        if form.is_valid():
            try:
                services.decide_leave(
                    request.user, invitee, form.cleaned_data["decision"] == "accept",
                    form.cleaned_data["leave_reason"],
                )  # fmt: skip
            except ValidationError as exc:
                messages.error(request, _error_text(exc))
            else:
                messages.success(request, _("请假审核已保存，已通知该代表。"))
        else:
            messages.error(request, _("请选择同意或不同意。"))
    return redirect("invitations:detail", invitee.invitation_id)


# --- deputies -------------------------------------------------------------------------------


@login_required
def my_invitations(request):
    """我的活动邀请: the deputy's own invitations, newest deadline first."""
    if not selectors.is_invitee(request.user):
        raise Http404
    page = paginate(request, selectors.own_invitations(request.user), 20)
    return render(request, "invitations/mine.html", {"page": page, "now": timezone.now()})


@login_required
def reply(request, pk):
    """The deputy's reply page (390 px wide first): 参加 / 请假 with a reason."""
    invitee = get_object_or_404(selectors.own_invitations(request.user), pk=pk)
    invitation = invitee.invitation
    initial = {"answer": invitee.answer or None, "reason": invitee.reason}
    form = forms.ReplyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.reply(
                request.user, invitee, form.cleaned_data["answer"], form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("回复已提交。截止时间前可以修改。"))
            return redirect("invitations:reply", pk)
    context = {
        "invitee": invitee,
        "invitation": invitation,
        "form": form,
        "closed": invitation.is_cancelled or timezone.now() > invitation.reply_deadline,
        "deadline": services.when(invitation.reply_deadline),
    }
    return render(request, "invitations/reply.html", context)
