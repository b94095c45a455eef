"""履职积分: an optional per-deputy score, for offices that rank by points.

score = Σ weight(kind) × count(kind) over the deputy's records dated in the calendar year. The
kinds are declared here as data with default weights; the weights in use are PointWeight rows
(written by `manage.py setup_point_weights`, edited in the admin). A kind without a row counts
at its default weight, so the page is right before the command has run.

The score is shown beside the rule-by-rule status of supervision.evaluation.compliance, never
instead of it. Counting costs a fixed number of grouped queries (one per table), whatever
the number of deputies.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from activities.models import (
    ActivityType,
    Attendance,
    AttendanceStatus,
    Communication,
    LiaisonCommunication,
    Participation,
    PublicOpinion,
    Speech,
)
from proposals.models import Cosignature, Proposal
from supervision.evaluation.compliance import DeputyEvaluation
from supervision.models import ConstituencyReport, PointWeight


@dataclass(frozen=True)
class PointKind:
    code: str
    label: str
    points: Decimal  # the default weight
    description: str = ""


ACTIVITY_PREFIX = "activity_"
# Activities the rules ask more of (collective work) weigh a little more than the rest.
_ACTIVITY_POINTS = {
    ActivityType.RESEARCH: "2",
    ActivityType.INSPECTION: "2",
    ActivityType.LAW_ENFORCEMENT: "2",
}

KINDS: tuple[PointKind, ...] = (
    PointKind("session_present", _("出席大会会议"), Decimal("1"), _("名单内出席的大会会议（次）")),
    PointKind("speech", _("大会发言"), Decimal("2"), _("在代表团组会议上发言（次）")),
    *(
        PointKind(
            f"{ACTIVITY_PREFIX}{value}",
            label,
            Decimal(_ACTIVITY_POINTS.get(value, "1")),
            _("出席的履职活动（次）"),
        )
        for value, label in ActivityType.choices
    ),
    PointKind(
        "constituent_contact",
        _("联系选民"),
        Decimal("0.5"),
        _("联系选民的人次（一次联系多名选民按人数计）"),
    ),
    PointKind("liaison_contact", _("联系代表"), Decimal("1"), _("常委会组成人员联系代表（次）")),
    PointKind("public_opinion", _("社情民意"), Decimal("1"), _("收集的社情民意（件）")),
    PointKind("proposal_lead", _("领衔议案建议"), Decimal("3"), _("领衔提出，撤回的不计（件）")),
    PointKind("proposal_cosign", _("附议议案建议"), Decimal("1"), _("附议提出，撤回的不计（件）")),
    PointKind("constituency_report", _("向选民述职"), Decimal("3"), _("向原选区选民述职（次）")),
)

KINDS_BY_CODE = {kind.code: kind for kind in KINDS}


def setup_point_weights() -> int:
    """Create the missing PointWeight rows with their defaults; never touch an existing row
    (the office may have edited it). Returns how many were created."""
    existing = set(PointWeight.objects.values_list("kind", flat=True))
    missing = [
        PointWeight(kind=k.code, label=str(k.label), points=k.points, order=i)
        for i, k in enumerate(KINDS, start=1)
        if k.code not in existing
    ]
    PointWeight.objects.bulk_create(missing)
    return len(missing)


def number_text(value: Decimal) -> str:
    """2.50 → "2.5", 10.00 → "10" (never "1E+1")."""
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class Weight:
    code: str
    label: str
    points: Decimal

    @property
    def points_text(self) -> str:
        return number_text(self.points)


def weights() -> list[Weight]:
    """The weights in use, in the kinds' order: the PointWeight row's, else the default."""
    rows = {w.kind: w for w in PointWeight.objects.all()}
    result = []
    for kind in KINDS:
        row = rows.get(kind.code)
        if row is None:
            result.append(Weight(kind.code, str(kind.label), kind.points))
        else:
            result.append(Weight(kind.code, row.label or str(kind.label), row.points))
    return result


def count_records(year: int, deputy_ids=None) -> dict[int, dict[str, int]]:
    """{deputy id: {kind code: records in the year}}: one grouped query per table.

    `deputy_ids` (ids or a values("pk") QuerySet) narrows the counting; None counts all.
    """
    start, end = date(year, 1, 1), date(year, 12, 31)
    counts: dict[int, dict[str, int]] = defaultdict(dict)

    def mine(field="deputy_id"):
        return {} if deputy_ids is None else {f"{field}__in": deputy_ids}

    def put(code, rows):
        for deputy_id, n in rows:
            if n:
                counts[deputy_id][code] = n

    put(
        "session_present",
        Attendance.objects.filter(
            **mine(),
            status=AttendanceStatus.PRESENT,
            meeting__date__range=(start, end),
        )
        .values("deputy_id")
        .annotate(n=Count("pk"))
        .values_list("deputy_id", "n"),
    )
    put("speech", _per_deputy(Speech.objects, mine(), "date", start, end))
    by_type = (
        Participation.objects.filter(
            **mine(),
            status=AttendanceStatus.PRESENT,
            activity__date__range=(start, end),
        )
        .values("deputy_id", "activity__type")
        .annotate(n=Count("pk"))
        .values_list("deputy_id", "activity__type", "n")
    )
    for deputy_id, kind, n in by_type:
        counts[deputy_id][f"{ACTIVITY_PREFIX}{kind}"] = n
    put(
        "constituent_contact",
        Communication.objects.filter(**mine(), date__range=(start, end))
        .values("deputy_id")
        .annotate(n=Count("constituents"))
        .values_list("deputy_id", "n"),
    )
    put(
        "liaison_contact",
        LiaisonCommunication.objects.filter(**mine("member_id"), date__range=(start, end))
        .values("member_id")
        .annotate(n=Count("pk"))
        .values_list("member_id", "n"),
    )
    put("public_opinion", _per_deputy(PublicOpinion.objects, mine(), "date", start, end))
    counting = ~Q(status=Proposal.Status.WITHDRAWN)
    put(
        "proposal_lead",
        Proposal.objects.filter(counting, **mine("lead_id"), submitted_date__range=(start, end))
        .values("lead_id")
        .annotate(n=Count("pk"))
        .values_list("lead_id", "n"),
    )
    put(
        "proposal_cosign",
        Cosignature.objects.filter(
            **mine(),
            proposal__submitted_date__range=(start, end),
        )
        .exclude(proposal__status=Proposal.Status.WITHDRAWN)
        .values("deputy_id")
        .annotate(n=Count("pk"))
        .values_list("deputy_id", "n"),
    )
    put(
        "constituency_report",
        _per_deputy(ConstituencyReport.objects, mine(), "date", start, end),
    )
    return counts


def _per_deputy(manager, mine, date_field, start, end):
    return (
        manager.filter(**mine, **{f"{date_field}__range": (start, end)})
        .values("deputy_id")
        .annotate(n=Count("pk"))
        .values_list("deputy_id", "n")
    )


@dataclass
class PointRow:
    evaluation: DeputyEvaluation
    counts: dict[str, int]
    score: Decimal
    rank: int = 0
    parts: list[tuple[Weight, int, Decimal]] = field(default_factory=list)

    @property
    def deputy(self):
        return self.evaluation.deputy

    @property
    def score_text(self) -> str:
        return number_text(self.score)

    @property
    def breakdown(self) -> list[str]:
        """ "label n × points = subtotal" for each kind with records."""
        return [
            f"{w.label} {n} × {w.points_text} = {number_text(subtotal)}"
            for w, n, subtotal in self.parts
        ]


def score_rows(
    year: int,
    evaluations: list[DeputyEvaluation],
    deputy_ids=None,
    weight_list: list[Weight] | None = None,
) -> list[PointRow]:
    """One PointRow per evaluated deputy, ranked by score (equal scores share a rank).
    `deputy_ids` narrows the counting queries as in count_records (None: no narrowing)."""
    weight_list = weights() if weight_list is None else weight_list
    counts = count_records(year, deputy_ids) if evaluations else {}
    rows = []
    for evaluation in evaluations:
        own = counts.get(evaluation.deputy.pk, {})
        parts = [(w, own.get(w.code, 0), w.points * own.get(w.code, 0)) for w in weight_list]
        score = sum((p for _w, _n, p in parts), Decimal(0))
        rows.append(PointRow(evaluation, own, score, parts=[p for p in parts if p[1]]))
    rank_by_score(rows)
    return rows


def rank_by_score(rows: list[PointRow]) -> None:
    """Standard competition ranking (1, 1, 3): equal scores share the better rank."""
    ordered = sorted(rows, key=lambda r: -r.score)
    previous, rank = None, 0
    for position, row in enumerate(ordered, start=1):
        if row.score != previous:
            rank, previous = position, row.score
        row.rank = rank
