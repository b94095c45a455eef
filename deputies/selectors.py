"""Reads for the deputy pages: the filtered list, a deputy's status and performance file."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, CharField, Exists, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jdrenda.params import choice_param, int_param, text_param, year_param

from .models import Deputy, LiaisonAssignment, Suspension, Termination
from .scopes import deputies_visible_to

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
        return cls(
            q=text_param(request, "q"),
            term=int_param(request, "term"),
            delegation=int_param(request, "delegation"),
            group=int_param(request, "group"),
            status=choice_param(request, "status", STATUS_LABELS),
            compliance=choice_param(request, "compliance", dict(COMPLIANCE_CHOICES)),
            year=year_param(request, default=timezone.localdate().year),
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


def performance_file(deputy: Deputy, year: int) -> PerformanceFile:
    """Each rule's achieved/required in `year` with the records behind it."""
    from supervision.compliance import evaluate_year
    from supervision.feedback import collect_records

    years = deputy.term.years()
    rows = evaluate_year(year, term=deputy.term, deputy_ids=[deputy.pk]).rows
    row = rows[0] if rows else None
    records = collect_records(rows).get(deputy.pk) if row else None
    rules = []
    if row:
        by_rule = records.by_rule if records else {}
        rules = [(result, by_rule.get(result.rule.code, [])) for result in row.results]
    return PerformanceFile(deputy, year, years, row, records, rules)


def liaison_of(member: Deputy):
    return LiaisonAssignment.objects.filter(member=member).select_related(
        "deputy", "deputy__delegation"
    )
