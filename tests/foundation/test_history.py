"""Changes to deputies and their records are kept with who made them (simple_history)."""

from datetime import date

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from simple_history.middleware import HistoryRequestMiddleware
from simple_history.utils import update_change_reason

from activities.models import Activity, ActivityType, AttendanceStatus, Participation
from deputies.models import Deputy

pytestmark = pytest.mark.django_db


def test_creating_and_changing_a_deputy_records_who_did_it(term, delegation, make_user):
    clerk = make_user("clerk")
    deputy = Deputy(term=term, code="JD001", name="张伟", delegation=delegation)
    deputy._history_user = clerk
    deputy.save()

    deputy.workplace_title = "嘉定区某街道社区卫生服务中心主任"
    deputy._history_user = clerk
    deputy.save()
    update_change_reason(deputy, "更正工作单位")

    created, changed = deputy.history.order_by("history_date")
    assert (created.history_type, created.history_user) == ("+", clerk)
    assert (changed.history_type, changed.history_user) == ("~", clerk)
    assert changed.history_change_reason == "更正工作单位"
    assert created.workplace_title == ""
    assert changed.workplace_title == "嘉定区某街道社区卫生服务中心主任"


def test_changing_a_participation_records_who_did_it(term, make_deputy, make_user):
    clerk = make_user("clerk")
    activity = Activity.objects.create(
        term=term, name="执法检查", type=ActivityType.LAW_ENFORCEMENT, date=date(2024, 6, 3)
    )
    participation = Participation(activity=activity, deputy=make_deputy(term, "JD001"))
    participation._history_user = clerk
    participation.save()
    participation.status = AttendanceStatus.ABSENT
    participation._history_user = clerk
    participation.save()

    statuses = [
        (row.history_type, row.status, row.history_user)
        for row in participation.history.order_by("history_date")
    ]
    assert statuses == [("+", "present", clerk), ("~", "absent", clerk)]


def test_a_change_made_during_a_request_is_attributed_to_the_logged_in_user(
    term, delegation, make_user
):
    clerk = make_user("clerk")
    request = RequestFactory().post("/deputies/new/")
    request.user = clerk

    def view(request):
        Deputy.objects.create(term=term, code="JD002", name="李娜", delegation=delegation)
        return HttpResponse("ok")

    HistoryRequestMiddleware(view)(request)

    assert Deputy.history.get(code="JD002").history_user == clerk
