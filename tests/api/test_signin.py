"""The one write endpoint: a gateway signs a deputy in to an activity by code."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db import IntegrityError
from django.utils import timezone

from activities.models import Participation
from supervision.models import ExportLog

pytestmark = pytest.mark.django_db
URL = "/api/v1/signins/"


def _post(client, activity, code):
    return client.post(URL, {"activity": activity.pk, "deputy_code": code},
                       content_type="application/json")  # fmt: skip


def test_sign_in_is_idempotent_under_retries(api_world, api):
    town = api(api_world.tokens["town"])
    first = _post(town, api_world.activity, "A001")
    assert first.status_code == 201
    assert first.json()["deputy_code"] == "A001"
    assert first.json()["status"] == "present"
    assert "Idempotent-Replayed" not in first
    retries = [_post(town, api_world.activity, "A001") for _ in range(3)]
    assert [r.status_code for r in retries] == [200, 200, 200]
    assert all(r.json() == first.json() for r in retries)
    assert all(r["Idempotent-Replayed"] == "true" for r in retries)
    rows = Participation.objects.filter(activity=api_world.activity, deputy=api_world.a1)
    assert rows.count() == 1
    assert rows.get().history.count() == 1  # the retries wrote nothing


def test_retry_after_the_window_closed_still_answers_the_sign_in(api_world, api):
    town = api(api_world.tokens["town"])
    first = _post(town, api_world.activity, "A001")
    activity = api_world.activity
    activity.signin_opens_at = timezone.now() - timedelta(hours=3)
    activity.signin_closes_at = timezone.now() - timedelta(hours=2)
    activity.save()
    retry = _post(town, activity, "A001")
    assert (retry.status_code, retry.json()) == (200, first.json())


def test_simultaneous_retries_make_one_participation(api_world, api):
    """Two first requests at once: both find no sign-in, the other one inserts first, this
    one loses on the roll's unique constraint and answers 200 with the other's row."""
    from activities import services as activity_services
    from api import services

    town = api(api_world.tokens["town"])
    other = Participation.objects.create(
        activity=api_world.activity, deputy=api_world.a1, signed_in_at=timezone.now()
    )
    lost_race = IntegrityError("participation_one_per_roll")
    with (
        mock.patch.object(services, "recorded_sign_in", return_value=None),
        mock.patch.object(activity_services, "record_sign_in", side_effect=lost_race),
    ):
        response = _post(town, api_world.activity, "A001")
    assert response.status_code == 200
    assert response.json()["id"] == other.pk
    assert Participation.objects.filter(activity=api_world.activity).count() == 1


def test_refused_outside_the_window(api_world, api):
    activity = api_world.activity
    activity.signin_opens_at = timezone.now() - timedelta(hours=3)
    activity.signin_closes_at = timezone.now() - timedelta(hours=2)
    activity.save()
    response = _post(api(api_world.tokens["town"]), activity, "A001")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("签到已截止，截止时间：")
    assert response.json()["code"] == "signin_refused"
    assert not Participation.objects.filter(activity=activity).exists()


def test_refused_before_the_window(api_world, api):
    activity = api_world.activity
    activity.signin_opens_at = timezone.now() + timedelta(hours=1)
    activity.signin_closes_at = timezone.now() + timedelta(hours=2)
    activity.save()
    response = _post(api(api_world.tokens["town"]), activity, "A001")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("签到尚未开始")


def test_scoped_to_the_client(api_world, api):
    """A town's gateway signs in its own deputies to its own activities only."""
    town = api(api_world.tokens["town"])
    assert _post(town, api_world.activity, "B001").status_code == 404  # another town's deputy
    assert _post(town, api_world.other_activity, "A001").status_code == 404  # not its activity
    assert api(api_world.tokens["leadership"]).post(
        URL, {"activity": api_world.activity.pk, "deputy_code": "A001"},
        content_type="application/json",
    ).status_code == 404  # leadership records nothing  # fmt: skip
    assert not Participation.objects.filter(activity=api_world.activity).exists()
    office = api(api_world.tokens["office"])
    assert _post(office, api_world.activity, "A002").status_code == 201


def test_bad_input_is_a_chinese_400(api_world, api):
    town = api(api_world.tokens["town"])
    response = town.post(URL, {"activity": "abc"}, content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "请求参数有误。"
    assert set(body["errors"]) == {"activity", "deputy_code"}
    not_json = town.post(URL, "activity=1", content_type="application/x-www-form-urlencoded")
    assert not_json.status_code == 415


def test_sign_in_writes_one_export_log_row(api_world, api):
    _post(api(api_world.tokens["town"]), api_world.activity, "A001")
    log = ExportLog.objects.get()
    assert log.kind == "api"
    assert "扫码签到" in log.description
