"""Choice fields offered to a scoped role hold only its scope, on the page and on the server
(issue 12, item 6): an activity's 代表小组 and the 批量添加 group/delegation."""

import re
from datetime import date

import pytest
from django.urls import reverse

from activities.models import Activity, Participation

NEW = reverse("activities:activity_create")


def _form(world, organiser, group, name):
    return {
        "term": world.term.pk,
        "name": name,
        "type": "research",
        "date": "2024-05-20",
        "organiser": organiser.pk,
        "place": "镇政府",
        "topic": "调研",
        "group": group.pk,
        "signin_opens_at": "",
        "signin_closes_at": "",
    }


def _options(html, field):
    select = re.search(rf'<select name="{field}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return {int(v) for v in re.findall(r'<option value="(\d+)"', select)}


@pytest.mark.django_db
def test_town_staff_group_choices_are_their_towns(world, client_for):
    """North town staff are offered the north group only, and a south group posted by hand
    is refused with nothing saved; office staff are offered both."""
    town = client_for(world.town)
    assert _options(town.get(NEW).content.decode(), "group") == {world.g_north.pk}
    office_html = client_for(world.office).get(NEW).content.decode()
    assert _options(office_html, "group") == {world.g_north.pk, world.g_south.pk}

    response = town.post(NEW, _form(world, world.north_org, world.g_south, "越界的小组活动"))
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Activity.objects.filter(name="越界的小组活动").exists()

    response = town.post(NEW, _form(world, world.north_org, world.g_north, "本镇小组活动"))
    assert response.status_code == 302
    assert Activity.objects.get(name="本镇小组活动").group == world.g_north


@pytest.mark.django_db
def test_committee_staff_may_not_attribute_a_group(world, client_for):
    """Committee staff organise district activities; a 代表小组 is not theirs to name."""
    committee = client_for(world.committee)
    assert _options(committee.get(NEW).content.decode(), "group") == set()
    response = committee.post(NEW, _form(world, world.committee_org, world.g_north, "委员会活动"))
    assert response.status_code == 200
    assert not Activity.objects.filter(name="委员会活动").exists()


@pytest.mark.django_db
def test_bulk_add_refuses_a_group_outside_the_scope(world, make_activity, client_for):
    """Town staff of the north add the south group by hand: refused with a message, nobody
    added (before, the form accepted it and added no one silently)."""
    activity = make_activity(organiser=world.north_org, day=date(2024, 5, 10))
    url = reverse("activities:participant_bulk", args=[activity.pk])
    response = client_for(world.town).post(url, {"group": world.g_south.pk}, follow=True)
    assert "选择一个有效的选项" in response.content.decode()
    assert not Participation.objects.filter(activity=activity).exists()
    detail = client_for(world.town).get(reverse("activities:activity_detail", args=[activity.pk]))
    assert _options(detail.content.decode(), "group") == {world.g_north.pk}
