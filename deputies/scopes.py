"""Who may see or change what: the one place that answers it, as QuerySet filters.

Every list and every object view goes through these functions; an object outside the
user's scope is looked up in a scoped QuerySet and so is a 404, never a 403.
"""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from .models import Deputy, Role

# Roles that see every deputy of the district.
DISTRICT_WIDE = {Role.OFFICE_STAFF, Role.LEADERSHIP, Role.QUALIFICATION, Role.SECRETARY_GENERAL}
# Roles that may change records of the deputies in their scope.
RECORDERS = {Role.OFFICE_STAFF, Role.TOWN_STAFF, Role.COMMITTEE_STAFF}


@dataclass(frozen=True)
class UserScope:
    roles: frozenset = frozenset()
    delegation_ids: frozenset = frozenset()  # town staff and delegation heads
    group_ids: frozenset = frozenset()  # group leaders
    organiser_ids: frozenset = frozenset()  # committee staff
    # 一府一委两院 liaison staff: their organisers, for briefings only (not activities).
    liaison_organiser_ids: frozenset = frozenset()
    deputy_ids: frozenset = frozenset()  # the user's own deputy records (one per term)
    town_staff_delegation_ids: frozenset = field(default=frozenset())

    def has(self, *roles) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def district_wide(self) -> bool:
        return bool(self.roles & DISTRICT_WIDE)


def user_scope(user) -> UserScope:
    """The roles and scope of a user, computed once per request (cached on the user)."""
    if not getattr(user, "is_authenticated", False):
        return UserScope()
    cached = getattr(user, "_jdrenda_scope", None)
    if cached is not None:
        return cached
    roles, delegations, groups, organisers, town = set(), set(), set(), set(), set()
    liaison = set()
    for role, delegation_id, group_id, organiser_id in user.role_assignments.values_list(
        "role", "delegation_id", "group_id", "organiser_id"
    ):
        roles.add(role)
        if delegation_id:
            delegations.add(delegation_id)
            if role == Role.TOWN_STAFF:
                town.add(delegation_id)
        if group_id:
            groups.add(group_id)
        if organiser_id:
            (liaison if role == Role.LIAISON else organisers).add(organiser_id)
    led = set(
        Deputy.objects.filter(led_groups__isnull=False, user=user).values_list(
            "led_groups", flat=True
        )
    )
    if led:
        roles.add(Role.GROUP_LEADER)
        groups |= led
    own = set(Deputy.objects.filter(user=user).values_list("pk", flat=True))
    if own:
        roles.add(Role.DEPUTY)
    if user.is_superuser:
        roles.add(Role.OFFICE_STAFF)
    scope = UserScope(
        roles=frozenset(roles),
        delegation_ids=frozenset(delegations),
        group_ids=frozenset(groups),
        organiser_ids=frozenset(organisers),
        liaison_organiser_ids=frozenset(liaison),
        deputy_ids=frozenset(own),
        town_staff_delegation_ids=frozenset(town),
    )
    user._jdrenda_scope = scope
    return scope


def _deputy_filter(scope: UserScope) -> Q | None:
    """A Q over Deputy for this scope; None means every deputy."""
    if scope.district_wide:
        return None
    q = Q(pk__in=[])
    if scope.organiser_ids:
        # Committee staff: the deputies taking part in the activities they organise (they
        # invite from the whole district: deputies_invitable_by), not every deputy's file.
        from activities.models import Participation

        taking_part = Participation.objects.filter(activity__organiser_id__in=scope.organiser_ids)
        q |= Q(pk__in=taking_part.values("deputy_id"))
    if scope.delegation_ids:
        q |= Q(delegation_id__in=scope.delegation_ids)
    if scope.group_ids:
        q |= Q(group_id__in=scope.group_ids)
    if scope.deputy_ids:
        q |= Q(pk__in=scope.deputy_ids)
    return q


def deputies_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """The deputies whose files this user may see."""
    queryset = Deputy.objects.all() if queryset is None else queryset
    q = _deputy_filter(user_scope(user))
    return queryset if q is None else queryset.filter(q)


def deputies_invitable_by(user, queryset: QuerySet | None = None) -> QuerySet:
    """The deputies the user may add to an activity: office and committee staff any deputy
    of the district; others those they may see."""
    queryset = Deputy.objects.all() if queryset is None else queryset
    if user_scope(user).has(Role.OFFICE_STAFF, Role.COMMITTEE_STAFF):
        return queryset
    return deputies_visible_to(user, queryset)


def deputies_editable_by(user, queryset: QuerySet | None = None) -> QuerySet:
    """The deputies whose records this user may record or change."""
    queryset = Deputy.objects.all() if queryset is None else queryset
    scope = user_scope(user)
    if scope.has(Role.OFFICE_STAFF):
        return queryset
    if scope.town_staff_delegation_ids:
        return queryset.filter(delegation_id__in=scope.town_staff_delegation_ids)
    return queryset.none()


def groups_editable_by(user, queryset: QuerySet | None = None) -> QuerySet:
    """Deputy groups the user may attribute records to (an activity's 代表小组): office staff
    any; town staff those of their town; nobody else."""
    from .models import DeputyGroup

    queryset = DeputyGroup.objects.all() if queryset is None else queryset
    scope = user_scope(user)
    if scope.has(Role.OFFICE_STAFF):
        return queryset
    return queryset.filter(delegation_id__in=scope.town_staff_delegation_ids)


def records_visible_to(user, queryset: QuerySet, deputy_path: str = "deputy") -> QuerySet:
    """Records (attendance, speeches, communications, …) of deputies this user may see."""
    scope = user_scope(user)
    if _deputy_filter(scope) is None:
        return queryset
    return queryset.filter(**{f"{deputy_path}__in": deputies_visible_to(user)})


def records_editable_by(user, queryset: QuerySet, deputy_path: str = "deputy") -> QuerySet:
    scope = user_scope(user)
    if scope.has(Role.OFFICE_STAFF):
        return queryset
    return queryset.filter(**{f"{deputy_path}__in": deputies_editable_by(user)})


def activities_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """Activities: district-wide roles see all; committee staff those they organise; others
    those with a participant they may see."""
    from activities.models import Activity

    queryset = Activity.objects.all() if queryset is None else queryset
    scope = user_scope(user)
    if scope.district_wide:
        return queryset
    q = Q(pk__in=[])
    if scope.organiser_ids:
        q |= Q(organiser_id__in=scope.organiser_ids)
    if scope.delegation_ids:
        q |= Q(organiser__delegation_id__in=scope.delegation_ids)
    if scope.roles - {Role.COMMITTEE_STAFF}:
        q |= Q(participations__deputy__in=deputies_visible_to(user))
    return queryset.filter(pk__in=queryset.filter(q).values("pk"))


def activities_editable_by(user, queryset: QuerySet | None = None) -> QuerySet:
    from activities.models import Activity

    queryset = Activity.objects.all() if queryset is None else queryset
    scope = user_scope(user)
    if scope.has(Role.OFFICE_STAFF):
        return queryset
    q = Q(pk__in=[])
    if scope.organiser_ids:
        q |= Q(organiser_id__in=scope.organiser_ids)
    if scope.town_staff_delegation_ids:
        q |= Q(organiser__delegation_id__in=scope.town_staff_delegation_ids)
    return queryset.filter(q)


def proposals_visible_to(user, queryset: QuerySet | None = None) -> QuerySet:
    """Proposals led or co-signed by a deputy the user may see."""
    from proposals.models import Proposal

    queryset = Proposal.objects.all() if queryset is None else queryset
    scope = user_scope(user)
    if _deputy_filter(scope) is None:
        return queryset
    visible = deputies_visible_to(user)
    return queryset.filter(
        pk__in=Proposal.objects.filter(Q(lead__in=visible) | Q(cosigners__in=visible)).values("pk")
    )


def can_record(user) -> bool:
    return bool(user_scope(user).roles & RECORDERS)


def can_export_evaluation(user) -> bool:
    return user_scope(user).has(Role.OFFICE_STAFF, Role.LEADERSHIP)


def can_import_ledger(user) -> bool:
    return user_scope(user).has(Role.OFFICE_STAFF, Role.TOWN_STAFF)
