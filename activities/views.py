"""Pages for activities (participants, attendance, QR sign-in), constituent and SC-member
communications, and 社情民意. Each view: permission from deputies.scopes, one service call,
render. Out-of-scope objects and roles that may not use a page are 404."""

from functools import wraps

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from activities import forms, services
from activities.attachments import services as attachments
from activities.models import (
    Activity,
    ActivityType,
    AttendanceStatus,
    Communication,
    ContactMethod,
    LiaisonCommunication,
    Participation,
    ParticipationStatus,
    PublicOpinion,
)
from deputies import permissions, privacy
from deputies.models import Constituent, Delegation, Deputy, DeputyGroup, Organiser, Role
from deputies.scopes import (
    activities_editable_by,
    activities_visible_to,
    deputies_editable_by,
    deputies_invitable_by,
    deputies_visible_to,
    groups_editable_by,
    records_visible_to,
    user_scope,
)
from jdrenda.listing import paginate, sort, wants_xlsx, xlsx_response
from jdrenda.params import choice_param, date_param, int_param, note_invalid_form, text_param
from jdrenda.views import confirm_delete


def _error_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def _any_role(view):
    """Signed-in users with no role at all may not use these pages (404)."""

    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not user_scope(request.user).roles:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _recordable_deputies(user):
    """Deputies whose 社情民意 the user may record: staff's editable deputies and the user's
    own deputy records."""
    scope = user_scope(user)
    editable = deputies_editable_by(user)
    if scope.deputy_ids:
        return Deputy.objects.filter(Q(pk__in=editable.values("pk")) | Q(pk__in=scope.deputy_ids))
    return editable


def _communication_recorders(user):
    """Deputies whose constituent communications the user may record directly: staff's
    editable deputies. A deputy's own communications go through 填报→审核 (issue 5: they
    count only once the group leader or town staff confirm them)."""
    return deputies_editable_by(user)


def _organisers_for(user):
    """Organisers whose activities the user may create: office any, committee staff theirs,
    town staff their town's."""
    scope = user_scope(user)
    if scope.has(Role.OFFICE_STAFF):
        return Organiser.objects.all()
    q = Q(pk__in=scope.organiser_ids)
    if scope.town_staff_delegation_ids:
        q |= Q(delegation_id__in=scope.town_staff_delegation_ids)
    return Organiser.objects.filter(q)


def _can_create_activity(user) -> bool:
    scope = user_scope(user)
    return scope.has(Role.OFFICE_STAFF) or _organisers_for(user).exists()


def _list_context(request, page, sort_key, **extra):
    return {"page": page, "sort_key": sort_key, "export_query": _export_query(request), **extra}


def _export_query(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    params["format"] = "xlsx"
    return params.urlencode()


# --- activities -------------------------------------------------------------------------

ACTIVITY_SORTS = {
    "date": "date",
    "name": "name",
    "type": "type",
    "organiser": "organiser__name",
    "participants": "participant_count",
}


def filtered_activities(request):
    form = forms.ActivityFilterForm(request.GET or None)
    note_invalid_form(request, form)
    qs = activities_visible_to(request.user).select_related("organiser", "term")
    if form.is_valid():
        data = form.cleaned_data
        if data["type"]:
            qs = qs.filter(type=data["type"])
        if data["organiser"]:
            qs = qs.filter(organiser=data["organiser"])
        if data["delegation"]:
            qs = qs.filter(
                Q(organiser__delegation=data["delegation"])
                | Q(participations__deputy__delegation=data["delegation"])
            ).distinct()
        if data["date_from"]:
            qs = qs.filter(date__gte=data["date_from"])
        if data["date_to"]:
            qs = qs.filter(date__lte=data["date_to"])
        if data["q"]:
            qs = qs.filter(name__icontains=data["q"])
    qs = qs.annotate(
        participant_count=Count("participations", distinct=True),
        present_count=Count(
            "participations", filter=Q(participations__status="present"), distinct=True
        ),
    )
    return form, qs


@_any_role
def activity_list(request):
    form, qs = filtered_activities(request)
    qs, sort_key = sort(request, qs, ACTIVITY_SORTS, "-date")
    if wants_xlsx(request):
        header = [_("活动名称"), _("活动类型"), _("日期"), _("组织单位"), _("地点"), _("主题"),
                  _("参加人数"), _("出席人数")]  # fmt: skip
        rows = (
            [
                a.name,
                a.get_type_display(),
                a.date,
                str(a.organiser or ""),
                a.place,
                a.topic,
                a.participant_count,
                a.present_count,
            ]  # fmt: skip
            for a in qs
        )
        return xlsx_response(_("履职活动.xlsx"), header, rows)
    return render(
        request,
        "activities/activity_list.html",
        _list_context(
            request,
            paginate(request, qs),
            sort_key,
            form=form,
            can_create=_can_create_activity(request.user),
        ),
    )


def _activity_form(request, instance=None):
    scope = user_scope(request.user)
    return forms.ActivityForm(
        request.POST or None,
        instance=instance,
        organisers=_organisers_for(request.user),
        organiser_required=not scope.has(Role.OFFICE_STAFF),
        groups=groups_editable_by(request.user),
    )


@_any_role
def activity_create(request):
    if not _can_create_activity(request.user):
        raise Http404
    form = _activity_form(request)
    if request.method == "POST" and form.is_valid():
        activity = services.save_activity(form)
        messages.success(request, _("已创建活动“%(name)s”。") % {"name": activity.name})
        return redirect("activities:activity_detail", activity.pk)
    return render(request, "activities/activity_form.html", {"form": form})


@_any_role
def activity_edit(request, pk):
    activity = get_object_or_404(activities_editable_by(request.user), pk=pk)
    form = _activity_form(request, activity)
    if request.method == "POST" and form.is_valid():
        services.save_activity(form)
        messages.success(request, _("已保存。"))
        return redirect("activities:activity_detail", activity.pk)
    return render(request, "activities/activity_form.html", {"form": form, "activity": activity})


@_any_role
def activity_delete(request, pk):
    activity = get_object_or_404(activities_editable_by(request.user), pk=pk)
    return confirm_delete(
        request,
        activity,
        services.delete_activity,
        message=_("已删除活动“%(name)s”。") % {"name": activity.name},
        success_url=reverse("activities:activity_list"),
        cancel_url=reverse("activities:activity_detail", args=[pk]),
    )


def _qr_svg(request, activity) -> str:
    url = request.build_absolute_uri(
        reverse("activities:signin", args=[activity.pk, services.signin_token(activity)])
    )
    return url, segno.make(url, error="m").svg_inline(scale=5, title=_("扫码签到"))


@_any_role
def activity_detail(request, pk):
    activity = get_object_or_404(
        activities_visible_to(request.user).select_related("organiser", "term", "group"), pk=pk
    )
    editable = activities_editable_by(request.user).filter(pk=pk).exists()
    participations = (
        activity.participations.select_related("deputy__delegation", "deputy__group")
        .filter(deputy__in=deputies_visible_to(request.user))
        .order_by("deputy__code")
    )
    context = {
        "activity": activity,
        "editable": editable,
        "participations": participations,
        "is_reception": services.is_reception(activity),
        "window_open": services.signin_window_open(activity),
        "statuses": ParticipationStatus.choices,
        "attachment_limit": attachments.max_bytes(),
    }
    if editable:
        # No attendance is claimed before the activity has happened: a new name is 受邀.
        not_yet = activity.date >= timezone.localdate()
        context["add_form"] = forms.ParticipantForm(
            initial={"status": ParticipationStatus.INVITED} if not_yet else None
        )
        context["set_all_form"] = forms.SetAllStatusForm()
        # The picker searches the deputies of the activity's term (the form checks it again).
        context["add_form"].fields["deputy"].widget.attrs["data-picker-term"] = activity.term_id
        context["bulk_form"] = _bulk_form(request, activity)
        if activity.signin_opens_at:
            context["signin_url"], context["qr_svg"] = _qr_svg(request, activity)
    return render(request, "activities/activity_detail.html", context)


def _bulk_form(request, activity, data=None):
    """The groups and delegations offered for 批量添加 are those with a deputy the user may
    see in the activity's term, on the page and when it is posted."""
    visible_in_term = deputies_invitable_by(request.user).filter(term=activity.term_id)
    return forms.BulkParticipantForm(
        data,
        groups=DeputyGroup.objects.filter(
            term=activity.term_id, pk__in=visible_in_term.values("group_id")
        ),
        delegations=Delegation.objects.filter(pk__in=visible_in_term.values("delegation_id")),
    )


def _editable_activity(request, pk):
    """An activity whose roll the user may change (deputies.permissions, as the import)."""
    qs = activities_visible_to(request.user).select_related("organiser")
    activity = get_object_or_404(qs, pk=pk)
    if not permissions.may_change_activity(request.user, activity.organiser):
        raise Http404
    return activity


@_any_role
def participant_add(request, pk):
    activity = _editable_activity(request, pk)
    if request.method != "POST":
        return redirect("activities:activity_detail", pk)
    form = forms.ParticipantForm(
        request.POST, deputies=deputies_invitable_by(request.user).filter(term=activity.term_id)
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_participant(
                activity, data["deputy"], data["status"], data["reception_notes"],
                data["no_visitors"],
            )  # fmt: skip
            messages.success(request, _("已添加 %(name)s。") % {"name": data["deputy"].name})
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    else:
        for errors in form.errors.values():
            messages.error(request, "；".join(errors))
    return redirect("activities:activity_detail", pk)


@_any_role
def participant_bulk(request, pk):
    activity = _editable_activity(request, pk)
    if request.method != "POST":
        return redirect("activities:activity_detail", pk)
    visible = deputies_invitable_by(request.user).filter(term=activity.term_id)
    form = _bulk_form(request, activity, request.POST)
    if form.is_valid():
        group, delegation = form.cleaned_data["group"], form.cleaned_data["delegation"]
        deputies = visible.filter(group=group) if group else visible.filter(delegation=delegation)
        added, already, out = services.add_participants_bulk(activity, deputies)
        messages.success(
            request,
            _("已添加 %(a)s 名代表；%(b)s 名已在名单中；%(c)s 名在活动日期不在任职期间，未添加。")
            % {"a": added, "b": already, "c": out},
        )
    else:
        for errors in form.errors.values():
            messages.error(request, "；".join(errors))
    return redirect("activities:activity_detail", pk)


@_any_role
def participant_set_all(request, pk):
    """全部设为…: POST asks for confirmation first (it overwrites every row), then sets."""
    activity = _editable_activity(request, pk)
    if request.method != "POST":
        return redirect("activities:activity_detail", pk)
    form = forms.SetAllStatusForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, "；".join(errors))
        return redirect("activities:activity_detail", pk)
    status = form.cleaned_data["status"]
    label = ParticipationStatus(status).label
    if request.POST.get("confirm") != "1":
        context = {"activity": activity, "status": status, "label": label,
                   "count": activity.participations.count()}  # fmt: skip
        return render(request, "activities/set_all_confirm.html", context)
    try:
        changed, skipped = services.set_all_statuses(activity, status)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        text = _("已将 %(n)s 名代表设为%(s)s。") % {"n": changed, "s": label}
        if skipped:
            text += _("%(k)s 名家站点接待未填写接待情况或“无来访”，未设为出席。") % {"k": skipped}
        messages.success(request, text)
    return redirect("activities:activity_detail", pk)


@_any_role
def participation_update(request, pk):
    """Mark attendance (and, for 家站点接待, what was received); htmx swaps the row."""
    participation = get_object_or_404(
        Participation.objects.select_related("activity", "deputy__delegation").filter(
            activity__in=activities_editable_by(request.user),
            deputy__in=deputies_visible_to(request.user),
        ),
        pk=pk,
    )
    if request.method != "POST":
        return redirect("activities:activity_detail", participation.activity_id)
    form = forms.ParticipationForm(request.POST)
    error = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.update_participation(
                participation, data["status"], data["reception_notes"], data["no_visitors"]
            )
        except ValidationError as exc:
            error = _error_text(exc)
            participation.refresh_from_db()
    else:
        error = _("请选择参加情况。")
    if request.headers.get("HX-Request"):
        return render(
            request,
            "activities/_participation_row.html",
            {
                "p": participation,
                "editable": True,
                "is_reception": services.is_reception(participation.activity),
                "row_error": error,
                "row_saved": error is None,
                "statuses": AttendanceStatus.choices,
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("已保存。"))
    return redirect("activities:activity_detail", participation.activity_id)


@_any_role
def participation_delete(request, pk):
    participation = get_object_or_404(
        Participation.objects.select_related("activity", "deputy").filter(
            activity__in=activities_editable_by(request.user),
            deputy__in=deputies_visible_to(request.user),
        ),
        pk=pk,
    )
    back = reverse("activities:activity_detail", args=[participation.activity_id])
    message = _("已移除 %(name)s。") % {"name": participation.deputy.name}
    return confirm_delete(
        request, participation, services.delete_participation, message=message, success_url=back
    )


@login_required
def signin(request, pk, token):
    """The page a deputy's phone opens from the activity's QR code."""
    if services.activity_for_token(token) != pk:
        raise Http404
    activity = get_object_or_404(Activity.objects.select_related("term"), pk=pk)
    context = {"activity": activity, "is_reception": services.is_reception(activity)}
    if request.method == "GET":
        # Opening the link only shows the activity and a button: a GET never signs in (a page
        # elsewhere could otherwise sign a logged-in deputy in by embedding the link).
        try:
            deputy = services.sign_in_deputy(activity, request.user)
        except ValidationError as exc:
            context["error"] = _error_text(exc)
            return render(request, "activities/signin.html", context)
        context["participation"] = Participation.objects.filter(
            activity=activity, deputy=deputy, signed_in_at__isnull=False
        ).first()
        return _signin_page(request, context)
    if request.POST.get("action") != "signin":
        # A 家站点接待: the deputy records what was received after signing in.
        participation = Participation.objects.filter(
            activity=activity, deputy__user=request.user, signed_in_at__isnull=False
        ).first()
        if participation is None or not context["is_reception"]:
            raise Http404
        form = forms.ReceptionForm(request.POST)
        if form.is_valid():
            try:
                services.record_reception(
                    participation, form.cleaned_data["reception_notes"],
                    form.cleaned_data["no_visitors"],
                )  # fmt: skip
                context["done"] = _("接待情况已登记，本次家站点接待已记为出席。")
            except ValidationError as exc:
                context["error"] = _error_text(exc)
        context.update(participation=participation, reception_form=form)
        return render(request, "activities/signin.html", context)
    try:
        participation = services.sign_in(activity, request.user)
    except ValidationError as exc:
        context["error"] = _error_text(exc)
        return render(request, "activities/signin.html", context)
    context["participation"] = participation
    return _signin_page(request, context)


def _signin_page(request, context):
    """The sign-in page for a deputy: the button, or the state after signing in."""
    participation = context.get("participation")
    if participation is None:
        context["confirm"] = True
    elif context["is_reception"] and participation.status != "present":
        context["reception_form"] = forms.ReceptionForm()
        context["notice"] = _("已签到。请登记接待情况（或勾选“无来访”），登记后本次接待记为出席。")
    else:
        context["done"] = _("签到成功，已记为出席。")
    return render(request, "activities/signin.html", context)


# --- communications with constituents --------------------------------------------------

COMM_SORTS = {"date": "date", "deputy": "deputy__code", "method": "method"}


def _date_method_filters(request, qs, deputy_path="deputy"):
    if text := text_param(request, "q"):
        qs = qs.filter(
            Q(**{f"{deputy_path}__name__icontains": text}) | Q(**{f"{deputy_path}__code": text})
        )
    if method := choice_param(request, "method", ContactMethod.values):
        qs = qs.filter(method=method)
    if delegation := int_param(request, "delegation"):
        qs = qs.filter(**{f"{deputy_path}__delegation_id": delegation})
    for key, lookup in (("date_from", "date__gte"), ("date_to", "date__lte")):
        value = date_param(request, key)
        if value:
            qs = qs.filter(**{lookup: value})
    return qs


def _filter_context(request):
    return {
        "methods": ContactMethod.choices,
        "delegations": Delegation.objects.all(),
        "f": request.GET,
    }


@_any_role
def communication_list(request):
    qs = records_visible_to(
        request.user,
        Communication.objects.select_related("deputy__delegation").prefetch_related("constituents"),
    )
    qs = _date_method_filters(request, qs)
    qs, sort_key = sort(request, qs, COMM_SORTS, "-date")
    recordable = set(_communication_recorders(request.user).values_list("pk", flat=True))

    def constituents_text(comm):
        full = privacy.can_see_constituent_contacts(request.user, comm.deputy_id)
        return "、".join(privacy.constituent_label(c, full) for c in comm.constituents.all())

    if wants_xlsx(request):
        header = [_("日期"), _("代表编号"), _("代表"), _("代表团"), _("联系方式"), _("选民"),
                  _("内容")]  # fmt: skip
        rows = (
            [
                c.date,
                c.deputy.code,
                c.deputy.name,
                str(c.deputy.delegation),
                c.get_method_display(),
                constituents_text(c),
                c.content,
            ]  # fmt: skip
            for c in qs
        )
        scope = user_scope(request.user)
        # Full phones go out to office staff and to a deputy for their own constituents.
        full = scope.has(Role.OFFICE_STAFF) or bool(scope.deputy_ids)
        return xlsx_response(_("联系选民.xlsx"), header, rows, masked=not full)
    page = paginate(request, qs)
    for comm in page:
        comm.constituents_text = constituents_text(comm)
        comm.editable = comm.deputy_id in recordable
    return render(
        request,
        "activities/communication_list.html",
        _list_context(
            request, page, sort_key, can_create=bool(recordable), **_filter_context(request)
        ),
    )


@_any_role
def communication_create(request):
    deputies = _communication_recorders(request.user).select_related("delegation")
    if not deputies.exists():
        if user_scope(request.user).deputy_ids:
            messages.info(
                request, _("代表本人联系选民请在此填报，经代表小组组长或镇（街道）人大审核后计入。")
            )
            return redirect(reverse("supervision:self_report_new") + "?kind=communication")
        raise Http404
    deputy_id = int_param(request, "deputy", source=request.POST) or int_param(request, "deputy")
    deputy = deputies.filter(pk=deputy_id).first() if deputy_id else None
    if deputy is None and deputies.count() == 1:
        deputy = deputies.first()
    constituents = (
        Constituent.objects.filter(deputy=deputy) if deputy else Constituent.objects.none()
    )
    form = forms.CommunicationForm(
        request.POST or None,
        deputies=deputies,
        constituents=constituents,
        initial={"deputy": deputy, "date": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            comm, created = services.record_communication(
                data["deputy"], data["date"], data["method"], data["content"],
                data["constituents"],
            )  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if created:
                messages.success(request, _("已登记联系选民记录。"))
            else:
                messages.success(
                    request, _("同一代表同日同方式的联系记录已存在，已将所选选民合并到该记录。")
                )
            return redirect("activities:communication_list")
    show = deputy is not None and privacy.can_see_constituent_contacts(request.user, deputy)
    return render(
        request,
        "activities/communication_form.html",
        {
            "form": form,
            "deputy": deputy,
            "deputies": deputies,
            "show_phones": show,
            "constituent_rows": [
                (c, privacy.constituent_contact(c, show)[0]) for c in constituents
            ],
        },  # fmt: skip
    )


@_any_role
def communication_edit(request, pk):
    comm = get_object_or_404(
        Communication.objects.filter(deputy__in=_communication_recorders(request.user)), pk=pk
    )
    constituents = Constituent.objects.filter(deputy_id=comm.deputy_id)
    form = forms.CommunicationEditForm(
        request.POST or None,
        constituents=constituents,
        initial={"content": comm.content, "constituents": list(comm.constituents.all())},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_communication(
                comm, form.cleaned_data["content"], form.cleaned_data["constituents"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("activities:communication_list")
    return render(request, "activities/communication_edit.html", {"form": form, "comm": comm})


@_any_role
def communication_delete(request, pk):
    comm = get_object_or_404(
        Communication.objects.filter(deputy__in=_communication_recorders(request.user)), pk=pk
    )
    return confirm_delete(
        request,
        comm,
        services.delete_record,
        message=_("已删除。"),
        success_url=reverse("activities:communication_list"),
    )


# --- standing-committee members' communications with deputies ---------------------------

LIAISON_SORTS = {"date": "date", "member": "member__code", "deputy": "deputy__code"}


def _liaison_members(user):
    """SC members whose communications the user may record: office staff any, an SC member
    themself."""
    members = Deputy.objects.filter(is_sc_member=True)
    scope = user_scope(user)
    if scope.has(Role.OFFICE_STAFF):
        return members
    return members.filter(pk__in=scope.deputy_ids)


def _visible_liaisons(user):
    qs = LiaisonCommunication.objects.select_related("member", "deputy__delegation")
    visible = records_visible_to(user, qs, "deputy") | records_visible_to(user, qs, "member")
    return visible.distinct()


@_any_role
def liaison_list(request):
    qs = _date_method_filters(request, _visible_liaisons(request.user))
    if text := text_param(request, "member"):
        qs = qs.filter(Q(member__name__icontains=text) | Q(member__code=text))
    qs, sort_key = sort(request, qs, LIAISON_SORTS, "-date")
    if wants_xlsx(request):
        header = [_("日期"), _("常委会组成人员"), _("代表编号"), _("代表"), _("联系方式"),
                  _("内容")]  # fmt: skip
        rows = (
            [
                x.date,
                x.member.name,
                x.deputy.code,
                x.deputy.name,
                x.get_method_display(),
                x.content,
            ]  # fmt: skip
            for x in qs
        )
        return xlsx_response(_("联系代表.xlsx"), header, rows)
    members = set(_liaison_members(request.user).values_list("pk", flat=True))
    page = paginate(request, qs)
    for item in page:
        item.editable = item.member_id in members
    return render(
        request,
        "activities/liaison_list.html",
        _list_context(
            request, page, sort_key, can_create=bool(members), **_filter_context(request)
        ),
    )


@_any_role
def liaison_create(request):
    members = _liaison_members(request.user).select_related("term")
    if not members.exists():
        raise Http404
    form = forms.LiaisonForm(
        request.POST or None,
        members=members,
        deputies=Deputy.objects.filter(term_id__in=members.values("term_id")).select_related(
            "delegation"
        ),
        initial={"date": timezone.localdate(), "member": members.first()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.record_liaison(
                data["member"], data["deputy"], data["date"], data["method"], data["content"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("已登记联系代表记录。"))
            return redirect("activities:liaison_list")
    return render(request, "activities/liaison_form.html", {"form": form})


@_any_role
def liaison_delete(request, pk):
    item = get_object_or_404(_visible_liaisons(request.user).select_related("member"), pk=pk)
    if not permissions.may_record_liaison(request.user, item.member):
        raise Http404
    return confirm_delete(
        request,
        item,
        services.delete_record,
        message=_("已删除。"),
        success_url=reverse("activities:liaison_list"),
    )


# --- 社情民意 ---------------------------------------------------------------------------

OPINION_SORTS = {"date": "date", "deputy": "deputy__code", "status": "hotline_status"}


@_any_role
def opinion_list(request):
    qs = records_visible_to(
        request.user, PublicOpinion.objects.select_related("deputy__delegation")
    )
    qs = _date_method_filters(request, qs)
    status = request.GET.get("status")
    if status == "none":
        qs = qs.filter(hotline_status="")
    elif status in PublicOpinion.HotlineStatus.values:
        qs = qs.filter(hotline_status=status)
    qs, sort_key = sort(request, qs, OPINION_SORTS, "-date")
    if wants_xlsx(request):
        header = [_("收集日期"), _("代表编号"), _("代表"), _("标题"), _("内容"), _("12345工单号"),
                  _("工单状态"), _("办理结果")]  # fmt: skip
        rows = (
            [
                o.date,
                o.deputy.code,
                o.deputy.name,
                o.title,
                o.content,
                o.hotline_ticket,
                o.get_hotline_status_display(),
                o.hotline_outcome,
            ]  # fmt: skip
            for o in qs
        )
        return xlsx_response(_("社情民意.xlsx"), header, rows)
    return render(
        request,
        "activities/opinion_list.html",
        _list_context(
            request,
            paginate(request, qs),
            sort_key,
            can_create=_recordable_deputies(request.user).exists(),
            statuses=[c for c in PublicOpinion.HotlineStatus.choices if c[0]],
            **_filter_context(request),
        ),
    )


@_any_role
def opinion_create(request):
    deputies = _recordable_deputies(request.user)
    if not deputies.exists():
        raise Http404
    initial = {"date": timezone.localdate()}
    if deputies.count() == 1:
        initial["deputy"] = deputies.first()
    form = forms.OpinionForm(request.POST or None, deputies=deputies, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            opinion = services.save_opinion(form)
        except ValidationError as exc:
            form.add_error("date", exc)
        else:
            messages.success(request, _("已登记社情民意。"))
            return redirect("activities:opinion_detail", opinion.pk)
    return render(request, "activities/opinion_form.html", {"form": form})


def _editable_opinion(request, pk):
    return get_object_or_404(
        PublicOpinion.objects.filter(deputy__in=_recordable_deputies(request.user)), pk=pk
    )


@_any_role
def opinion_detail(request, pk):
    opinion = get_object_or_404(
        records_visible_to(request.user, PublicOpinion.objects.select_related("deputy")), pk=pk
    )
    editable = _recordable_deputies(request.user).filter(pk=opinion.deputy_id).exists()
    return render(
        request,
        "activities/opinion_detail.html",
        {
            "opinion": opinion,
            "editable": editable,
            "refer_form": forms.ReferForm(initial={"hotline_ticket": opinion.hotline_ticket}),
            "status_form": forms.OpinionStatusForm(
                initial={
                    "hotline_status": opinion.hotline_status,
                    "hotline_outcome": opinion.hotline_outcome,
                }
            ),
        },
    )


@_any_role
def opinion_edit(request, pk):
    opinion = _editable_opinion(request, pk)
    form = forms.OpinionForm(
        request.POST or None, instance=opinion, deputies=_recordable_deputies(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_opinion(form)
        except ValidationError as exc:
            form.add_error("date", exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("activities:opinion_detail", pk)
    return render(request, "activities/opinion_form.html", {"form": form, "opinion": opinion})


@_any_role
def opinion_refer(request, pk):
    opinion = _editable_opinion(request, pk)
    if request.method == "POST":
        form = forms.ReferForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("转办12345须填写工单号。"))
            services.refer_opinion(opinion, form.cleaned_data["hotline_ticket"])
            messages.success(request, _("已转办12345热线。"))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    return redirect("activities:opinion_detail", pk)


@_any_role
def opinion_status(request, pk):
    opinion = _editable_opinion(request, pk)
    if request.method == "POST":
        form = forms.OpinionStatusForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationError(_("请选择有效的工单状态。"))
            services.update_opinion_status(
                opinion, form.cleaned_data["hotline_status"], form.cleaned_data["hotline_outcome"]
            )
            messages.success(request, _("已更新工单状态。"))
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    return redirect("activities:opinion_detail", pk)


@_any_role
def opinion_delete(request, pk):
    opinion = _editable_opinion(request, pk)
    return confirm_delete(
        request,
        opinion,
        services.delete_record,
        message=_("已删除。"),
        success_url=reverse("activities:opinion_list"),
        cancel_url=reverse("activities:opinion_detail", args=[pk]),
    )


ACTIVITY_TYPES = ActivityType.choices
