"""Briefing pages. Staff: the list, publishing, one briefing with its read receipts and the
read rate per delegation (and their xlsx). Deputies: 知情知政 (the briefings addressed to
them) and reading one, which records the receipt. Out of scope is 404."""

from functools import wraps
from io import BytesIO
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from openpyxl import Workbook

from activities.attachments.services import stored_file_response
from deputies.scopes import user_scope
from jdrenda.listing import XLSX, paginate
from jdrenda.params import choice_param, int_param
from jdrenda.percent import PERCENT_FORMAT, percent, share
from jdrenda.views import apply_errors
from jdrenda.xlsx import made_at, write_table
from supervision.export_log.services import log_export

from . import selectors, services
from .forms import BriefingForm
from .models import BriefingAttachment

STATUS_CHOICES = {"read": gettext_lazy("已读"), "unread": gettext_lazy("未读")}


def _staff(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not selectors.is_briefing_staff(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _deputy(view):
    @wraps(view)
    @login_required
    def wrapped(request, *args, **kwargs):
        if not user_scope(request.user).deputy_ids:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@_staff
@require_safe
def briefing_list(request):
    page = paginate(request, selectors.staff_list(request.user))
    for briefing in page:
        briefing.rate = percent(briefing.read, briefing.due)
    return render(
        request,
        "briefings/list.html",
        {"page": page, "may_publish": selectors.may_publish(request.user)},
    )


@login_required
def briefing_create(request):
    if not selectors.may_publish(request.user):
        raise Http404
    form = BriefingForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            briefing = services.publish(
                request.user,
                title=data["title"],
                body=data["body"],
                audience=data["audience"],
                organiser=data["organiser"],
                delegation=data["delegation"],
                group=data["group"],
                attachments=data["attachments"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("通报已发布，已通知通报对象。"))
            return redirect("briefings:detail", pk=briefing.pk)
    return render(request, "briefings/form.html", {"form": form})


def _staff_briefing(request, pk):
    return get_object_or_404(
        selectors.briefings_for_staff(request.user).select_related(
            "organiser", "delegation", "group", "published_by"
        ),
        pk=pk,
    )


@_staff
@require_safe
def briefing_detail(request, pk):
    briefing = _staff_briefing(request, pk)
    receipts = selectors.receipts_for_staff(request.user, briefing)
    rates, total = selectors.read_rates(receipts)
    shown = receipts
    status = choice_param(request, "status", STATUS_CHOICES)
    delegation = int_param(request, "delegation")
    if status:
        shown = shown.filter(read_at__isnull=status == "unread")
    if delegation:
        shown = shown.filter(deputy__delegation_id=delegation)
    return render(
        request,
        "briefings/detail.html",
        {
            "briefing": briefing,
            "attachments": briefing.attachments.all(),
            "rates": rates,
            "total": total,
            "page": paginate(request, selectors.readers(shown)),
            "status": status,
            "status_choices": STATUS_CHOICES,
        },
    )


@_staff
@require_safe
def briefing_export(request, pk):
    """The read rate per delegation and who has read it, as xlsx (A4, header repeated); the
    file names deputies, so it is written in the export log."""
    briefing = _staff_briefing(request, pk)
    receipts = selectors.receipts_for_staff(request.user, briefing)
    rates, total = selectors.read_rates(receipts)
    people = [
        [
            r.deputy.code,
            r.deputy.name,
            r.deputy.delegation.name,
            r.deputy.group.name if r.deputy.group_id else "",
            _("已读") if r.read_at else _("未读"),
            f"{r.read_at.astimezone():%Y-%m-%d %H:%M}" if r.read_at else "",
        ]
        for r in selectors.readers(receipts)
    ]
    title = _("通报阅读情况：%(t)s") % {"t": briefing.title}
    stamp = f"{title}　{briefing.publisher_name}　{made_at()}"
    wb = Workbook(write_only=True)
    write_table(
        wb.create_sheet(_("按代表团阅读率")),
        [_("代表团"), _("应读"), _("已读"), _("阅读率")],
        [[r.delegation, r.due, r.read, share(r.read, r.due)] for r in [*rates, total]],
        title=stamp,
        number_formats={3: PERCENT_FORMAT},
    )
    write_table(
        wb.create_sheet(_("阅读情况")),
        [_("代表编号"), _("姓名"), _("代表团"), _("代表小组"), _("阅读情况"), _("阅读时间")],
        people,
        title=f"{stamp}　共 {len(people)} 人",
        identity_columns=2,
    )
    buffer = BytesIO()
    wb.save(buffer)
    log_export(request, "briefings.export", title, len(people))
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    filename = f"通报阅读情况-{briefing.pk}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@_deputy
@require_safe
def my_briefings(request):
    """知情知政: the briefings addressed to me, newest first, unread marked."""
    page = paginate(request, selectors.receipts_of_deputy(request.user), per_page=20)
    return render(request, "briefings/mine.html", {"page": page})


@_deputy
@require_safe
def briefing_read(request, pk):
    """One briefing addressed to me; the first opening records the read receipt."""
    receipt = (
        selectors.receipts_of_deputy(request.user)
        .select_related("briefing__delegation", "briefing__group")
        .filter(briefing_id=pk)
        .first()
    )
    if receipt is None:
        raise Http404
    first_read = receipt.read_at is None
    services.record_read(receipt, request.user)
    return render(
        request,
        "briefings/read.html",
        {
            "receipt": receipt,
            "briefing": receipt.briefing,
            "attachments": receipt.briefing.attachments.all(),
            "first_read": first_read,
        },
    )


@login_required
@require_safe
def attachment_download(request, pk):
    attachment = get_object_or_404(BriefingAttachment, pk=pk)
    if not selectors.attachment_readable_by(request.user, attachment):
        raise Http404
    return stored_file_response(
        attachment.file, attachment.content_type, attachment.original_name, as_attachment=True
    )
