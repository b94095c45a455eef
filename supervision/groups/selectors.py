"""Selectors for the group leaders' page and the award pre-screening (Art. 28).

Group leaders' page: a group's members side by side, one evaluate_year call for the group.
Award candidates: 积极履职代表 among the deputies who meet every rule, ranked by activity, and
the proposals with the best handling evaluations. Both read only; the office records an award
through the existing award form.
"""

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from django.db.models import Case, Count, IntegerField, Q, Value, When
from django.urls import NoReverseMatch, reverse

from deputies.models import Deputy, DeputyGroup, Role, RoleAssignment
from deputies.scopes import user_scope
from proposals.models import Proposal, Satisfaction
from supervision.evaluation import compliance
from supervision.evaluation.compliance import DeputyEvaluation, RuleResult, Status, evaluate_year
from supervision.models import Award, GroupAnnualReport, SelfReport
from supervision.records import services as records
from supervision.rules import Counts, Period, Rule

# --- who sees which group ---------------------------------------------------------------------

GROUP_PAGE_ROLES = {
    Role.OFFICE_STAFF,
    Role.LEADERSHIP,
    Role.GROUP_LEADER,
    Role.TOWN_STAFF,
    Role.DELEGATION_HEAD,
}


def can_use_group_pages(user) -> bool:
    return bool(user_scope(user).roles & GROUP_PAGE_ROLES)


def groups_for_leaders_page(user):
    """The groups whose leaders' page this user may open: its leader (DeputyGroup.leader or
    a GROUP_LEADER assignment), town staff and the delegation head of its delegation, the
    office and leadership (every group). One query, with subqueries for the assignments."""
    scope = user_scope(user)
    groups = DeputyGroup.objects.select_related("term", "delegation", "leader")
    if scope.has(Role.OFFICE_STAFF, Role.LEADERSHIP):
        return groups
    if not scope.roles & GROUP_PAGE_ROLES:
        return groups.none()
    mine = RoleAssignment.objects.filter(user=user)
    q = Q(leader__user=user)
    q |= Q(pk__in=mine.filter(role=Role.GROUP_LEADER, group__isnull=False).values("group_id"))
    q |= Q(delegation_id__in=scope.town_staff_delegation_ids)
    q |= Q(
        delegation_id__in=mine.filter(role=Role.DELEGATION_HEAD, delegation__isnull=False).values(
            "delegation_id"
        )
    )
    return groups.filter(q)


def reviews_url(group_pk: int) -> str:
    """The members' pending self-reports (the review page the "deputy-file" work builds)."""
    base = "/supervision/reviews/"
    for name in ("supervision:reviews", "supervision:review_list"):
        try:
            base = reverse(name)
            break
        except NoReverseMatch:
            continue
    return f"{base}?group={group_pk}"


# --- the groups list --------------------------------------------------------------------------


@dataclass
class GroupSummary:
    group: DeputyGroup
    members: int
    pending: int
    met: int  # members in office in the year who meet every rule (as of today)
    evaluated: int  # members in office in the year
    report: GroupAnnualReport | None
    report_status: str


def group_summaries(groups, year: int, today: date | None = None) -> list[GroupSummary]:
    """One row per group of `groups` (a list: the page being shown), as of today. Fixed
    query count."""
    pks = [g.pk for g in groups]
    counts = {
        row["pk"]: row
        for row in DeputyGroup.objects.filter(pk__in=pks)
        .annotate(
            n_members=Count("members", distinct=True),
            n_pending=Count(
                "members__self_reports",
                filter=Q(members__self_reports__status=SelfReport.Status.PENDING),
                distinct=True,
            ),
        )
        .values("pk", "n_members", "n_pending")
    }
    evaluation = evaluate_year(
        year,
        deputy_ids=Deputy.objects.filter(group_id__in=pks).values("pk"),
        as_of=today or compliance.as_of_today(),
    )
    met, evaluated = {}, {}
    for row in evaluation.rows:
        gid = row.deputy.group_id
        evaluated[gid] = evaluated.get(gid, 0) + 1
        met[gid] = met.get(gid, 0) + (1 if row.overall == Status.MET else 0)
    reports = {r.group_id: r for r in GroupAnnualReport.objects.filter(group_id__in=pks, year=year)}
    result = []
    for group in groups:
        report = reports.get(group.pk)
        result.append(
            GroupSummary(
                group=group,
                members=counts[group.pk]["n_members"],
                pending=counts[group.pk]["n_pending"],
                met=met.get(group.pk, 0),
                evaluated=evaluated.get(group.pk, 0),
                report=report,
                report_status=records.group_report_status(
                    report.submitted_date if report else None, year
                ),
            )
        )
    return result


# --- one group's table ------------------------------------------------------------------------


@dataclass
class RuleRow:
    rule: Rule
    cells: list[RuleResult]  # one per member, in the members' order
    met: int
    applicable: int


@dataclass
class GroupTable:
    group: DeputyGroup
    year: int
    members: list[DeputyEvaluation]
    rows: list[RuleRow]
    report: GroupAnnualReport | None
    report_status: str
    pending: int
    as_of: date | None = None
    running: bool = False

    @property
    def all_met(self) -> int:
        return sum(1 for m in self.members if m.overall == Status.MET)


def group_table(group: DeputyGroup, year: int, today: date | None = None) -> GroupTable:
    """The rules (rows) × members (columns) of a group for a year as of today: one
    evaluate_year call narrowed to the group's members, plus the group's report and pending
    self-reports."""
    members = Deputy.objects.filter(group=group).values("pk")
    as_of = today or compliance.as_of_today()
    evaluation = evaluate_year(year, term=group.term, deputy_ids=members, as_of=as_of)
    people = evaluation.rows
    rows = []
    for index, rule in enumerate(evaluation.rules):
        cells = [person.results[index] for person in people]
        applicable = [c for c in cells if c.applies]
        met = sum(1 for c in applicable if c.status == Status.MET)
        rows.append(RuleRow(rule, cells, met, len(applicable)))
    report = GroupAnnualReport.objects.filter(group=group, year=year).first()
    pending = SelfReport.objects.filter(
        deputy__group=group, status=SelfReport.Status.PENDING
    ).count()
    return GroupTable(
        group=group,
        year=year,
        members=people,
        rows=rows,
        report=report,
        report_status=records.group_report_status(report.submitted_date if report else None, year),
        pending=pending,
        as_of=as_of,
        running=evaluation.running,
    )


# --- award pre-screening (Art. 28) ------------------------------------------------------------

# The basis of the 积极履职代表 ranking, shown on the page as it is applied here.
ACTIVE_BASIS = (
    "候选条件：当年度没有未达标项，且本年度考核的各项（按年度考核的规则）均适用并已达标；"
    "按届考核的项目尚在进行中的不影响入选。"
    "排序依据：履职活跃度 = 各适用项目“完成数 ÷ 要求数”之和（超额完成计入，不设上限），"
    "相同时按各适用项目完成数合计，再按代表编号。"
)


@dataclass
class ActiveCandidate:
    evaluation: DeputyEvaluation
    activity: Fraction  # Σ achieved/required over applicable rules
    records: int  # Σ achieved over applicable rules
    in_progress: int  # term rules not yet met (进行中/预警)
    rank: int = 0
    awarded: bool = False

    @property
    def deputy(self):
        return self.evaluation.deputy

    @property
    def activity_display(self) -> str:
        return f"{float(self.activity):.2f}"


# The SC-liaison rule applies to standing-committee members only; its 不适用 is no waiver.
SC_ONLY_COUNTS = Counts.LIAISON_DEPUTIES


def is_active_candidate(row: DeputyEvaluation) -> bool:
    """No 未达标 item, and every year rule applies and is met (a deputy in office all along,
    with no year requirement waived); term rules may still be in progress."""
    year_results = [r for r in row.results if r.rule.period == Period.YEAR]
    if row.overall != Status.MET or not year_results:
        return False
    return all(
        r.status == Status.MET for r in year_results if r.applies or r.rule.counts != SC_ONLY_COUNTS
    )


def _activity(row: DeputyEvaluation) -> tuple[Fraction, int, int]:
    ratio, total, in_progress = Fraction(0), 0, 0
    for r in row.results:
        if not r.applies:
            continue
        total += r.achieved
        if r.required:
            ratio += Fraction(r.achieved, r.required)
        if r.status in (Status.IN_PROGRESS, Status.WARNING):
            in_progress += 1
    return ratio, total, in_progress


def active_deputy_candidates(year: int, today: date | None = None) -> list[ActiveCandidate]:
    """Every candidate for 积极履职代表 in `year` as of today, ranked (equal activity and
    records share a rank). One evaluate_year call for the district and one query for the
    awards made."""
    evaluation = evaluate_year(year, as_of=today or compliance.as_of_today())
    candidates = [
        ActiveCandidate(row, *_activity(row)) for row in evaluation.rows if is_active_candidate(row)
    ]
    candidates.sort(key=lambda c: (-c.activity, -c.records, c.deputy.code))
    awarded = set(
        Award.objects.filter(year=year, kind=Award.Kind.ACTIVE_DEPUTY).values_list(
            "deputy_id", flat=True
        )
    )
    previous, rank = None, 0
    for position, candidate in enumerate(candidates, start=1):
        key = (candidate.activity, candidate.records)
        if key != previous:
            rank, previous = position, key
        candidate.rank = rank
        candidate.awarded = candidate.deputy.pk in awarded
    return candidates


PROPOSAL_BASIS = (
    "候选条件：当年度提出（未撤回）、领衔代表已评价办理情况且满意度为“满意”或“基本满意”的议案建议。"
    "排序依据：满意度（满意优先），再按办理态度、办理结果（满意 > 基本满意 > 不满意 > 未评），"
    "再按附议代表人数（多者优先）、提出日期。"
)


def _satisfaction_rank(field: str) -> Case:
    return Case(
        When(**{field: Satisfaction.SATISFIED}, then=Value(3)),
        When(**{field: Satisfaction.BASICALLY}, then=Value(2)),
        When(**{field: Satisfaction.UNSATISFIED}, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def proposal_candidates(year: int):
    """Proposals of `year` with a satisfied or basically satisfied evaluation, best first
    (a QuerySet: the page paginates it; the rank is the position in this order)."""
    qs = (
        Proposal.objects.counting()
        .filter(
            submitted_date__range=(date(year, 1, 1), date(year, 12, 31)),
            evaluation__overall__in=[Satisfaction.SATISFIED, Satisfaction.BASICALLY],
        )
        .select_related("lead", "lead__delegation", "evaluation")
        .annotate(
            overall_rank=_satisfaction_rank("evaluation__overall"),
            attitude_rank=_satisfaction_rank("evaluation__attitude"),
            result_rank=_satisfaction_rank("evaluation__result"),
            n_cosigners=Count("cosignatures", distinct=True),
            awarded=Count(
                "awards",
                filter=Q(awards__year=year, awards__kind=Award.Kind.EXCELLENT_PROPOSAL),
                distinct=True,
            ),
        )
    )
    return qs.order_by(
        "-overall_rank", "-attitude_rank", "-result_rank", "-n_cosigners", "submitted_date", "pk"
    )
