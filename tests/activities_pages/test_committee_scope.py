"""Committee staff see what the README's role table says (issue 12, item 7): the activities
their organiser organised and the deputies taking part, not the district's files and lists.
They still invite any deputy of the district to their activities."""

from datetime import date

import pytest
from django.urls import reverse

from activities.models import Communication, Participation, PublicOpinion


def _text(client, name):
    return client.get(reverse(name)).content.decode()


@pytest.mark.django_db
def test_committee_staff_see_only_the_deputies_taking_part(world, make_activity, client_for):
    Communication.objects.create(deputy=world.s1, date=date(2024, 3, 1), method="visit")
    PublicOpinion.objects.create(
        deputy=world.s1, date=date(2024, 3, 1), title="路灯", content="坏了"
    )
    committee = client_for(world.committee)
    # Nobody takes part yet: no deputy of the district, no record of one.
    assert "赵四" not in _text(committee, "deputies:list")
    assert "赵四" not in _text(committee, "activities:communication_list")
    assert "赵四" not in _text(committee, "activities:opinion_list")
    assert committee.get(reverse("deputies:detail", args=[world.s1.pk])).status_code == 404

    # They invite 赵四 (another town's deputy) by code: allowed, district-wide.
    activity = make_activity(day=date(2024, 5, 10))
    add = reverse("activities:participant_add", args=[activity.pk])
    committee.post(add, {"deputy": "S01", "status": "present"})
    assert Participation.objects.filter(activity=activity, deputy=world.s1).exists()

    # Now 赵四 takes part in their activity: visible, with their records; 张一 still not.
    deputies = _text(committee, "deputies:list")
    assert "赵四" in deputies and "张一" not in deputies
    assert "赵四" in _text(committee, "activities:communication_list")
    assert "路灯" in _text(committee, "activities:opinion_list")
    assert committee.get(reverse("deputies:detail", args=[world.s1.pk])).status_code == 200
    assert committee.get(reverse("deputies:detail", args=[world.d1.pk])).status_code == 404
