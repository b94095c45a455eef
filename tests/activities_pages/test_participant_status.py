"""Activity rolls: bulk-added deputies are 受邀 until the activity's date has passed, 受邀 does
not count toward the rules, 全部设为… asks first and then sets every row, and 家站点接待 notes
are written in a text area."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Participation

pytestmark = pytest.mark.django_db

DAY = date(2024, 5, 10)  # make_activity's default date


@pytest.fixture
def today(monkeypatch):
    """today(d) makes d the local date for the code under test."""

    def set_today(day):
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)

    return set_today


def statuses(activity):
    return dict(activity.participations.values_list("deputy__code", "status"))


def test_bulk_add_before_the_day_invites_and_after_it_records_present(
    world, make_activity, client_for, today
):
    client = client_for(world.office)
    today(DAY)  # the activity is today: it has not happened yet
    upcoming = make_activity()
    client.post(
        reverse("activities:participant_bulk", args=[upcoming.pk]), {"group": world.g_north.pk}
    )
    assert statuses(upcoming) == {"N01": "invited", "N02": "invited"}
    page = client.get(reverse("activities:activity_detail", args=[upcoming.pk])).content.decode()
    assert "受邀" in page

    today(date(2024, 5, 11))
    held = make_activity(name="专题调研二")
    client.post(reverse("activities:participant_bulk", args=[held.pk]), {"group": world.g_north.pk})
    assert statuses(held) == {"N01": "present", "N02": "present"}


def test_single_add_defaults_to_invited_before_the_day(world, make_activity, client_for, today):
    today(DAY)
    activity = make_activity()
    page = client_for(world.office).get(reverse("activities:activity_detail", args=[activity.pk]))
    add_form = page.context["add_form"]
    assert add_form["status"].value() == "invited"
    today(date(2024, 5, 11))
    page = client_for(world.office).get(reverse("activities:activity_detail", args=[activity.pk]))
    assert page.context["add_form"]["status"].value() == "present"


def test_invited_does_not_count_toward_the_rules(world, make_activity):
    from supervision.evaluation.compliance import evaluate_year

    training = make_activity(type="training", name="培训")
    Participation.objects.create(activity=training, deputy=world.d1, status="invited")
    Participation.objects.create(activity=training, deputy=world.d2, status="present")
    found = {}
    for evaluation in evaluate_year(2024).rows:
        for result in evaluation.results:
            if result.rule.code == "ART13_TRAINING":
                found[evaluation.deputy.code] = result.achieved
    assert found["N01"] == 0 and found["N02"] == 1


def test_set_all_asks_first_then_sets_every_row(world, make_activity, client_for, today):
    today(date(2024, 6, 1))
    activity = make_activity()
    for deputy, status in ((world.d1, "invited"), (world.d2, "leave")):
        Participation.objects.create(activity=activity, deputy=deputy, status=status)
    url = reverse("activities:participant_set_all", args=[activity.pk])
    client = client_for(world.office)

    asked = client.post(url, {"status": "present"}).content.decode()
    assert "全部设为“出席”" in asked and 'name="confirm"' in asked
    assert statuses(activity) == {"N01": "invited", "N02": "leave"}

    done = client.post(url, {"status": "present", "confirm": "1"}, follow=True).content.decode()
    assert "已将 2 名代表设为出席。" in done
    assert statuses(activity) == {"N01": "present", "N02": "present"}


def test_set_all_refuses_present_before_the_day(world, make_activity, client_for, today):
    today(DAY)
    activity = make_activity()
    Participation.objects.create(activity=activity, deputy=world.d1, status="invited")
    url = reverse("activities:participant_set_all", args=[activity.pk])
    page = client_for(world.office).post(url, {"status": "present", "confirm": "1"}, follow=True)
    assert "尚未过去，不能全部设为出席或缺席" in page.content.decode()
    assert statuses(activity) == {"N01": "invited"}
    page = client_for(world.office).post(url, {"status": "nonsense", "confirm": "1"}, follow=True)
    assert "请选择参加情况。" in page.content.decode()
    assert statuses(activity) == {"N01": "invited"}


def test_set_all_on_a_reception_skips_rows_without_notes(world, make_activity, client_for, today):
    today(date(2024, 6, 1))
    activity = make_activity(type="reception", name="家站点接待")
    Participation.objects.create(activity=activity, deputy=world.d1, status="invited",
                                 reception_notes="接待选民 3 人")  # fmt: skip
    Participation.objects.create(activity=activity, deputy=world.d2, status="invited")
    url = reverse("activities:participant_set_all", args=[activity.pk])
    page = client_for(world.office).post(url, {"status": "present", "confirm": "1"}, follow=True)
    assert "已将 1 名代表设为出席。1 名家站点接待未填写接待情况" in page.content.decode()
    assert statuses(activity) == {"N01": "present", "N02": "invited"}


def test_set_all_is_refused_outside_the_scope(world, make_activity, client_for, today):
    today(date(2024, 6, 1))
    activity = make_activity(organiser=world.south_org)
    Participation.objects.create(activity=activity, deputy=world.s1, status="invited")
    url = reverse("activities:participant_set_all", args=[activity.pk])
    response = client_for(world.town).post(url, {"status": "absent", "confirm": "1"})
    assert response.status_code == 404
    assert statuses(activity) == {"S01": "invited"}


def test_reception_notes_are_a_text_area(world, make_activity, client_for):
    activity = make_activity(type="reception", name="家站点接待")
    Participation.objects.create(activity=activity, deputy=world.d1, reception_notes="第一行")
    page = client_for(world.office).get(reverse("activities:activity_detail", args=[activity.pk]))
    assert '<textarea name="reception_notes" rows="2"' in page.content.decode()
