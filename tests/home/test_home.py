"""Every role's home page lists what waits for that person, each with a count and a link
(issue 11, item 10). The counts are written out by hand from the world below."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

HOME = reverse("home")
MINE = reverse("deputies:mine")


@pytest.fixture
def world(term, make_delegation, make_group, make_deputy, make_user):
    from activities.models import Activity, LeaveRequest, Meeting, Participation
    from deputies.models import Role
    from proposals.models import Proposal, ProposalEvaluation
    from supervision.models import RecordFlag, SelfReport

    today = timezone.localdate()
    north, south = make_delegation("北镇"), make_delegation("南镇")
    leader = make_deputy(term, "N00", "莫云云", delegation=north, user=make_user("leader"))
    group = make_group(term, north, "第一代表小组", leader=leader)
    lead = make_deputy(term, "N01", "张一", delegation=north, group=group, user=make_user("lead"))
    other = make_deputy(term, "N02", "李二", delegation=north)
    far = make_deputy(term, "S01", "赵四", delegation=south)

    def report(deputy, status="pending"):
        reason = "缺少选民" if status == "rejected" else ""
        SelfReport.objects.create(deputy=deputy, kind="communication", date=today - timedelta(5),
                                  method="visit", content="走访", status=status,
                                  reject_reason=reason)  # fmt: skip

    report(lead)  # in the leader's group, north
    report(other)  # north, not in the group
    report(far)  # south
    report(lead, status="rejected")  # not pending

    def flag(deputy, status="open"):
        RecordFlag.objects.create(deputy=deputy, year=today.year, kind="missing", comment="漏记",
                                  status=status,
                                  resolution="已补录" if status == "resolved" else "")  # fmt: skip

    flag(lead)
    flag(far)
    flag(other, status="resolved")

    def proposal(number, deputy, days_ago, **kw):
        return Proposal.objects.create(
            term=term, number=number, kind="suggestion", title=f"建议{number}",
            submitted_date=today - timedelta(days_ago), lead=deputy, **kw,
        )  # fmt: skip

    proposal("P1", lead, 120, status="handling")  # overdue, north
    proposal("P2", far, 200, status="assigned")  # overdue, south
    proposal("P3", other, 150, status="withdrawn")  # withdrawn: not counted
    proposal("P4", other, 20, status="handling")  # not yet due
    proposal("P5", lead, 130, status="replied", reply="已答复", reply_date=today)  # to evaluate
    done = proposal("P6", lead, 140, status="closed", reply="已答复", reply_date=today)
    ProposalEvaluation.objects.create(proposal=done, overall="satisfied")

    soon = Meeting.objects.create(term=term, name="全体会议", kind="plenary",
                                  date=today + timedelta(10))  # fmt: skip
    Meeting.objects.create(term=term, name="南镇代表团会议", kind="delegation", delegation=south,
                           date=today + timedelta(3))  # fmt: skip
    Meeting.objects.create(term=term, name="远期会议", kind="plenary", date=today + timedelta(60))
    Meeting.objects.create(term=term, name="已开会议", kind="plenary", date=today - timedelta(1))

    def leave(deputy, status):
        LeaveRequest.objects.create(meeting=soon, deputy=deputy, reason="illness",
                                    explanation="住院", status=status)  # fmt: skip

    leave(lead, "pending_head")
    leave(far, "pending_head")
    leave(other, "pending_sg")

    visit = Activity.objects.create(term=term, name="北镇视察", type="inspection",
                                    date=today + timedelta(5))  # fmt: skip
    Participation.objects.create(activity=visit, deputy=lead)
    south_visit = Activity.objects.create(term=term, name="南镇视察", type="inspection",
                                          date=today + timedelta(6))  # fmt: skip
    Participation.objects.create(activity=south_visit, deputy=far)
    past = Activity.objects.create(term=term, name="旧调研", type="research",
                                   date=today - timedelta(6))  # fmt: skip
    Participation.objects.create(activity=past, deputy=lead)

    users = {
        "office": make_user("office", roles=[(Role.OFFICE_STAFF, None)]),
        "town": make_user("town", roles=[(Role.TOWN_STAFF, north)]),
        "head": make_user("head", roles=[(Role.DELEGATION_HEAD, north)]),
        "secretary": make_user("secretary", roles=[(Role.SECRETARY_GENERAL, None)]),
        "leadership": make_user("leadership", roles=[(Role.LEADERSHIP, None)]),
        "qualification": make_user("qualification", roles=[(Role.QUALIFICATION, None)]),
        "leader": leader.user,
        "lead": lead.user,
    }
    return users, today


def todo_of(html) -> dict:
    """{key: (count, href)} of the 待办事项 list."""
    items = re.findall(
        r'href="([^"]*)" data-todo="(\w+)">.*?<span[^>]*data-count>(\d+)</span>', html, re.S
    )
    return {key: (int(count), href.replace("&amp;", "&")) for href, key, count in items}


def _page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "相关功能页面即将开通" not in text
    return text


@pytest.mark.django_db
def test_each_role_sees_its_counts_and_links(world, client_for):
    users, today = world
    proposals = reverse("proposals:proposal_list")
    reviews, flags = reverse("supervision:review_list"), reverse("supervision:flags")
    sessions, leave = reverse("activities:session_list"), reverse("activities:leave_queue")
    end = today + timedelta(30)
    activities = (
        f"{reverse('activities:activity_list')}?date_from={today.isoformat()}"
        f"&date_to={end.isoformat()}"
    )
    expected = {
        "office": {
            "reviews": (3, reviews), "flags": (2, flags), "overdue": (2, proposals + "?overdue=on"),
            "meetings": (2, sessions), "activities": (2, activities),
        },
        "town": {
            "reviews": (2, reviews), "flags": (1, flags), "overdue": (1, proposals + "?overdue=on"),
            "citizen_messages": (0, reverse("citizens:inbox") + "?status=overdue"),
            "meetings": (1, sessions), "activities": (1, activities),
        },
        "head": {"leave": (1, leave), "meetings": (1, sessions)},
        "secretary": {"leave": (1, leave), "meetings": (2, sessions)},
        "leadership": {
            "overdue": (2, proposals + "?overdue=on"), "meetings": (2, sessions),
            "activities": (2, activities),
        },
        "qualification": {"meetings": (2, sessions)},
    }  # fmt: skip
    for role, items in expected.items():
        got = todo_of(_page(client_for(users[role]), HOME))
        assert got == items, role


@pytest.mark.django_db
def test_deputy_and_group_leader_see_their_items_on_their_file(world, client_for):
    users, _today = world
    # A deputy (and a group leader, a deputy too) lands on their file: the items are there.
    assert client_for(users["lead"]).get(HOME).url == MINE
    overdue_messages = (0, reverse("citizens:inbox") + "?status=overdue")
    lead = todo_of(_page(client_for(users["lead"]), MINE))
    invitations = (0, reverse("invitations:mine"))
    assert lead == {
        "evaluate": (1, reverse("proposals:proposal_list") + "?to_evaluate=on"),
        "invitations": invitations,
        "citizen_messages": overdue_messages,
    }
    leader = todo_of(_page(client_for(users["leader"]), MINE))
    assert leader == {
        "reviews": (1, reverse("supervision:review_list")),
        "evaluate": (0, reverse("proposals:proposal_list") + "?to_evaluate=on"),
        "invitations": invitations,
        "citizen_messages": overdue_messages,
    }


@pytest.mark.django_db
def test_links_open_lists_that_agree_with_the_counts(world, client_for):
    users, _today = world
    url = reverse("proposals:proposal_list")

    def numbers(user, **params):
        return sorted(p.number for p in client_for(user).get(url, params).context["page"])

    assert numbers(users["office"], overdue="on") == ["P1", "P2"]
    assert numbers(users["town"], overdue="on") == ["P1"]
    assert numbers(users["lead"], to_evaluate="on") == ["P5"]


@pytest.mark.django_db
def test_home_queries_do_not_grow_with_the_data(world, client_for, django_assert_max_num_queries):
    from proposals.models import Proposal

    users, today = world
    client = client_for(users["office"])
    client.get(HOME)
    with django_assert_max_num_queries(30) as small:
        client.get(HOME)
    lead = Proposal.objects.get(number="P1").lead
    for i in range(40):
        Proposal.objects.create(term=lead.term, number=f"X{i}", kind="motion", title="x",
                                submitted_date=today - timedelta(100), lead=lead)  # fmt: skip
    with django_assert_max_num_queries(30) as large:
        html = client.get(HOME).content.decode()
    assert len(large.captured_queries) == len(small.captured_queries)
    assert todo_of(html)["overdue"][0] == 42
