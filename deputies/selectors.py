"""Reads for the deputy pages: the filtered list, a deputy's status and performance file."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, CharField, Exists, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Deputy, LiaisonAssignment, Suspension, Termination
from .scopes import deputies_editable_by, deputies_visible_to

STATUS_ACTIVE, STATUS_SUSPENDED, STATUS_TERMINATED = "active", "suspended", "terminated"
STATUS_CHOICES = [
    (STATUS_ACTIVE, _("在职")),
    (STATUS_SUSPENDED, _("暂停")),
    (STATUS_TERMINATED, _("已终止")),
]
STATUS_LABELS = dict(STATUS_CHOICES)
COMPLIANCE_CHOICES = [("met", _("达标")), ("shortfall", _("未达标"))]

SORTS = {
    "code": "code",
    "name": "name_initials",
    "delegation": "delegation__order",
    "group": "group__name",
    "status": "status",
}


def with_status(queryset, today: date | None = None):
    """Annotate `status`: 已终止 with a termination, 暂停 when suspended today, else 在职."""
    today = today or timezone.localdate()
    suspended = Suspension.objects.filter(deputy=OuterRef("pk"), start_date__lte=today).filter(
        Q(end_date__isnull=True) | Q(end_date__gte=today)
    )
    terminated = Termination.objects.filter(deputy=OuterRef("pk"))
    return queryset.annotate(
        status=Case(
            When(Exists(terminated), then=Value(STATUS_TERMINATED)),
            When(Exists(suspended), then=Value(STATUS_SUSPENDED)),
            default=Value(STATUS_ACTIVE),
            output_field=CharField(),
        )
    )


@dataclass
class DeputyFilters:
    q: str = ""
    term: int | None = None
    delegation: int | None = None
    group: int | None = None
    status: str = ""
    compliance: str = ""
    year: int = field(default_factory=lambda: timezone.localdate().year)

    @classmethod
    def from_request(cls, request) -> "DeputyFilters":
        get = request.GET

        def number(key):
            value = get.get(key, "")
            return int(value) if value.isdigit() else None

        year = number("year")
        return cls(
            q=get.get("q", "").strip(),
            term=number("term"),
            delegation=number("delegation"),
            group=number("group"),
            status=get.get("status", "") if get.get("status") in STATUS_LABELS else "",
            compliance=get.get("compliance", "")
            if get.get("compliance") in dict(COMPLIANCE_CHOICES)
            else "",
            year=year if year and 2000 <= year <= 2100 else timezone.localdate().year,
        )


def deputy_list(user, filters: DeputyFilters):
    """The deputies the user may see, narrowed by the filters (a QuerySet, not yet ordered).

    达标/未达标 evaluates the filtered set once for the year: a fixed number of queries.
    """
    qs = with_status(deputies_visible_to(user)).select_related("term", "delegation", "group")
    if filters.q:
        q = filters.q
        qs = qs.filter(
            Q(name__icontains=q) | Q(code__icontains=q) | Q(name_initials__startswith=q.lower())
        )
    if filters.term:
        qs = qs.filter(term_id=filters.term)
    if filters.delegation:
        qs = qs.filter(delegation_id=filters.delegation)
    if filters.group:
        qs = qs.filter(group_id=filters.group)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.compliance:
        met = compliance_by_id(filters.year, qs)
        wanted = filters.compliance == "met"
        qs = qs.filter(pk__in=[pk for pk, ok in met.items() if ok == wanted])
    return qs


def compliance_by_id(year: int, deputies) -> dict[int, bool]:
    """{deputy id: meets every rule in `year`} for the deputies in office that year."""
    from supervision.compliance import evaluate_year

    ids = list(deputies.values_list("pk", flat=True))
    if not ids:
        return {}
    return {row.deputy.pk: row.meets_all for row in evaluate_year(year, deputy_ids=ids).rows}


@dataclass
class PerformanceFile:
    deputy: Deputy
    year: int
    years: list[int]
    evaluation: object | None  # DeputyEvaluation, or None when not in office that year
    records: object | None  # DeputyRecords
    rules: list = field(default_factory=list)  # [(RuleResult, [records])]

    @property
    def shows_satisfaction(self) -> bool:
        """Whether any proposal row carries an evaluation the viewer may see."""
        return any(p[7] is not None for p in (self.records.proposals if self.records else []))


def performance_file(deputy: Deputy, year: int, viewer=None) -> PerformanceFile:
    """Each rule's achieved/required in `year` with the records behind it, as `viewer` may
    see them (a proposal's evaluation only where proposals.visibility allows)."""
    from supervision.compliance import evaluate_year
    from supervision.feedback import collect_records

    years = deputy.term.years()
    rows = evaluate_year(year, term=deputy.term, deputy_ids=[deputy.pk]).rows
    row = rows[0] if rows else None
    records = collect_records(rows, viewer).get(deputy.pk) if row else None
    rules = []
    if row:
        by_rule = records.by_rule if records else {}
        rules = [(result, by_rule.get(result.rule.code, [])) for result in row.results]
    return PerformanceFile(deputy, year, years, row, records, rules)


def liaison_of(member: Deputy):
    return LiaisonAssignment.objects.filter(member=member).select_related(
        "deputy", "deputy__delegation"
    )


PICK_LIMIT = 20
PICK_QUERY_MAX = 50


def pick_deputies(user, q: str, scope: str = "visible", term: str = "", limit: int = PICK_LIMIT):
    """Deputies for a searchable picker: name, 代表编号 or 拼音首字母, within the user's scope.

    The same matching as the deputy list; one query, at most `limit` rows. The form that
    receives the choice validates it against its own scoped queryset again.
    """
    scoped = deputies_editable_by if scope == "editable" else deputies_visible_to
    qs = scoped(user).select_related("delegation").order_by("code", "pk")
    q = (q or "").replace("\x00", "").strip()[:PICK_QUERY_MAX]
    if q:
        qs = qs.filter(
            Q(name__icontains=q) | Q(code__icontains=q) | Q(name_initials__startswith=q.lower())
        )
    if term.isdigit() and len(term) < 10:
        qs = qs.filter(term_id=int(term))
    return list(qs[:limit])
