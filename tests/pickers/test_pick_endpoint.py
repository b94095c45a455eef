"""The JSON endpoint behind the searchable deputy pickers: scoped to the user, matching name,
代表编号 or 拼音首字母, at most 20 rows in a fixed number of queries, and never a 500."""

from datetime import date

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = "/deputies/pick/"


@pytest.fixture
def world(term, make_delegation, make_deputy, make_user):
    from deputies.models import Role
    from deputies.services import fill_name_initials

    north, south = make_delegation("北镇"), make_delegation("南镇")
    zhang = make_deputy(term, "N001", "张三", delegation=north)
    li = make_deputy(term, "N002", "李四", delegation=north)
    zhao = make_deputy(term, "S001", "张山", delegation=south)  # same initials, other town
    fill_name_initials()
    return {
        "north": north,
        "zhang": zhang,
        "li": li,
        "zhao": zhao,
        "town": make_user("town", roles=[(Role.TOWN_STAFF, north)]),
        "office": make_user("office", roles=[(Role.OFFICE_STAFF, None)]),
    }


def names(response):
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_the_url_is_the_one_the_widgets_use():
    assert reverse("deputies:pick") == URL


def test_pinyin_initials_name_and_code_find_the_deputy(world, client_for):
    client = client_for(world["office"])
    assert names(client.get(URL, {"q": "zs"})) == ["张三（N001）", "张山（S001）"]
    assert names(client.get(URL, {"q": "ZS"})) == ["张三（N001）", "张山（S001）"]
    assert names(client.get(URL, {"q": "李"})) == ["李四（N002）"]
    assert names(client.get(URL, {"q": "s00"})) == ["张山（S001）"]


@pytest.mark.parametrize("scope", ["visible", "editable", "", "anything"])
def test_town_staff_never_get_another_delegations_deputies(world, client_for, scope):
    client = client_for(world["town"])
    assert names(client.get(URL, {"q": "zs", "scope": scope})) == ["张三（N001）"]
    assert names(client.get(URL, {"q": "S001", "scope": scope})) == []
    assert names(client.get(URL, {"scope": scope})) == ["张三（N001）", "李四（N002）"]


def test_a_deputy_finds_only_themself(world, client_for, make_user, make_deputy, term):
    own = make_deputy(term, "N009", "王五", delegation=world["north"], user=make_user("wang"))
    client = client_for(own.user)
    assert names(client.get(URL)) == ["王五（N009）"]
    assert names(client.get(URL, {"q": "张", "scope": "editable"})) == []


def test_anonymous_is_sent_to_log_in(client, world):
    response = client.get(URL, {"q": "zs"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "1234567890123456789012345"},
        {"q": "zs\x00"},
        {"q": "%' OR 1=1 --"},
        {"q": "x" * 5000},
        {"term": "99999999999999999999999"},
        {"term": "-1"},
        {"q": "zs", "term": "abc"},
    ],
)
def test_garbage_gives_an_answer_not_a_500(world, client_for, params):
    response = client_for(world["office"]).get(URL, params)
    assert response.status_code == 200
    assert isinstance(response.json()["results"], list)


def test_term_narrows_to_that_terms_deputies(world, client_for, make_term, make_deputy):
    other = make_term("第六届", date(2017, 1, 1), date(2021, 12, 31))
    make_deputy(other, "N001", "张三", delegation=world["north"])
    client = client_for(world["office"])
    assert len(names(client.get(URL, {"q": "N001"}))) == 2
    rows = client.get(URL, {"q": "N001", "term": str(world["zhang"].term_id)}).json()["results"]
    assert [row["value"] for row in rows] == [world["zhang"].pk]


def test_at_most_twenty_rows_in_a_fixed_number_of_queries(
    world, client_for, make_deputy, term, django_assert_max_num_queries
):
    for i in range(30):
        make_deputy(term, f"N1{i:02d}", f"代表{i}", delegation=world["north"])
    client = client_for(world["town"])
    client.get(URL)
    # session read and its save (3), user, the user's scope (3), the deputies (1)
    with django_assert_max_num_queries(9):
        rows = names(client.get(URL))
    assert len(rows) == 20


def test_the_form_still_refuses_a_deputy_outside_the_scope(world, client_for, term):
    """The picker is only a help: town staff posting another town's deputy code to the single
    participant add get a Chinese message and nothing is added."""
    from activities.models import Activity, Participation
    from deputies.models import Organiser

    town_people = Organiser.objects.create(name="北镇人大", delegation=world["north"])
    activity = Activity.objects.create(
        term=term, name="视察", type="inspection", date=date(2025, 5, 1), organiser=town_people
    )
    client = client_for(world["town"])
    response = client.post(f"/activities/{activity.pk}/participants/add/", {
        "deputy": "S001", "status": "present",
    }, follow=True)  # fmt: skip
    assert "未找到编号或姓名为“S001”的代表。" in response.content.decode()
    assert not Participation.objects.filter(activity=activity).exists()
