"""Writes of the open API: creating and revoking clients, and the gateway's sign-in."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities import services as activity_services
from activities.models import Activity, Participation
from deputies.models import Deputy, Role, RoleAssignment
from deputies.permissions import may_record_participation
from deputies.scopes import activities_editable_by, deputies_visible_to

from .models import ApiClient

TOKEN_PREFIX = "jdapi_"
# Roles a client may hold: the staff roles (a client is never a deputy nor a group leader,
# whose scope comes from a deputy's own file).
CLIENT_ROLES = (
    Role.OFFICE_STAFF,
    Role.LEADERSHIP,
    Role.TOWN_STAFF,
    Role.DELEGATION_HEAD,
    Role.COMMITTEE_STAFF,
    Role.SECRETARY_GENERAL,
    Role.QUALIFICATION,
)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


@transaction.atomic
def create_client(
    name: str, role: str, *, delegation=None, organiser=None, note: str = "", created_by=None
) -> tuple[ApiClient, str]:
    """A service account with one role assignment; returns the client and its token (the only
    time the token exists in clear)."""
    if role not in CLIENT_ROLES:
        raise ValidationError(_("接口客户端不能使用该角色。"))
    if role in (Role.TOWN_STAFF, Role.DELEGATION_HEAD) and delegation is None:
        raise ValidationError(_("该角色须选择代表团。"))
    if role == Role.COMMITTEE_STAFF and organiser is None:
        raise ValidationError(_("该角色须选择组织单位。"))
    if ApiClient.objects.filter(name=name).exists():
        raise ValidationError(_("已有同名的接口客户端。"))
    user = get_user_model()(username=f"api:{secrets.token_hex(6)}", first_name=name[:150])
    user.set_unusable_password()
    user.is_active = False  # never signs in to the pages (ModelBackend refuses inactive users)
    user.save()
    RoleAssignment.objects.create(
        user=user,
        role=role,
        delegation=delegation if role in (Role.TOWN_STAFF, Role.DELEGATION_HEAD) else None,
        organiser=organiser if role == Role.COMMITTEE_STAFF else None,
    )
    token = new_token()
    client = ApiClient.objects.create(
        name=name,
        user=user,
        token_hash=hash_token(token),
        token_prefix=token[: len(TOKEN_PREFIX) + 4],
        note=note,
        created_by=created_by,
    )
    return client, token


@transaction.atomic
def revoke_client(client: ApiClient) -> ApiClient:
    """The token stops working at once; the client and its log rows stay."""
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
    return client


def client_for_token(token: str) -> ApiClient | None:
    """The active client holding `token`, or None (unknown or revoked)."""
    if not token:
        return None
    client = (
        ApiClient.objects.select_related("user")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .first()
    )
    return client


# --- the gateway's sign-in ------------------------------------------------------------------


@dataclass
class SignInResult:
    participation: Participation
    created: bool  # False: this sign-in had already been recorded (a retry)


def signin_targets(user, activity_id: int, deputy_code: str) -> tuple[Activity, Deputy]:
    """The activity the client may record and its term's deputy with that code, in the
    client's scope; Activity.DoesNotExist / Deputy.DoesNotExist otherwise (a 404: an object
    outside the scope is not named)."""
    activity = (
        activities_editable_by(user, Activity.objects.select_related("organiser", "term"))
        .filter(pk=activity_id)
        .get()
    )
    deputy = deputies_visible_to(
        user, Deputy.objects.filter(term_id=activity.term_id, code=deputy_code)
    ).get()
    if not may_record_participation(user, activity.organiser, deputy):
        raise Deputy.DoesNotExist
    return activity, deputy


def recorded_sign_in(activity: Activity, deputy: Deputy) -> Participation | None:
    return Participation.objects.filter(
        activity=activity, deputy=deputy, signed_in_at__isnull=False
    ).first()


def api_sign_in(user, activity: Activity, deputy: Deputy, now=None) -> SignInResult:
    """Sign `deputy` in to `activity` for a gateway: idempotent (a retry of a recorded sign-in
    answers the same participation, created=False, and writes nothing), and otherwise the
    page's own checks (activities.services.check_sign_in) and write (record_sign_in)."""
    existing = recorded_sign_in(activity, deputy)
    if existing is not None:
        return SignInResult(existing, created=False)
    activity_services.check_sign_in(activity, deputy, now)
    try:
        with transaction.atomic():
            participation = activity_services.record_sign_in(activity, deputy, now)
    except IntegrityError:
        # Two retries at the same moment: the other one created the row.
        existing = Participation.objects.get(activity=activity, deputy=deputy)
        return SignInResult(existing, created=False)
    return SignInResult(participation, created=True)
