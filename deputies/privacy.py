"""Personal information (个人信息保护法): who sees contact details in full, how they are masked
elsewhere, and how long constituents' contact details are kept.

The principle is "only who needs to phone them":

- A deputy's mobile number and full birth date: office staff (they keep the roster), the town
  staff of the deputy's own delegation (they organise the deputy's activities and keep the
  roster entry; the edit form shows both anyway), the leader of the deputy's group (they call
  the members to group activities, Art. 14) and the deputy themself. Everyone else sees
  138****1234 and the birth year only.
- A constituent's phone and address: the deputy (Art. 15: the deputy keeps in touch with them)
  and office staff (they check that the liaison really took place). Town staff enter and
  correct the list but do not phone the constituents: they see it masked and may type a new
  number (a blank field keeps the old one, see deputies.forms.ConstituentForm).

Free text (communications' content, self reports, opinions) is not masked: it is the record
itself, and is shown only to those who may see the record.

Django's admin shows full values: only office staff have admin accounts (is_staff).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Max, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils.translation import gettext as _

from .models import Constituent, Deputy, Role
from .scopes import user_scope

logger = logging.getLogger(__name__)

ERASED_PHONE_PREFIX = "已删除-"
# Where an address keeps its first part: up to the town or street, which says where without
# saying who (南翔镇德园路 12 号 → 南翔镇****).
_ADDRESS_UNITS = ("街道", "镇", "区", "市", "路", "村")


def mask_phone(phone: str) -> str:
    """138****1234: the first three and the last four digits stay. A shorter number (an
    eight-digit landline) keeps only the last four, or 595*1234 would leave one digit to
    guess: at least four characters are always hidden."""
    phone = (phone or "").strip()
    if len(phone) <= 7:
        return "*" * len(phone)
    head = 3 if len(phone) >= 11 else 0
    return phone[:head] + "*" * (len(phone) - head - 4) + phone[-4:]


def mask_address(address: str) -> str:
    """The town or street and four stars: 南翔镇德园路 12 号 → 南翔镇****."""
    address = (address or "").strip()
    if not address:
        return ""
    head = 2
    for unit in _ADDRESS_UNITS:
        at = address.find(unit)
        if 0 < at <= 10:
            head = at + len(unit)
            break
    head = min(head, max(len(address) - 2, 1))
    return address[:head] + "****"


def mask_birth_date(birth_date: date | None) -> str:
    """The year only (the full date identifies a person, as on an ID card)."""
    return _("%(y)s年") % {"y": birth_date.year} if birth_date else ""


def can_see_personal(user, deputy: Deputy) -> bool:
    """The deputy's own mobile and birth date in full (see the module's docstring)."""
    scope = user_scope(user)
    return (
        scope.has(Role.OFFICE_STAFF)
        or deputy.pk in scope.deputy_ids
        or deputy.delegation_id in scope.town_staff_delegation_ids
        or (scope.has(Role.GROUP_LEADER) and deputy.group_id in scope.group_ids)
    )


def can_see_constituent_contacts(user, deputy: Deputy | int) -> bool:
    """The phones and addresses on this deputy's liaison list in full."""
    scope = user_scope(user)
    deputy_id = deputy if isinstance(deputy, int) else deputy.pk
    return scope.has(Role.OFFICE_STAFF) or deputy_id in scope.deputy_ids


def deputy_contact(deputy: Deputy, full: bool) -> tuple[str, str]:
    """(mobile, birth date) as this viewer may see them."""
    birth = ""
    if deputy.birth_date:
        birth = deputy.birth_date.isoformat() if full else mask_birth_date(deputy.birth_date)
    return (deputy.mobile if full else mask_phone(deputy.mobile)), birth


def constituent_contact(constituent: Constituent, full: bool) -> tuple[str, str]:
    """(phone, address) as this viewer may see them; erased ones say so."""
    if constituent.contact_erased_on:
        return _("已删除"), _("已删除")
    if full:
        return constituent.phone, constituent.address
    return mask_phone(constituent.phone), mask_address(constituent.address)


def constituent_label(constituent: Constituent, full: bool) -> str:
    """张三（138****1234）, or the name alone when there is no phone (or it was erased)."""
    if not constituent.phone or constituent.contact_erased_on:
        return constituent.name
    phone = constituent.phone if full else mask_phone(constituent.phone)
    return f"{constituent.name}（{phone}）"


# --- retention of constituents' contact details ------------------------------------------------


@dataclass
class ErasureResult:
    cutoff: date
    deputies: int = 0
    constituents: int = 0
    history_rows: int = 0
    dry_run: bool = False
    deputy_ids: list[int] = field(default_factory=list)

    @property
    def summary(self) -> str:
        verb = _("将删除") if self.dry_run else _("已删除")
        return _(
            "%(verb)s %(d)s 名代表（任职结束于 %(cutoff)s 之前）的 %(c)s 名选民的电话和住址，"
            "历史记录 %(h)s 条。"
        ) % {
            "verb": verb,
            "d": self.deputies,
            "cutoff": self.cutoff.isoformat(),
            "c": self.constituents,
            "h": self.history_rows,
        }


def retention_cutoff(today: date) -> date:
    return today - timedelta(days=settings.CONSTITUENT_CONTACT_RETENTION_DAYS)


def expired_deputies(today: date):
    """Deputies whose service ended before the cutoff: the end of their last service period,
    or the end of their term when a period is still open (or there is none)."""
    cutoff = retention_cutoff(today)
    open_period = Q(service_periods__end_date__isnull=True)
    qs = Deputy.objects.annotate(last_end=Max("service_periods__end_date")).annotate(
        has_open=Max("service_periods__pk", filter=open_period)
    )
    ended_by_period = Q(has_open__isnull=True, last_end__lt=cutoff)
    ended_with_term = Q(term__end_date__lt=cutoff)
    return qs.filter(ended_by_period | ended_with_term)


def erase_expired_constituent_contacts(today: date, dry_run: bool = False) -> ErasureResult:
    """Blank the phone and address of the constituents of deputies whose service ended more
    than CONSTITUENT_CONTACT_RETENTION_DAYS ago, here and in every history row, and set
    contact_erased_on. Names stay (communications point to them; the counts do not change).

    Two constituents of one deputy with the same name would collide on the identity
    (deputy, name, phone) once both phones are blank: the second and later keep the phone
    "已删除-<id>", unique and never shown (pages say 已删除). Running it again changes
    nothing: erased constituents have contact_erased_on set."""
    from simple_history.utils import bulk_update_with_history

    cutoff = retention_cutoff(today)
    expired = expired_deputies(today).values("pk")
    pending = list(
        Constituent.objects.filter(deputy_id__in=expired, contact_erased_on__isnull=True).order_by(
            "deputy_id", "name", "pk"
        )
    )
    ids = [c.pk for c in pending]
    history = Constituent.history.model.objects.filter(id__in=ids).filter(
        ~Q(phone="") | ~Q(address="")
    )
    result = ErasureResult(cutoff=cutoff, dry_run=dry_run)
    result.deputy_ids = sorted({c.deputy_id for c in pending})
    result.deputies = len(result.deputy_ids)
    result.constituents = len(pending)
    result.history_rows = history.count()
    if dry_run or not pending:
        return result
    # (deputy, name) pairs whose blank phone another constituent already holds.
    taken = set(
        Constituent.objects.filter(deputy_id__in=result.deputy_ids, phone="")
        .exclude(pk__in=ids)
        .values_list("deputy_id", "name")
    )
    for constituent in pending:
        key = (constituent.deputy_id, constituent.name)
        constituent.phone = f"{ERASED_PHONE_PREFIX}{constituent.pk}" if key in taken else ""
        taken.add(key)
        constituent.address = ""
        constituent.contact_erased_on = today
    with transaction.atomic():
        # First a unique placeholder on every row, so that the final values can be written
        # in any order without two rows meeting on (deputy, name, phone) halfway.
        Constituent.objects.filter(pk__in=ids).update(
            phone=Concat(Value(ERASED_PHONE_PREFIX), Cast("pk", CharField()))
        )
        bulk_update_with_history(
            pending,
            Constituent,
            ["phone", "address", "contact_erased_on"],
            batch_size=500,
            default_change_reason=_("保存期限届满，删除联系方式"),
        )
        # The history keeps every earlier value: blank them too, or nothing is erased.
        Constituent.history.model.objects.filter(id__in=ids).update(phone="", address="")
    logger.info("constituent contacts erased: %s", result.summary)
    return result
