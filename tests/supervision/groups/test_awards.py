"""Award pre-screening (Art. 28): who sees it, candidate rules, ranking, awarded marks."""

import re

import pytest

from deputies.models import Deputy
from proposals.models import Cosignature, Proposal, ProposalEvaluation
from supervision.evaluation.compliance import DeputyEvaluation, DeputyRef, RuleResult, Status
from supervision.groups import selectors as leaders
from supervision.models import Award
from supervision.rules import RULES, Period
from tests.supervision.groups.conftest import YEAR, day, queries, xlsx_rows

pytestmark = pytest.mark.django_db
URL = f"/supervision/awards/candidates/?year={YEAR}"
PROPOSALS = URL + "&list=proposals"


def table_rows(html, attribute):
    """The visible cells of each <tr data-…> row, tags stripped."""
    rows = re.findall(rf'<tr {attribute}="\d+">(.*?)</tr>', html, re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[:4] for row in rows]
    return [tuple(re.sub(r"<[^>]+>", "", c).split()[0] for c in row) for row in cells]


@pytest.mark.parametrize("who", ["office", "leadership"])
def test_office_and_leadership_see_the_candidates(world, client_for, monkeypatch, who):
    # 李四 and 王五 meet every rule 1/1 (the same activity: rank 1 both, by code); 张三 has a
    # year shortfall and is no candidate.
    rows = [
        evaluation(world, world["li"]),
        evaluation(world, world["wang"]),
        evaluation(world, world["zhang"], ART13_TRAINING=(0, 1, Status.SHORTFALL)),
    ]
    monkeypatch.setattr(leaders, "evaluate_year", lambda year, **_: type("E", (), {"rows": rows})())
    proposal(world, "P1", "satisfied", "satisfied", "basic")
    proposal(world, "P2", "unsatisfied")  # not a candidate
    client = client_for(world[who])
    deputies_page = client.get(URL)
    assert deputies_page.status_code == 200
    html = deputies_page.content.decode()
    assert table_rows(html, "data-deputy") == [
        ("1", "A002", "李四", "安亭镇"),
        ("1", "B001", "王五", "南翔镇"),
    ]
    proposals_page = client.get(PROPOSALS)
    assert proposals_page.status_code == 200
    assert table_rows(proposals_page.content.decode(), "data-proposal") == [
        ("1", "P1", "建议P1", "李四"),
    ]
    # Office records awards from the list; leadership only reads it.
    assert ("记录表彰" in html) is (who == "office")


@pytest.mark.parametrize("who", ["town_a", "leader_a", "qualification", "deputy"])
def test_other_roles_get_404(world, client_for, who):
    assert client_for(world[who]).get(URL).status_code == 404


# --- 积极履职代表 -------------------------------------------------------------------------------


def evaluation(world, deputy, **overrides):
    """A DeputyEvaluation where every rule is met 1/1 unless overridden by code:
    code=(achieved, required, status) or code=None for 不适用."""
    results = []
    for rule in RULES:
        value = overrides.get(rule.code, (1, 1, Status.MET))
        if value is None:
            results.append(RuleResult(rule, 0, 0, False, Status.NOT_APPLICABLE))
        else:
            results.append(RuleResult(rule, value[0], value[1], True, value[2]))
    ref = DeputyRef(deputy.pk, deputy.code, deputy.name, deputy.delegation, deputy.group, False)
    return DeputyEvaluation(ref, world["term"], YEAR, 366, 1826, results)


def test_candidate_rules(world):
    li = world["li"]
    assert leaders.is_active_candidate(evaluation(world, li))
    # A term rule still in progress does not keep a deputy out …
    assert leaders.is_active_candidate(
        evaluation(world, li, ART18_PROPOSAL=(1, 2, Status.IN_PROGRESS))
    )
    # … a year rule not met does, and so does a year rule waived (不适用) …
    assert not leaders.is_active_candidate(
        evaluation(world, li, ART13_TRAINING=(0, 1, Status.SHORTFALL))
    )
    assert not leaders.is_active_candidate(evaluation(world, li, ART7_SESSION=None))
    # … except the SC-liaison rule, which never applies to a deputy outside the SC.
    assert leaders.is_active_candidate(evaluation(world, li, ART15_SC_LIAISON=None))
    year_rules = [r.code for r in RULES if r.period == Period.YEAR]
    assert "ART15_SC_LIAISON" in year_rules


def test_ranking_by_activity_then_records_then_code(world, monkeypatch, make_deputy):
    term = world["term"]
    extra = [make_deputy(term, f"C00{i}", f"候选{i}") for i in range(1, 5)]
    rows = [
        # 11 applicable rules (SC liaison is not): 10 × 1/1 + 2/1 = 12; records 12.
        evaluation(world, extra[0], ART13_TRAINING=(2, 1, Status.MET), ART15_SC_LIAISON=None),
        # The same activity (10 + 4/2 = 12) but more records (14): ahead of C001.
        evaluation(world, extra[1], ART14_GROUP_ACTIVITY=(4, 2, Status.MET), ART15_SC_LIAISON=None),
        # Exactly the same as C001: shares its rank, listed after it by code.
        evaluation(world, extra[2], ART13_TRAINING=(2, 1, Status.MET), ART15_SC_LIAISON=None),
        # Not a candidate: a year shortfall.
        evaluation(world, extra[3], ART16_RECEPTION=(0, 2, Status.SHORTFALL)),
        # Least active candidate.
        evaluation(world, world["li"], ART15_SC_LIAISON=None),
    ]
    monkeypatch.setattr(leaders, "evaluate_year", lambda year, **_: type("E", (), {"rows": rows})())
    Award.objects.create(year=YEAR, kind=Award.Kind.ACTIVE_DEPUTY, deputy=extra[2])
    ranked = leaders.active_deputy_candidates(YEAR)
    assert [(c.deputy.code, c.rank) for c in ranked] == [
        ("C002", 1),
        ("C001", 2),
        ("C003", 2),
        ("A002", 4),
    ]
    assert (ranked[0].activity, ranked[0].records) == (12, 14)
    assert (ranked[1].activity_display, ranked[1].records) == ("12.00", 12)
    assert [c.awarded for c in ranked] == [False, False, True, False]


def test_candidate_page_marks_awarded_and_links_the_prefilled_form(world, client_for, monkeypatch):
    rows = [evaluation(world, world["li"]), evaluation(world, world["wang"])]
    monkeypatch.setattr(leaders, "evaluate_year", lambda year, **_: type("E", (), {"rows": rows})())
    Award.objects.create(year=YEAR, kind=Award.Kind.ACTIVE_DEPUTY, deputy=world["wang"])
    office = client_for(world["office"])
    html = office.get(URL).content.decode()
    assert "完成数 ÷ 要求数" in html  # the basis is shown
    row_wang = re.search(rf'<tr data-deputy="{world["wang"].pk}">(.*?)</tr>', html, re.S)[1]
    assert "已表彰" in row_wang and "记录表彰" not in row_wang
    link = f"/supervision/awards/new/?year={YEAR}&kind=active_deputy&deputy={world['li'].pk}"
    assert link in html
    form = office.get(link).context["form"]
    assert form.initial == {"year": YEAR, "kind": "active_deputy", "deputy": world["li"].pk}
    # Leadership reads the list but records nothing.
    leadership = client_for(world["leadership"]).get(URL).content.decode()
    assert "/supervision/awards/new/" not in leadership
    sheet = xlsx_rows(office.get(URL + "&format=xlsx"))
    assert sheet[0][:3] == ("排名", "代表编号", "姓名")
    assert [(r[2], r[-1]) for r in sheet[1:]] == [("李四", "否"), ("王五", "是")]


# --- 优秀代表建议 -------------------------------------------------------------------------------


def proposal(world, number, overall, attitude="", result="", *, when=None, status="closed",
             cosigners=0):  # fmt: skip
    p = Proposal.objects.create(
        term=world["term"],
        number=number,
        kind="suggestion",
        title=f"建议{number}",
        submitted_date=when or day(1, 10),
        lead=world["li"],
        status=status,
    )
    if overall:
        ProposalEvaluation.objects.create(
            proposal=p, overall=overall, attitude=attitude, result=result
        )
    for deputy in Deputy.objects.exclude(pk=world["li"].pk)[:cosigners]:
        Cosignature.objects.create(proposal=p, deputy=deputy)
    return p


def test_proposals_ranked_by_evaluation(world, client_for):
    proposal(world, "P1", "satisfied", "basic", "satisfied")
    proposal(world, "P2", "satisfied", "satisfied", "basic")
    proposal(world, "P3", "basic", "satisfied", "satisfied")
    proposal(world, "P4", "unsatisfied", "satisfied", "satisfied")  # not a candidate
    proposal(world, "P5", "satisfied", "satisfied", "satisfied", status="withdrawn")
    proposal(world, "P6", "satisfied", "satisfied", "satisfied", when=day(5, year=YEAR - 1))
    proposal(world, "P7", "", "")  # not evaluated
    proposal(world, "P8", "satisfied", "satisfied", "basic", cosigners=2)  # P2 + support
    awarded = proposal(world, "P9", "basic", "", "")
    Award.objects.create(year=YEAR, kind=Award.Kind.EXCELLENT_PROPOSAL, proposal=awarded)
    office = client_for(world["office"])
    page = office.get(PROPOSALS).context["page"]
    assert [p.number for p in page] == ["P8", "P2", "P1", "P3", "P9"]
    assert [bool(p.awarded) for p in page] == [False, False, False, False, True]
    html = office.get(PROPOSALS).content.decode()
    assert f"kind=excellent_proposal&proposal={page[0].pk}" in html
    sheet = xlsx_rows(office.get(PROPOSALS + "&format=xlsx"))
    assert [(r[0], r[1], r[-1]) for r in sheet[1:]][-1] == (5, "P9", "是")


def test_candidate_pages_cost_the_same_queries_at_two_sizes(world, client_for, make_deputy):
    office = client_for(world["office"])

    def grow(start, n):
        for i in range(start, start + n):
            make_deputy(world["term"], f"D{i:03}")
            proposal(world, f"Q{i}", "satisfied", "basic", "basic", cosigners=1)

    grow(0, 2)
    small = [queries(office, url)[0] for url in (URL, PROPOSALS)]
    grow(2, 10)
    large = [queries(office, url)[0] for url in (URL, PROPOSALS)]
    assert small == large
    assert max(large) <= 30
