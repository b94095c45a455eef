"""Reads for briefings, each scoped to the user asking.

Staff: office staff and the leadership see every briefing and every receipt; a liaison the
briefings published in the name of their organiser (all their receipts); town staff the
briefings addressed to a deputy of their delegation, and only that delegation's receipts.
Deputies see the briefings addressed to them (they have a receipt), nothing else.
"""

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from deputies.models import Role
from deputies.scopes import user_scope
from jdrenda.percent import percent

from .models import Briefing, Receipt

# Staff roles that see every briefing and its receipts.
DISTRICT_READERS = (Role.OFFICE_STAFF, Role.LEADERSHIP)


def is_briefing_staff(user) -> bool:
    """May open the staff pages (the list of briefings, their read receipts)."""
    scope = user_scope(user)
    return bool(
        scope.has(*DISTRICT_READERS)
        or scope.liaison_organiser_ids
        or scope.town_staff_delegation_ids
    )


def may_publish(user) -> bool:
    scope = user_scope(user)
    return scope.has(Role.OFFICE_STAFF) or bool(scope.liaison_organiser_ids)


def _whole_briefing_q(scope) -> Q | None:
    """Briefings whose every receipt the scope sees; None = all briefings."""
    if scope.has(*DISTRICT_READERS):
        return None
    return Q(organiser_id__in=scope.liaison_organiser_ids)


def briefings_for_staff(user) -> QuerySet:
    scope = user_scope(user)
    whole = _whole_briefing_q(scope)
    if whole is None:
        return Briefing.objects.all()
    town = scope.town_staff_delegation_ids
    q = whole | Q(
        pk__in=Receipt.objects.filter(deputy__delegation_id__in=town).values("briefing_id")
    )
    return Briefing.objects.filter(q)


def receipts_for_staff(user, briefing: Briefing) -> QuerySet:
    """The receipts of one briefing the user may see (town staff: their delegation's)."""
    scope = user_scope(user)
    receipts = Receipt.objects.filter(briefing=briefing)
    whole = _whole_briefing_q(scope)
    if whole is None or briefing.organiser_id in scope.liaison_organiser_ids:
        return receipts
    return receipts.filter(deputy__delegation_id__in=scope.town_staff_delegation_ids)


def staff_list(user) -> QuerySet:
    """The briefings of the staff list, newest first, each with 应读/已读 counted over the
    receipts the user may see (one query per page, whatever the number of deputies)."""
    scope = user_scope(user)
    seen = Q()
    if _whole_briefing_q(scope) is not None:
        seen = Q(organiser_id__in=scope.liaison_organiser_ids) | Q(
            receipts__deputy__delegation_id__in=scope.town_staff_delegation_ids
        )
    return (
        briefings_for_staff(user)
        .select_related("organiser", "delegation", "group")
        .annotate(
            due=Count("receipts", filter=seen),
            read=Count("receipts", filter=seen & Q(receipts__read_at__isnull=False)),
        )
        .order_by("-published_at", "-pk")
    )


@dataclass(frozen=True)
class RateRow:
    delegation: str
    due: int  # 应读
    read: int  # 已读

    @property
    def rate(self) -> float | None:
        """阅读率 (jdrenda.percent: rounded half up to one decimal)."""
        return percent(self.read, self.due)


def read_rates(receipts: QuerySet) -> tuple[list[RateRow], RateRow]:
    """Per delegation (in the delegations' order) and in total: 应读, 已读. One query."""
    rows = [
        RateRow(r["deputy__delegation__name"], r["due"], r["read"])
        for r in receipts.order_by()
        .values("deputy__delegation_id", "deputy__delegation__name", "deputy__delegation__order")
        .annotate(due=Count("pk"), read=Count("pk", filter=Q(read_at__isnull=False)))
        .order_by("deputy__delegation__order", "deputy__delegation__name")
    ]
    total = RateRow("合计", sum(r.due for r in rows), sum(r.read for r in rows))
    return rows, total


def readers(receipts: QuerySet) -> QuerySet:
    """Who has read it and who not: by delegation, group, code."""
    return receipts.select_related("deputy__delegation", "deputy__group").order_by(
        "deputy__delegation__order", "deputy__delegation__name", "deputy__code"
    )


# --- deputies ---------------------------------------------------------------------------------


def receipts_of_deputy(user) -> QuerySet:
    """知情知政: the briefings addressed to the user's deputy records, newest first."""
    return (
        Receipt.objects.filter(deputy_id__in=user_scope(user).deputy_ids)
        .select_related("briefing__organiser")
        .order_by("-briefing__published_at", "-briefing_id")
    )


def unread_count(user) -> int:
    return receipts_of_deputy(user).filter(read_at__isnull=True).count()


def attachment_readable_by(user, attachment) -> bool:
    """The deputies addressed and the staff who see the briefing."""
    scope = user_scope(user)
    briefing_id = attachment.briefing_id
    if Receipt.objects.filter(briefing_id=briefing_id, deputy_id__in=scope.deputy_ids).exists():
        return True
    return is_briefing_staff(user) and briefings_for_staff(user).filter(pk=briefing_id).exists()
