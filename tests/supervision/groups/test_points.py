"""履职积分: weights from the database, arithmetic, beside the rule status, list features."""

import re
from decimal import Decimal

import pytest
from django.core.management import call_command

from activities.models import ActivityType, Communication, Speech
from deputies.models import Constituent
from proposals.models import Proposal
from supervision.models import ConstituencyReport, PointWeight
from supervision.records import points
from tests.supervision.groups.conftest import YEAR, attend, day, queries, xlsx_rows

pytestmark = pytest.mark.django_db
URL = f"/supervision/points/?year={YEAR}"


@pytest.mark.parametrize("who", ["office", "leadership"])
def test_office_and_leadership_see_points(world, client_for, who):
    # Default weights: a speech is 2 points. 李四 2 speeches = 4, 王五 1 = 2, 张三 none = 0.
    Speech.objects.create(deputy=world["li"], date=day(3), topic="一")
    Speech.objects.create(deputy=world["li"], date=day(4), topic="二")
    Speech.objects.create(deputy=world["wang"], date=day(5), topic="三")
    response = client_for(world[who]).get(URL)
    assert response.status_code == 200
    rows = re.findall(
        r'<tr data-deputy="\d+"><td class="text-end">(\d+)</td><td>(\w+)</td>\s*<td><a [^>]*>(\w+)'
        r'</a>.*?data-score="[^"]*">([^<]*)</td>',
        response.content.decode(),
        re.S,
    )
    assert rows == [
        ("1", "A002", "李四", "4"),
        ("2", "B001", "王五", "2"),
        ("3", "A001", "张三", "0"),
    ]


@pytest.mark.parametrize("who", ["town_a", "leader_a", "deputy", "qualification"])
def test_other_roles_get_404(world, client_for, who):
    assert client_for(world[who]).get(URL).status_code == 404


def test_setup_point_weights_is_idempotent_and_keeps_edits(db):
    call_command("setup_point_weights", verbosity=0)
    assert PointWeight.objects.count() == len(points.KINDS)
    assert set(PointWeight.objects.values_list("kind", flat=True)) == set(points.KINDS_BY_CODE)
    PointWeight.objects.filter(kind="speech").update(points=Decimal("7.5"), label="发言")
    PointWeight.objects.filter(kind="proposal_lead").delete()
    call_command("setup_point_weights", verbosity=0)
    assert PointWeight.objects.count() == len(points.KINDS)
    speech = PointWeight.objects.get(kind="speech")
    assert (speech.points, speech.label) == (Decimal("7.5"), "发言")
    assert PointWeight.objects.get(kind="proposal_lead").points == Decimal("3")


def _records(world):
    li, zhang = world["li"], world["zhang"]
    Speech.objects.create(deputy=li, date=day(3), topic="一")
    Speech.objects.create(deputy=li, date=day(3, 2), topic="二")
    Speech.objects.create(deputy=li, date=day(3, year=YEAR - 1), topic="去年")  # other year
    attend(li, ActivityType.TRAINING, day(4))
    attend(li, ActivityType.RESEARCH, day(5), status="absent")  # only 出席 counts
    a, b = (Constituent.objects.create(deputy=li, name=n) for n in ("甲", "乙"))
    talk = Communication.objects.create(deputy=li, date=day(6), method="visit")
    talk.constituents.set([a, b])
    Proposal.objects.create(term=world["term"], number="J1", kind="suggestion", title="一",
                            submitted_date=day(1, 10), lead=zhang)  # fmt: skip
    Proposal.objects.create(term=world["term"], number="J2", kind="suggestion", title="二",
                            submitted_date=day(1, 10), lead=zhang, status="withdrawn")  # fmt: skip
    ConstituencyReport.objects.create(deputy=zhang, date=day(9), form="oral")


def test_score_is_weight_times_count_with_custom_weights(world, client_for):
    _records(world)
    points.setup_point_weights()
    PointWeight.objects.filter(kind="speech").update(points=Decimal("5"))
    PointWeight.objects.filter(kind="activity_training").update(points=Decimal("2.5"))
    PointWeight.objects.filter(kind="constituent_contact").update(points=Decimal("1"))
    PointWeight.objects.filter(kind="proposal_lead").update(points=Decimal("4"))
    PointWeight.objects.filter(kind="constituency_report").update(points=Decimal("0.5"))
    office = client_for(world["office"])
    page = office.get(URL).context["page"]
    scores = {r.deputy.name: (r.score, r.rank) for r in page}
    # 李四: 2 speeches × 5 + 1 training × 2.5 + 2 constituents × 1; 张三: 1 × 4 + 1 × 0.5.
    assert scores == {
        "李四": (Decimal("14.5"), 1),
        "张三": (Decimal("4.5"), 2),
        "王五": (Decimal("0"), 3),
    }
    li = next(r for r in page if r.deputy.name == "李四")
    assert li.counts == {"speech": 2, "activity_training": 1, "constituent_contact": 2}
    html = office.get(URL).content.decode()
    assert "履职学习培训 1 × 2.5 = 2.5" in html
    # Beside, never instead of, the rule-by-rule status.
    assert "是否达标" in html and "未达标项" in html
    assert li.evaluation.shortfall_names in html


def test_a_kind_without_a_weight_row_counts_at_its_default(world):
    _records(world)
    weights = {w.code: w.points for w in points.weights()}
    assert weights["speech"] == points.KINDS_BY_CODE["speech"].points == Decimal("2")


def test_equal_scores_share_a_rank_and_sorting(world, client_for):
    Speech.objects.create(deputy=world["li"], date=day(3), topic="一")
    Speech.objects.create(deputy=world["wang"], date=day(3), topic="一")
    office = client_for(world["office"])
    page = office.get(URL).context["page"]
    assert [(r.deputy.code, r.rank) for r in page] == [("A002", 1), ("B001", 1), ("A001", 3)]
    page = office.get(URL + "&sort=code").context["page"]
    assert [r.deputy.code for r in page] == ["A001", "A002", "B001"]
    page = office.get(URL + "&sort=-delegation").context["page"]
    assert [r.deputy.code for r in page] == ["B001", "A001", "A002"]
    page = office.get(URL + f"&delegation={world['del_a'].pk}").context["page"]
    assert [(r.deputy.code, r.rank) for r in page] == [("A002", 1), ("A001", 2)]
    page = office.get(URL + "&q=王").context["page"]
    assert [r.deputy.name for r in page] == ["王五"]


def test_xlsx_has_score_status_and_counts_per_kind(world, client_for):
    _records(world)
    sheet = xlsx_rows(client_for(world["office"]).get(URL + "&format=xlsx"))
    header = sheet[0]
    assert header[:7] == ("排名", "代表编号", "姓名", "代表团", "是否达标", "未达标项", "积分")
    assert len(header) == 7 + len(points.KINDS)
    li = next(r for r in sheet[1:] if r[2] == "李四")
    # Default weights: 2 speeches × 2 + 1 training × 1 + 2 constituents × 0.5 = 6.
    assert li[6] == 6
    assert li[4] == "否" and li[5]
    assert li[7 + header[7:].index("大会发言（2分）")] == 2


def test_points_cost_the_same_queries_at_two_sizes(world, client_for, make_deputy):
    office = client_for(world["office"])
    urls = [URL, URL + f"&delegation={world['del_a'].pk}", URL + "&format=xlsx"]

    def grow(start, n):
        for i in range(start, start + n):
            deputy = make_deputy(world["term"], f"E{i:03}", delegation=world["del_a"])
            Speech.objects.create(deputy=deputy, date=day(3), topic="一")
            attend(deputy, ActivityType.GROUP, day(4))

    grow(0, 2)
    small = [queries(office, url)[0] for url in urls]
    grow(2, 12)
    large = [queries(office, url)[0] for url in urls]
    assert small == large
    assert max(large) <= 35
