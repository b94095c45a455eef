"""The planner page: office staff only, the proposal and the projection, the link to the
invitations, and a query count that does not grow with the deputies."""

from datetime import date

import pytest

from activities.models import Activity, ActivityType, Participation

URL = "/planner/"


def activity(term, name, day, type_=ActivityType.SC_MEETING):
    return Activity.objects.create(term=term, name=name, type=type_, date=day)


def attend(deputy, type_, day, n=1):
    for i in range(n):
        act = Activity.objects.create(term=deputy.term, name=f"{deputy.code}-{type_}-{i}",
                                      type=type_, date=day)  # fmt: skip
        Participation.objects.create(activity=act, deputy=deputy)


@pytest.fixture
def plan(district):
    """Two SC meetings and one 一府一委两院 activity in December; a past one (not in the plan).
    李四 has 1 SC meeting and 2 government activities; 张组长 and 王五 have both quotas met;
    赵六 has nothing."""
    term = district["term"]
    attend(district["li"], ActivityType.SC_MEETING, date(2024, 5, 1))
    attend(district["li"], ActivityType.GOVERNMENT, date(2024, 6, 1), n=2)
    for who in ("leader", "wang"):
        attend(district[who], ActivityType.FORUM, date(2023, 5, 1), n=2)
        attend(district[who], ActivityType.GOVERNMENT, date(2023, 6, 1), n=2)
    return {
        "past": activity(term, "常委会第三十次会议", date(2026, 11, 1)),
        "sc1": activity(term, "常委会第四十次会议", date(2026, 12, 2)),
        "gov": activity(term, "区政府工作情况通报会", date(2026, 12, 10), ActivityType.GOVERNMENT),
        "sc2": activity(term, "常委会第四十一次会议", date(2026, 12, 22)),
    }


@pytest.mark.django_db
def test_office_staff_see_the_proposal_and_the_projection(district, plan, client_for):
    """One seat at each meeting: 赵六 (0/2 SC, 2 chances: slack 0) before 李四 (1/2 SC).
    At the second meeting 李四 and 赵六 both need 1 with 1 chance; 安亭镇 has no seat yet
    there, equal days left, 李四 has the lower id. 政府 activity: 赵六 (0/2) — cannot reach
    (2 needed, 1 chance). Met now: 张组长, 王五 = 2 of 4 (50.0%); after the plan 李四 also
    (2/2, 2/2): 3 of 4 (75.0%)."""
    client = client_for(district["office"])
    response = client.get(URL, {"activity": plan["sc1"].pk, "seats": 1, "other_seats": 1})
    html = response.content.decode()
    assert response.status_code == 200
    assert "按计划邀请并出席，本届末第12条达标率将从 50.0% 到 75.0%" in html
    result = response.context["result"]
    assert [r.deputy.name for r in result.proposed] == ["赵六"]
    assert result.plan.schedule == {
        plan["sc1"].pk: (district["no_account"].pk,),
        plan["gov"].pk: (district["no_account"].pk,),
        plan["sc2"].pk: (district["li"].pk,),
    }
    assert [(r.deputy.name, r.gaps) for r in result.cannot_reach] == [
        ("赵六", [("一府一委两院活动", 2, 1)])
    ]
    # The button opens the invitation form prefilled with the proposed list.
    expected = (
        f'href="/invitations/new/?activity={plan["sc1"].pk}'
        f'&amp;deputies={district["no_account"].pk}"'
    )
    assert expected in html


@pytest.mark.django_db
def test_an_edited_list_is_projected(district, plan, client_for):
    """Staff invite 李四 instead (and 王五, already at quota, and an unknown id): 李四 goes
    to 2/2 SC at once; the second meeting then goes to 赵六. Met: 2 → 3."""
    client = client_for(district["office"])
    ids = f"{district['li'].pk},{district['wang'].pk},999999"
    response = client.get(
        URL,
        {"activity": plan["sc1"].pk, "seats": 1, "other_seats": 1, "edited": "1",
         "deputies": ids},
    )  # fmt: skip
    result = response.context["result"]
    assert [r.deputy.name for r in result.proposed] == ["李四", "王五"]
    assert result.plan.schedule[plan["sc2"].pk] == (district["no_account"].pk,)
    assert "将从 50.0% 到 75.0%" in response.content.decode()


@pytest.mark.django_db
def test_the_invite_button_links_to_the_invitations_page_with_the_list(district, plan, client_for):
    response = client_for(district["office"]).get(
        URL, {"activity": plan["sc1"].pk, "seats": 2, "other_seats": 1}
    )
    expected = (
        f'href="/invitations/new/?activity={plan["sc1"].pk}'
        f'&amp;deputies={district["no_account"].pk}%2C{district["li"].pk}"'
    )
    assert expected in response.content.decode()


@pytest.mark.django_db
def test_only_office_staff_may_plan(district, plan, client_for):
    for who in ("town_a", "leader_user", "li_user"):
        assert client_for(district[who]).get(URL).status_code == 404, who


@pytest.mark.django_db
def test_a_past_or_unknown_activity_is_ignored_with_a_note(district, plan, client_for):
    response = client_for(district["office"]).get(URL, {"activity": plan["past"].pk})
    html = response.content.decode()
    assert "链接中的参数“activity”无效，已忽略。" in html
    assert response.context["activity"] == plan["sc1"]  # the first upcoming one instead


@pytest.mark.django_db
def test_no_upcoming_activity(district, client_for):
    response = client_for(district["office"]).get(URL)
    assert "本届剩余时间内没有已安排的" in response.content.decode()


@pytest.mark.django_db
def test_query_count_does_not_grow_with_deputies(
    district, plan, client_for, make_deputy, django_assert_max_num_queries
):
    client = client_for(district["office"])
    query = {"activity": plan["sc1"].pk, "seats": 3}
    with django_assert_max_num_queries(30) as small:
        client.get(URL, query)
    for i in range(40):
        make_deputy(district["term"], f"C{i:03}", group=district["group_b"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(URL, query)
    assert len(response.context["result"].proposed) == 3


@pytest.mark.django_db
def test_garbage_parameters_are_ignored_with_a_note(district, plan, client_for):
    """The page with a plan to show (the security fuzz world has none): bad seats, ids beyond
    the column, and non-digits give the page with the defaults and a note, never a 500."""
    client = client_for(district["office"])
    for value in ("abc", "1" * 25, "-7", "²", "\x00", "0"):
        response = client.get(
            URL,
            {"activity": plan["sc1"].pk, "seats": value, "other_seats": value, "edited": value,
             "deputies": f"{value},{district['li'].pk}", "page": value},
        )  # fmt: skip
        assert response.status_code == 200, value
        noted = "链接中的参数“seats”无效，已忽略。" in response.content.decode()
        assert noted == (value != "\x00"), value  # a lone NUL is an empty value: no note
        assert response.context["seats"] == 10


@pytest.mark.django_db
def test_deputies_already_invited_hold_their_seats(district, plan, client_for):
    """王五 is already 受邀 to the first meeting: of 2 seats one is left, for 赵六; 王五 is
    assumed to attend (he is at quota: the projection does not change)."""
    Participation.objects.create(activity=plan["sc1"], deputy=district["wang"], status="invited")
    response = client_for(district["office"]).get(
        URL, {"activity": plan["sc1"].pk, "seats": 2, "other_seats": 1}
    )
    result = response.context["result"]
    assert "本场已有 1 位代表受邀，占用名额" in response.content.decode()
    assert [r.deputy.name for r in result.proposed] == ["赵六"]
    assert result.plan.schedule[plan["sc1"].pk] == (district["wang"].pk, district["no_account"].pk)
