"""The list and export views of the activities section cost the same number of queries
whatever the number of records (two sizes each)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import (
    Activity,
    Communication,
    LiaisonCommunication,
    Participation,
    PublicOpinion,
)
from proposals.models import Proposal

pytestmark = pytest.mark.django_db


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured.captured_queries)


def _grow(world, start, count):
    for i in range(start, start + count):
        day = date(2024, 1, 1) + timedelta(days=i)
        activity = Activity.objects.create(term=world.term, name=f"调研{i}", type="research",
                                           date=day, organiser=world.committee_org)  # fmt: skip
        Participation.objects.create(activity=activity, deputy=world.d1)
        communication = Communication.objects.create(deputy=world.d1, date=day, method="phone")
        communication.constituents.add(world.c1, world.c2)
        LiaisonCommunication.objects.create(member=world.sc, deputy=world.d2, date=day,
                                            method="phone")  # fmt: skip
        PublicOpinion.objects.create(deputy=world.s1, date=day, title=f"意见{i}", content="…",
                                     hotline_ticket=f"T{i}", hotline_status="referred")  # fmt: skip
        Proposal.objects.create(term=world.term, number=f"J{i}", kind="suggestion",
                                title=f"建议{i}", submitted_date=day, lead=world.d1)  # fmt: skip


@pytest.mark.parametrize(
    ("url_name", "params"),
    [
        ("activities:activity_list", {"format": "xlsx"}),
        ("activities:communication_list", {"format": "xlsx"}),
        ("activities:liaison_list", {}),
        ("activities:liaison_list", {"format": "xlsx"}),
        ("activities:opinion_list", {}),
        ("activities:opinion_list", {"format": "xlsx"}),
        ("proposals:proposal_list", {"format": "xlsx"}),
    ],
)
def test_query_count_does_not_grow(world, client_for, url_name, params):
    client = client_for(world.office)
    _grow(world, 0, 2)
    small = _queries(client, reverse(url_name), params)
    _grow(world, 2, 25)
    assert _queries(client, reverse(url_name), params) == small
