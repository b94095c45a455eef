"""Writes for briefings: publish one to its audience (receipts, attachments, notifications,
all or nothing) and record a deputy's first reading."""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from activities.attachments.services import check_upload
from deputies.models import Deputy, Term
from deputies.permissions import may_publish_briefing
from supervision.notifications import services as notifications

from .models import Briefing, BriefingAttachment, Receipt

NOTIFICATION_KIND = "briefing"  # supervision.notifications.services.OUTCOME_KINDS
BODY_PREVIEW = 300  # characters of the text in the notification


def current_term(today=None) -> Term | None:
    today = today or timezone.localdate()
    return (
        Term.objects.filter(start_date__lte=today, end_date__gte=today)
        .order_by("-start_date")
        .first()
    )


def audience_deputies(term, audience, delegation=None, group=None, day=None):
    """The deputies a briefing reaches: those of the term in office and not suspended on the
    day (Art. 30), narrowed to the delegation, the group or the SC members."""
    qs = Deputy.objects.filter(term=term).active_on(day or timezone.localdate())
    if audience == Briefing.Audience.DELEGATION:
        qs = qs.filter(delegation=delegation)
    elif audience == Briefing.Audience.GROUP:
        qs = qs.filter(group=group)
    elif audience == Briefing.Audience.SC_MEMBERS:
        qs = qs.filter(is_sc_member=True)
    return qs


def check_pdf(upload) -> str:
    """A briefing's attachment is a PDF: its name ends in .pdf and its content is one (size and
    signature checked by activities.attachments.services.check_upload). Returns the content type."""
    name = PurePath(upload.name or "").name
    if PurePath(name).suffix.lower() != ".pdf":
        raise ValidationError(
            _("“%(name)s”的类型不支持：通报附件只能是 PDF 文件。") % {"name": name}
        )
    _kind, content_type = check_upload(upload)
    return content_type


def publish(
    user,
    *,
    title: str,
    body: str,
    audience: str,
    organiser=None,
    delegation=None,
    group=None,
    attachments=(),
    today=None,
) -> Briefing:
    """Publish a briefing: the briefing, one receipt per deputy addressed and the PDFs are
    saved together, and the deputies with an account are notified once it commits. Anything
    wrong (a role that may not publish in that name, an empty audience, a file that is not a
    PDF) raises a ValidationError in Chinese and saves nothing."""
    if not may_publish_briefing(user, organiser):
        raise ValidationError({"organiser": _("您只能以本单位的名义发布通报。")})
    today = today or timezone.localdate()
    term = group.term if group is not None else current_term(today)
    if term is None:
        raise ValidationError(_("今天不在任何届次内，不能发布通报。"))
    if audience != Briefing.Audience.DELEGATION:
        delegation = None
    if audience != Briefing.Audience.GROUP:
        group = None
    if audience == Briefing.Audience.DELEGATION and delegation is None:
        raise ValidationError({"delegation": _("请选择代表团。")})
    if audience == Briefing.Audience.GROUP and group is None:
        raise ValidationError({"group": _("请选择代表小组。")})
    errors = []
    for upload in attachments:
        try:
            check_pdf(upload)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError({"attachments": errors})
    deputies = list(
        audience_deputies(term, audience, delegation, group, today).values_list("pk", "user_id")
    )
    if not deputies:
        raise ValidationError(_("通报对象中没有在职的代表，未发布。"))
    stored = []
    try:
        with transaction.atomic():
            briefing = Briefing.objects.create(
                term=term,
                title=title,
                body=body,
                organiser=organiser,
                audience=audience,
                delegation=delegation,
                group=group,
                published_by=user,
            )
            bulk_create_with_history(
                [Receipt(briefing=briefing, deputy_id=pk) for pk, _user in deputies],
                Receipt,
                batch_size=500,
                default_user=user,
            )
            for upload in attachments:
                attachment = BriefingAttachment(
                    briefing=briefing,
                    original_name=PurePath(upload.name).name[:200],
                    content_type="application/pdf",
                    size=upload.size,
                )
                attachment.file.save(attachment.original_name, upload, save=False)
                stored.append(attachment.file)
                attachment.save()
            notifications.notify(
                published_outcome(briefing, user_id) for _pk, user_id in deputies if user_id
            )
    except Exception:
        for field in stored:
            field.storage.delete(field.name)
        raise
    return briefing


def published_outcome(briefing: Briefing, user_id: int) -> notifications.Outcome:
    text = briefing.body
    if len(text) > BODY_PREVIEW:
        text = text[:BODY_PREVIEW] + "……"
    return notifications.Outcome(
        user_id,
        NOTIFICATION_KIND,
        f"briefing{briefing.pk}",
        _("通报：%(t)s") % {"t": briefing.title},
        _("发布单位：%(o)s\n%(b)s") % {"o": briefing.publisher_name, "b": text},
        reverse("briefings:read", args=[briefing.pk]),
    )


def record_read(receipt: Receipt, user) -> Receipt:
    """The first opening sets read_at (kept in the receipt's history); later ones change
    nothing. The notification of the briefing is marked read with it."""
    with transaction.atomic():
        locked = Receipt.objects.select_for_update().get(pk=receipt.pk)
        if locked.read_at is None:
            locked.read_at = timezone.now()
            locked.save(update_fields=["read_at"])
            from supervision.models import Notification

            Notification.objects.filter(
                recipient=user,
                kind=NOTIFICATION_KIND,
                period=f"briefing{receipt.briefing_id}",
                read_at__isnull=True,
            ).update(read_at=locked.read_at)
    receipt.read_at = locked.read_at
    return receipt
