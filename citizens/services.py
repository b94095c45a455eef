"""Writes for 代表码: the deputy's page, a citizen's message and everything done with it.

Every function validates first and writes in one transaction; a refusal is a ValidationError
with a Chinese message the view shows. The 社情民意 record and the 12345 referral go through
activities.services (save_opinion, refer_opinion, update_opinion_status), so their checks
are the ones staff meet on the 社情民意 pages.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from activities import services as activity_services
from activities.forms import OpinionForm
from activities.models import PublicOpinion
from deputies.models import Deputy

from .models import CitizenMessage, DeputyPage

logger = logging.getLogger(__name__)

# The consent a citizen ticks (PIPL art. 14, 17): shown on the page, recorded by version.
CONSENT_VERSION = "2026-1"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud, typed on a phone
CODE_LENGTH = 12  # 32^12 = 2^60 codes
MAX_CONTENT = 1000
MIN_CONTENT = 5


# --- the deputy's page ---------------------------------------------------------------------


def page_for(deputy: Deputy) -> DeputyPage:
    """The deputy's page, made on first use with a random token (unique by the table)."""
    page = DeputyPage.objects.filter(deputy=deputy).first()
    if page:
        return page
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return DeputyPage.objects.get_or_create(
                    deputy=deputy, defaults={"token": secrets.token_urlsafe(12)}
                )[0]
        except IntegrityError:  # the same token drawn twice: draw again
            continue
    raise RuntimeError("could not draw a unique page token")


def accepts(page: DeputyPage, today: date | None = None) -> bool:
    """Messages are taken while the page is open and the deputy holds office (not after the
    term or service ended, not while suspended)."""
    today = today or timezone.localdate()
    return page.accepting and activity_services.is_in_office(page.deputy, today)


def public_path(page: DeputyPage) -> str:
    return reverse("citizens:page", args=[page.token])


def public_url(page: DeputyPage) -> str:
    """What the QR code carries: the deployment's public address and the page's path."""
    return settings.PUBLIC_BASE_URL + public_path(page)


# --- lookup codes --------------------------------------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a citizen typed, as stored: full-width to half-width, upper case, no spaces or
    dashes. Anything else is not a code."""
    text = unicodedata.normalize("NFKC", str(text or "")).upper()
    return "".join(ch for ch in text if ch not in " -\u3000\t")[:40]


def code_digest(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def message_for_code(code: str) -> CitizenMessage | None:
    code = normalise_code(code)
    if len(code) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in code):
        return None
    return (
        CitizenMessage.objects.select_related("opinion", "deputy")
        .filter(lookup_digest=code_digest(code))
        .first()
    )


# --- a citizen leaves a message ------------------------------------------------------------


def clean_text(value: str) -> str:
    """Text as kept: no NUL or other control characters (line breaks stay), trimmed."""
    return "".join(
        ch for ch in str(value or "") if ch in "\n\t" or unicodedata.category(ch)[0] != "C"
    ).strip()


@transaction.atomic
def submit_message(page: DeputyPage, *, category, content, name="", phone="", now=None):
    """Record the message; return it and its lookup code (shown once, on the receipt)."""
    if not accepts(page):
        raise ValidationError(_("该代表暂不接收网上留言，请到家站点当面反映。"))
    content = clean_text(content)
    if not MIN_CONTENT <= len(content) <= MAX_CONTENT:
        raise ValidationError(
            _("留言内容须为 %(a)s 至 %(b)s 个字。") % {"a": MIN_CONTENT, "b": MAX_CONTENT}
        )
    for _attempt in range(5):
        code = new_code()
        digest = code_digest(code)
        if not CitizenMessage.objects.filter(lookup_digest=digest).exists():
            break
    message = CitizenMessage.objects.create(
        deputy=page.deputy,
        category=category,
        content=content,
        name=clean_text(name)[:30],
        phone=clean_text(phone)[:20],
        consent_version=CONSENT_VERSION,
        received_at=now or timezone.now(),
        lookup_digest=digest,
    )
    return message, code


# --- the deputy and staff act on it --------------------------------------------------------


def _answered(message: CitizenMessage, when) -> None:
    if message.first_answer_at is None:
        message.first_answer_at = when


def _check_shown(message: CitizenMessage) -> None:
    if message.hidden_at:
        raise ValidationError(_("该留言已被屏蔽，不能再处理。"))


@transaction.atomic
def reply(message: CitizenMessage, user, text: str, now=None) -> CitizenMessage:
    _check_shown(message)
    text = clean_text(text)
    if not text:
        raise ValidationError(_("请填写答复内容。"))
    if len(text) > 2000:
        raise ValidationError(_("答复不能超过 2000 个字。"))
    now = now or timezone.now()
    message.reply, message.replied_at, message.replied_by = text, now, user
    _answered(message, now)
    message.save()
    return message


def _title(message: CitizenMessage) -> str:
    head = message.content.replace("\n", " ")
    return f"【{message.get_category_display()}】{head[:40]}"


@transaction.atomic
def make_opinion(message: CitizenMessage, user=None, day: date | None = None) -> PublicOpinion:
    """The message as a 社情民意 record of its deputy (once: a second call returns the same
    record), through the 社情民意 form and service, so the date check is theirs."""
    _check_shown(message)
    if message.opinion_id:
        return message.opinion
    day = day or timezone.localdate()
    form = OpinionForm(
        {
            "deputy": message.deputy_id,
            "date": day.isoformat(),
            "title": _title(message),
            "content": message.content,
        },
        deputies=Deputy.objects.filter(pk=message.deputy_id),
    )
    if not form.is_valid():
        raise ValidationError(_("不能登记为社情民意：%(e)s") % {"e": _form_errors(form)})
    opinion = activity_services.save_opinion(form)
    message.opinion = opinion
    message.save()
    return opinion


def _form_errors(form) -> str:
    return "；".join(str(e) for errors in form.errors.values() for e in errors)


@transaction.atomic
def refer(message: CitizenMessage, user, ticket: str, unit: str, now=None) -> CitizenMessage:
    """转办12345: the message becomes a 社情民意 record (if not yet) referred with the ticket."""
    _check_shown(message)
    unit = clean_text(unit)[:100]
    if not unit:
        raise ValidationError(_("请填写承办单位。"))
    opinion = make_opinion(message, user)
    activity_services.refer_opinion(opinion, ticket)
    now = now or timezone.now()
    message.opinion = opinion
    message.hotline_unit = unit
    if message.referred_at is None:
        message.referred_at = now
    _answered(message, now)
    message.save()
    return message


# 受理 → 办理 → 办结, as PublicOpinion's statuses name them.
HOTLINE_STEPS = [
    PublicOpinion.HotlineStatus.REFERRED,
    PublicOpinion.HotlineStatus.HANDLING,
    PublicOpinion.HotlineStatus.CLOSED,
]


@transaction.atomic
def update_hotline(message: CitizenMessage, status: str, outcome: str) -> CitizenMessage:
    _check_shown(message)
    if not message.opinion_id or not message.opinion.hotline_ticket:
        raise ValidationError(_("尚未转办12345，不能更新工单状态。"))
    activity_services.update_opinion_status(message.opinion, status, clean_text(outcome))
    return message


@transaction.atomic
def record_callback(message: CitizenMessage, result: str, satisfaction: str, now=None):
    """回访 after 办结: what the citizen said and how satisfied they are."""
    _check_shown(message)
    if message.hotline_status != PublicOpinion.HotlineStatus.CLOSED:
        raise ValidationError(_("工单办结后才能登记回访。"))
    result = clean_text(result)
    if not result:
        raise ValidationError(_("请填写回访情况。"))
    from .models import Satisfaction

    if satisfaction not in Satisfaction.values:
        raise ValidationError(_("请选择满意度。"))
    message.callback_result, message.satisfaction = result, satisfaction
    message.callback_at = now or timezone.now()
    message.save()
    return message


@transaction.atomic
def hide(message: CitizenMessage, user, reason: str, now=None) -> CitizenMessage:
    """屏蔽 as spam or abuse: kept (and recorded, with who and why), shown to nobody as work."""
    reason = clean_text(reason)[:200]
    if not reason:
        raise ValidationError(_("请填写屏蔽原因。"))
    if message.hidden_at:
        raise ValidationError(_("该留言已被屏蔽。"))
    message.hidden_at, message.hidden_by, message.hidden_reason = (
        now or timezone.now(),
        user,
        reason,
    )
    message._change_reason = _("屏蔽：%(r)s") % {"r": reason}
    message.save()
    return message


# --- retention -----------------------------------------------------------------------------


@dataclass
class ErasureResult:
    cutoff: date
    messages: int = 0
    history_rows: int = 0
    dry_run: bool = False

    @property
    def summary(self) -> str:
        verb = _("将删除") if self.dry_run else _("已删除")
        return _(
            "%(verb)s %(m)s 条群众留言（%(cutoff)s 之前收到）的称呼和联系电话，历史记录 %(h)s 条。"
        ) % {
            "verb": verb,
            "m": self.messages,
            "cutoff": self.cutoff.isoformat(),
            "h": self.history_rows,
        }


def erase_expired_contacts(today: date, dry_run: bool = False) -> ErasureResult:
    """Blank the name and phone of messages received more than CITIZEN_CONTACT_RETENTION_DAYS
    ago, here and in every history row; the content stays (it is the 社情民意 itself).
    Running it again changes nothing."""
    from simple_history.utils import bulk_update_with_history

    cutoff = today - timedelta(days=settings.CITIZEN_CONTACT_RETENTION_DAYS)
    start = timezone.make_aware(timezone.datetime(cutoff.year, cutoff.month, cutoff.day))
    pending = list(
        CitizenMessage.objects.filter(received_at__lt=start, contact_erased_on__isnull=True)
    )
    ids = [m.pk for m in pending]
    history = CitizenMessage.history.model.objects.filter(id__in=ids).filter(
        ~Q(name="") | ~Q(phone="")
    )
    result = ErasureResult(cutoff=cutoff, messages=len(pending), dry_run=dry_run)
    result.history_rows = history.count()
    if dry_run or not pending:
        return result
    for message in pending:
        message.name = message.phone = ""
        message.contact_erased_on = today
    with transaction.atomic():
        bulk_update_with_history(
            pending,
            CitizenMessage,
            ["name", "phone", "contact_erased_on"],
            batch_size=500,
            default_change_reason=_("保存期限届满，删除联系方式"),
        )
        CitizenMessage.history.model.objects.filter(id__in=ids).update(name="", phone="")
    logger.info("citizen contacts erased: %s", result.summary)
    return result


# --- reminders -----------------------------------------------------------------------------

KIND_UNANSWERED = "citizen-unanswered"


def remind_unanswered(today: date | None = None):
    """One message per deputy (with an account) who has messages unanswered for
    CITIZEN_UNANSWERED_DAYS days, in their inbox (and e-mail, if they chose it); keyed per
    day, so a second run the same day sends nothing. Returns notifications.SendResult."""
    from supervision.notifications.services import Message, send

    from .selectors import unanswered

    today = today or timezone.localdate()
    counts: dict[int, int] = {}
    users = {}
    for deputy_id, user_id in unanswered(CitizenMessage.objects.all(), today).values_list(
        "deputy_id", "deputy__user_id"
    ):
        counts[deputy_id] = counts.get(deputy_id, 0) + 1
        users[deputy_id] = user_id
    messages = [
        Message(
            recipient_id=users[deputy_id],
            subject=_("有 %(n)s 条群众留言超过 %(d)s 天未答复")
            % {"n": n, "d": settings.CITIZEN_UNANSWERED_DAYS},
            body=_("请在“群众留言”中答复、登记为社情民意或转办12345热线。"),
            url=reverse("citizens:inbox") + "?status=overdue",
        )
        for deputy_id, n in sorted(counts.items())
        if users[deputy_id]
    ]
    return send(KIND_UNANSWERED, today.isoformat(), messages)
