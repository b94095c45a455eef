"""Every change to a counted record is in the history with who and when (issue 7.4), and a
deputy's history page lists them, newest first, with the diffs and reasons."""

from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from activities import services as activity_services
from activities.models import Attendance, Meeting, Participation, Speech
from activities.sessions import services as session_services
from deputies import services as deputy_services
from deputies.models import Constituent, Role, ServicePeriod, Suspension, Termination
from proposals.models import Cosignature, Proposal
from supervision.closing.services import close_year
from supervision.models import ConstituencyReport
from supervision.records.services import save_constituency_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user():
    """Writes as if made through a page by `user` (what HistoryRequestMiddleware provides)."""

    def set_user(user):
        HistoricalRecords.context.request = SimpleNamespace(user=user)

    yield set_user
    if hasattr(HistoricalRecords.context, "request"):
        del HistoricalRecords.context.request


def _writes(w):
    """One write per kind of counted record, through its service where it has one."""
    d, other, office = w.deputy, w.other, w.office
    other.is_sc_member = True
    other.save()

    def constituent():
        return deputy_services.save_constituent(Constituent(deputy=d, name="赵六"))

    return {
        "Meeting": lambda: session_services.save_meeting(
            Meeting(term=w.term, session=w.session2026, name="第二次全体会议",
                    kind="plenary", date=date(2026, 1, 7))),
        "Attendance": lambda: session_services.set_attendance(
            office, w.meeting2026, d, "leave", "illness"),
        # Leave is asked ahead of the meeting (a held one is refused): a meeting next week.
        "LeaveRequest": lambda: session_services.request_leave(
            w.deputy_user, d, Meeting.objects.create(
                term=w.term, session=w.session2026, name="下周全体会议", kind="plenary",
                date=timezone.localdate() + timedelta(days=7)), "illness", "住院"),
        "Speech": lambda: session_services.save_speech(office, Speech(
            deputy=d, topic="交通", meeting=Meeting.objects.create(
                term=w.term, session=w.session2026, name="南翔代表团会议", kind="delegation",
                date=date(2026, 1, 6), delegation=w.town))),
        "Activity": lambda: (w.activity2026.save(), w.activity2026)[1],
        "Participation": lambda: activity_services.update_participation(
            Participation.objects.get(activity=w.activity2026), "absent", "", False),
        "Constituent": constituent,
        "Communication": lambda: activity_services.record_communication(
            d, date(2026, 2, 1), "visit", "走访", [constituent()])[0],
        "LiaisonCommunication": lambda: activity_services.record_liaison(
            other, d, date(2026, 2, 2), "phone", "电话联系"),
        "Proposal": lambda: Proposal.objects.create(
            term=w.term, number="J2026001", kind="suggestion", title="停车",
            submitted_date=date(2026, 1, 7), lead=d),
        "Cosignature": lambda: Cosignature.objects.create(
            proposal=Proposal.objects.create(
                term=w.term, number="J2026002", kind="suggestion", title="绿化",
                submitted_date=date(2026, 1, 7), lead=other), deputy=d),
        "ConstituencyReport": lambda: save_constituency_report(
            ConstituencyReport(deputy=d, date=date(2026, 3, 1), form="oral")),
        "ServicePeriod": lambda: deputy_services.save_service_period(
            ServicePeriod(deputy=other, start_date=date(2022, 1, 1), end_date=None))
        if False else deputy_services.save_service_period(
            _with(ServicePeriod.objects.get(deputy=d), note="补选")),
        "Suspension": lambda: deputy_services.save_suspension(
            Suspension(deputy=d, start_date=date(2026, 4, 1), end_date=date(2026, 4, 30))),
        "Termination": lambda: deputy_services.record_termination(
            Termination(deputy=other, date=date(2026, 6, 30), reason="moved")),
    }  # fmt: skip


def _with(obj, **values):
    for name, value in values.items():
        setattr(obj, name, value)
    return obj


KINDS = [
    "Meeting", "Attendance", "LeaveRequest", "Speech", "Activity", "Participation",
    "Constituent", "Communication", "LiaisonCommunication", "Proposal", "Cosignature",
    "ConstituencyReport", "ServicePeriod", "Suspension", "Termination",
]  # fmt: skip


@pytest.mark.parametrize("kind", KINDS)
def test_every_counted_write_is_in_the_history_with_who_and_when(world, as_user, kind):
    as_user(world.office)
    before = timezone.now()
    obj = _writes(world)[kind]()
    if not hasattr(obj, "history"):
        obj = type(obj).objects.get(pk=obj.pk) if obj is not None else None
    assert obj is not None, kind
    row = obj.history.first()
    assert row.history_user == world.office
    assert before <= row.history_date <= timezone.now()


def test_communication_history_keeps_its_constituents(world, as_user):
    as_user(world.office)
    obj = _writes(world)["Communication"]()
    assert [c.constituent.name for c in obj.history.first().constituents.all()] == ["赵六"]


# -- the page --------------------------------------------------------------------------------


def page_of(client, deputy, **params):
    return client.get(reverse("deputies:history", args=[deputy.pk]), params)


def test_history_page_lists_changes_newest_first_with_diff_and_reason(world, client_for):
    office = client_for(world.office)
    close_year(world.office, 2025, "反馈表已发出")
    url = reverse(
        "activities:participation_update",
        args=[Participation.objects.get(activity=world.activity2025).pk],
    )
    response = office.post(url, {"status": "absent", "reception_notes": "",
                                 "_closed_year_reason": "签到表核对后更正"})  # fmt: skip
    assert response.status_code == 302
    response = page_of(office, world.deputy)
    assert response.status_code == 200
    entries = response.context["page"].object_list
    first = entries[0]
    assert first.kind == "活动参加情况" and first.change_type == "修改"
    assert first.user == world.office
    assert first.reason == "签到表核对后更正"
    assert [(c.field, c.old, c.new) for c in first.changes] == [("参加情况", "出席", "缺席")]
    html = response.content.decode()
    assert "出席 → 缺席" in html and "签到表核对后更正" in html
    assert [e.when for e in entries] == sorted((e.when for e in entries), reverse=True)
    kinds = {e.kind for e in entries}
    assert {"代表", "任职期间", "履职活动", "活动参加情况", "大会会议", "出席情况"} <= kinds
    # Another deputy's records are not on this deputy's page.
    assert not any("李四" in e.record for e in entries)


def test_personal_data_changes_are_shown_without_values(world, client_for, as_user):
    as_user(world.office)
    world.deputy.mobile = "13912345678"
    world.deputy.save()
    response = page_of(client_for(world.office), world.deputy)
    assert "13912345678" not in response.content.decode()
    change = response.context["page"].object_list[0].changes[0]
    assert change.field == "手机号码" and change.hidden


def test_history_page_scope(world, client_for, make_user, make_delegation):
    stranger = make_user("north", roles=[(Role.TOWN_STAFF, make_delegation("北镇"))])
    assert page_of(client_for(stranger), world.deputy).status_code == 404
    assert page_of(client_for(world.town_staff), world.deputy).status_code == 200
    assert page_of(client_for(world.leadership), world.deputy).status_code == 200
    own = client_for(world.deputy_user)
    assert own.get(reverse("deputies:my_history")).status_code == 200
    assert page_of(own, world.other).status_code == 404
    assert client_for(world.office).get(reverse("deputies:my_history")).status_code == 404


def test_history_page_queries_do_not_grow_with_changes(
    world, client_for, as_user, django_assert_max_num_queries
):
    as_user(world.office)
    client = client_for(world.office)

    def churn(n, start=0):
        for i in range(start, start + n):
            a = _with(Attendance.objects.get(meeting=world.meeting2026), status="absent")
            a.save()
            a.status = "present"
            a.save()
            sp = ServicePeriod.objects.get(deputy=world.deputy)
            sp.note = f"说明{i}"
            sp.save()
            Speech.objects.create(deputy=world.deputy, date=date(2026, 1, 6), topic=f"题{i}")

    churn(2)
    with django_assert_max_num_queries(40) as small:
        page_of(client, world.deputy)
    churn(20, start=2)
    with django_assert_max_num_queries(40) as large:
        response = page_of(client, world.deputy)
    assert len(response.context["page"].object_list) == 50
    assert len(large.captured_queries) <= len(small.captured_queries)
    assert response.context["page"].paginator.count > 80


def test_history_entry_time_is_shown(world, client_for):
    html = page_of(client_for(world.office), world.deputy).content.decode()
    assert datetime.now().strftime("%Y-") in html
