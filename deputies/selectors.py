"""Reads for the deputy pages: the filtered list, a deputy's status and performance file."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, CharField, Exists, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jdrenda.params import choice_param, int_param, text_param, year_param

from .models import Deputy, LiaisonAssignment, Suspension, Termination
from .scopes import deputies_editable_by, deputies_visible_to

STATUS_ACTIVE, STATUS_SUSPENDED, STATUS_TERMINATED = "active", "suspended", "terminated"
STATUS_CHOICES = [
    (STATUS_ACTIVE, _("在职")),
    (STATUS_SUSPENDED, _("暂停")),
    (STATUS_TERMINATED, _("已终止")),
]
STATUS_LABELS = dict(STATUS_CHOICES)
# As of today (DESIGN "Status as of a date"): a running year has no 未达标, its unfinished
# deputies are 进行中/预警 ("open").
COMPLIANCE_CHOICES = [("met", _("达标")), ("shortfall", _("未达标")), ("open", _("进行中/预警"))]

SORTS = {
    "code": "code",
    "name": "name_initials",
    "delegation": "delegation__order",
    "group": "group",  # the groups' own order: delegation, then number (第二 before 第十)
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
        status = compliance_by_id(filters.year, qs)
        wanted = {"met": {"met"}, "shortfall": {"shortfall"},
                  "open": {"in_progress", "warning"}}[filters.compliance]  # fmt: skip
        qs = qs.filter(pk__in=[pk for pk, s in status.items() if s in wanted])
    return qs


def compliance_by_id(year: int, deputies, today: date | None = None) -> dict:
    """{deputy id: overall Status in `year` as of today} for the deputies in office that
    year (达标, 未达标, or 进行中/预警 while the year runs)."""
    from supervision.evaluation import compliance

    ids = list(deputies.values_list("pk", flat=True))
    if not ids:
        return {}
    as_of = today or compliance.as_of_today()
    rows = compliance.evaluate_year(year, deputy_ids=ids, as_of=as_of).rows
    return {row.deputy.pk: row.overall for row in rows}


@dataclass
class PerformanceFile:
    deputy: Deputy
    year: int
    years: list[int]
    evaluation: object | None  # DeputyEvaluation, or None when not in office that year
    records: object | None  # DeputyRecords
    rules: list = field(default_factory=list)  # [(RuleResult, [records], RuleProgress | None)]
    as_of: date | None = None

    @property
    def shows_satisfaction(self) -> bool:
        """Whether any proposal row carries an evaluation the viewer may see."""
        return any(p[7] is not None for p in (self.records.proposals if self.records else []))


def performance_file(
    deputy: Deputy, year: int, viewer=None, today: date | None = None
) -> PerformanceFile:
    """Each rule's achieved/required in `year` as of today, with the records behind it, as
    `viewer` may see them (a proposal's evaluation only where proposals.visibility allows)."""
    from supervision.evaluation import compliance
    from supervision.evaluation.progress import rule_progress
    from supervision.reports.feedback import collect_records

    years = deputy.term.years()
    as_of = today or compliance.as_of_today()
    rows = compliance.evaluate_year(
        year, term=deputy.term, deputy_ids=[deputy.pk], as_of=as_of
    ).rows
    row = rows[0] if rows else None
    records = collect_records(rows, viewer).get(deputy.pk) if row else None
    rules = []
    if row:
        by_rule = records.by_rule if records else {}
        # What is left on each unmet rule of a running year, and the activities that would count.
        progress = rule_progress(row, deputy, viewer)
        rules = [
            (result, by_rule.get(result.rule.code, []), progress.get(result.rule.code))
            for result in row.results
        ]
    return PerformanceFile(deputy, year, years, row, records, rules, as_of)


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
