"""Reads for 代表码: who sees which messages, what a citizen may see, and the figures.

Who sees a message: its deputy, the town staff of the deputy's delegation and office staff.
Who sees a citizen's name and phone in full: the deputy and office staff (as a constituent's,
deputies.privacy.can_see_constituent_contacts); town staff see them masked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Avg, Count, DurationField, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import ActivityType, PublicOpinion
from deputies import privacy
from deputies.models import Role
from deputies.scopes import user_scope

from .models import CitizenMessage

Hotline = PublicOpinion.HotlineStatus


def messages_visible_to(user, queryset=None):
    queryset = CitizenMessage.objects.all() if queryset is None else queryset
    scope = user_scope(user)
    if scope.has(Role.OFFICE_STAFF):
        return queryset
    return queryset.filter(
        Q(deputy_id__in=scope.deputy_ids)
        | Q(deputy__delegation_id__in=scope.town_staff_delegation_ids)
    )


def deputies_with_inbox(user):
    """The deputies whose messages (and posters) the user sees."""
    from deputies.models import Deputy

    scope = user_scope(user)
    if scope.has(Role.OFFICE_STAFF):
        return Deputy.objects.all()
    return Deputy.objects.filter(
        Q(pk__in=scope.deputy_ids) | Q(delegation_id__in=scope.town_staff_delegation_ids)
    )


def own_deputies(user):
    """The user's own deputy records (one per term), newest term first."""
    from deputies.models import Deputy

    return Deputy.objects.filter(pk__in=user_scope(user).deputy_ids).order_by("-term__start_date")


def may_use_inbox(user) -> bool:
    scope = user_scope(user)
    return bool(scope.deputy_ids or scope.town_staff_delegation_ids or scope.has(Role.OFFICE_STAFF))


def may_reply(user, message) -> bool:
    """The reply is the deputy's own voice."""
    return message.deputy_id in user_scope(user).deputy_ids


def _staff_for(user, message) -> bool:
    scope = user_scope(user)
    return (
        scope.has(Role.OFFICE_STAFF)
        or message.deputy.delegation_id in scope.town_staff_delegation_ids
    )


def may_handle(user, message) -> bool:
    """社情民意, 12345 referral, its status and the 回访: the deputy and their town's staff."""
    return may_reply(user, message) or _staff_for(user, message)


def may_hide(user, message) -> bool:
    """屏蔽 as spam: staff only (office, the deputy's town)."""
    return _staff_for(user, message)


def full_contact(user, message) -> bool:
    return privacy.can_see_constituent_contacts(user, message.deputy_id)


def shown_contact(message, full: bool) -> tuple[str, str]:
    """(name, phone) as this viewer may see them; erased ones say so."""
    if message.contact_erased_on:
        return _("已删除"), _("已删除")
    if full:
        return message.name, message.phone
    name = message.name[:1] + "*" * max(len(message.name) - 1, 0) if message.name else ""
    return name, privacy.mask_phone(message.phone)


def overdue_before(today: date) -> datetime:
    start = today - timedelta(days=settings.CITIZEN_UNANSWERED_DAYS)
    return timezone.make_aware(datetime(start.year, start.month, start.day))


def unanswered(queryset, today: date):
    return queryset.unanswered_since(overdue_before(today))


# --- what the citizen sees ---------------------------------------------------------------


@dataclass(frozen=True)
class CitizenView:
    status: str
    received_at: datetime
    deputy_name: str
    reply: str
    replied_at: datetime | None
    hotline: str
    outcome: str


def citizen_view(message: CitizenMessage) -> CitizenView:
    """The message's status and answers, and nothing else (no name, phone or content)."""
    hotline = message.opinion.hotline_status if message.opinion_id else ""
    if message.hidden_at:
        status = _("未予受理")
    elif hotline == Hotline.CLOSED:
        status = _("已办结")
    elif hotline in (Hotline.HANDLING, Hotline.REPLIED):
        status = _("12345热线办理中")
    elif hotline == Hotline.REFERRED:
        status = _("已转12345热线受理")
    elif message.replied_at:
        status = _("代表已答复")
    elif message.opinion_id:
        status = _("已登记为社情民意")
    else:
        status = _("已收到，待代表处理")
    hidden = bool(message.hidden_at)
    return CitizenView(
        status=status,
        received_at=message.received_at,
        deputy_name=message.deputy.name,
        reply="" if hidden else message.reply,
        replied_at=None if hidden else message.replied_at,
        hotline="" if hidden or not hotline else message.opinion.get_hotline_status_display(),
        outcome="" if hidden or not hotline else message.opinion.hotline_outcome,
    )


# --- the public page ---------------------------------------------------------------------


def coming_receptions(deputy, today: date, limit: int = 5):
    """The deputy's 家站点接待 from today on: (date, place), soonest first."""
    from activities.models import Activity

    return list(
        Activity.objects.filter(
            type=ActivityType.RECEPTION, date__gte=today, participations__deputy=deputy
        )
        .order_by("date", "pk")
        .values_list("date", "place")[:limit]
    )


def reception_places(deputy, limit: int = 3) -> list[str]:
    """The 家站点 where the deputy receives: the places of their 家站点接待, most used first."""
    from activities.models import Activity

    rows = (
        Activity.objects.filter(type=ActivityType.RECEPTION, participations__deputy=deputy)
        .exclude(place="")
        .values("place")
        .annotate(n=Count("pk"))
        .order_by("-n", "place")[:limit]
    )
    return [row["place"] for row in rows]


def reception_places_for(user, limit: int = 200) -> list[str]:
    """The 家站点 (places of 家站点接待) of the deputies whose messages the user sees, for the
    place poster: one query."""
    from activities.models import Activity

    return list(
        Activity.objects.filter(
            type=ActivityType.RECEPTION,
            participations__deputy__in=deputies_with_inbox(user),
        )
        .exclude(place="")
        .values_list("place", flat=True)
        .distinct()
        .order_by("place")[:limit]
    )


def deputies_at_place(place: str, queryset):
    """Deputies (of `queryset`) with a 家站点接待 at `place`."""
    return queryset.filter(
        participations__activity__type=ActivityType.RECEPTION,
        participations__activity__place=place,
    ).distinct()


# --- figures -----------------------------------------------------------------------------


@dataclass
class Figures:
    received: int = 0
    answered: int = 0
    referred: int = 0
    closed: int = 0
    avg_days: float | None = None  # days to the first reply or referral


def figures(deputy_ids, year: int) -> Figures:
    """Messages received in `year` by these deputies (spam left out): how many were answered
    (a reply or a referral), referred to 12345, 办结, and the average days to the first
    answer. One query."""
    qs = CitizenMessage.objects.shown().filter(deputy_id__in=deputy_ids, received_at__year=year)
    row = qs.aggregate(
        received=Count("pk"),
        answered=Count("pk", filter=Q(first_answer_at__isnull=False)),
        referred=Count("pk", filter=Q(referred_at__isnull=False)),
        closed=Count("pk", filter=Q(opinion__hotline_status=Hotline.CLOSED)),
        wait=Avg(F("first_answer_at") - F("received_at"), output_field=DurationField()),
    )
    wait = row.pop("wait")
    days = None
    if wait is not None:
        seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait) / 1e6
        days = round(seconds / 86400, 1)
    return Figures(**row, avg_days=days)


def figures_by_delegation(year: int) -> list[dict]:
    """The dashboard's table: per delegation (in their order), messages received in `year`,
    answered, referred, 办结 (spam left out). One query; delegations with none are left out."""
    rows = (
        CitizenMessage.objects.shown()
        .filter(received_at__year=year)
        .values("deputy__delegation_id", "deputy__delegation__name", "deputy__delegation__order")
        .annotate(
            received=Count("pk"),
            answered=Count("pk", filter=Q(first_answer_at__isnull=False)),
            referred=Count("pk", filter=Q(referred_at__isnull=False)),
            closed=Count("pk", filter=Q(opinion__hotline_status=Hotline.CLOSED)),
        )
        .order_by("deputy__delegation__order", "deputy__delegation_id")
    )
    return [
        {
            "name": r["deputy__delegation__name"],
            "received": r["received"],
            "answered": r["answered"],
            "referred": r["referred"],
            "closed": r["closed"],
        }  # fmt: skip
        for r in rows
    ]
