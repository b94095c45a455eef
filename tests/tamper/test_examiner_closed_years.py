"""Examiner's attempts (issue 7 review) to change a closed year's counted records without
office-staff rights and a reason, or without a history row: paths the first tests did not
try (admin, cascades, QR sign-in, self-report confirm, leave approval, proposals, seeding)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from activities import services as activity_services
from activities.models import Attendance, Communication, LeaveRequest, Meeting, Participation
from activities.sessions import services as session_services
from deputies.models import Constituent, Role
from proposals.models import Cosignature, Proposal
from supervision.closing.services import (
    REASON_FIELD,
    ClosedYearError,
    close_year,
    closed_year_change,
)
from supervision.models import ClosedYear

pytestmark = pytest.mark.django_db

CLOSED = "该年度（2025）的记录已结账"


@pytest.fixture
def closed(world):
    return close_year(world.office, 2025, "2025年度反馈表已发出")


@pytest.fixture
def admin_user(make_user):
    # Admin accounts are office staff (a superuser counts as 人事代表工委, deputies.scopes).
    return make_user("admin", is_superuser=True)


@pytest.fixture
def contacted(world):
    """Five constituents of the deputy, each reached twice in 2025 (ART15 met)."""
    people = [Constituent.objects.create(deputy=world.deputy, name=f"选民{i}") for i in range(5)]
    for day in (date(2025, 4, 1), date(2025, 5, 1)):
        comm = Communication.objects.create(deputy=world.deputy, date=day, method="visit")
        comm.constituents.set(people)
    return people


# -- the admin ---------------------------------------------------------------------------------


def _constituent_admin_data(constituent, **changes):
    data = {
        "deputy": constituent.deputy_id,
        "name": constituent.name,
        "phone": constituent.phone,
        "address": constituent.address,
    }
    data.update(changes)
    return data


def test_admin_moving_a_constituent_to_another_deputy_needs_a_reason(
    world, contacted, closed, admin_user, client_for
):
    """The constituent's links stay, but a constituent counts only on its own deputy's list:
    moving it takes it out of the closed year's ART15 count like a deletion does."""
    person = contacted[0]
    url = reverse("admin:deputies_constituent_change", args=[person.pk])
    client = client_for(admin_user)
    data = _constituent_admin_data(person, deputy=world.other.pk)
    asked = client.post(url, data)
    assert asked.status_code == 409 and "更正理由" in asked.content.decode()
    person.refresh_from_db()
    assert person.deputy_id == world.deputy.pk

    saved = client.post(url, {**data, REASON_FIELD: "选民登记在错误的代表名下"})
    assert saved.status_code == 302
    person.refresh_from_db()
    assert person.deputy_id == world.other.pk
    assert person.history.first().history_change_reason == "选民登记在错误的代表名下"


def test_constituent_name_edits_stay_free_in_a_closed_year(world, contacted, closed, client_for):
    from deputies import services as deputy_services

    person = contacted[0]
    person.name = "选民零"
    deputy_services.save_constituent(person)  # no override: a name changes no count
    person.refresh_from_db()
    assert person.name == "选民零"


def test_admin_edit_of_a_closed_year_record_asks_for_a_reason(
    world, closed, admin_user, client_for
):
    url = reverse("admin:activities_attendance_change", args=[world.deputy.attendances.get(
        meeting=world.meeting2025).pk])  # fmt: skip
    data = {
        "meeting": world.meeting2025.pk,
        "deputy": world.deputy.pk,
        "status": "absent",
        "leave_reason": "",
    }
    client = client_for(admin_user)
    asked = client.post(url, data)
    assert asked.status_code == 409
    assert Attendance.objects.get(meeting=world.meeting2025).status == "present"
    saved = client.post(url, {**data, REASON_FIELD: "签到表核对有误"})
    assert saved.status_code == 302, saved.content.decode()[:2000]
    row = Attendance.objects.get(meeting=world.meeting2025)
    assert row.status == "absent"
    assert row.history.first().history_change_reason == "签到表核对有误"
    assert row.history.first().history_user == admin_user


def test_admin_bulk_delete_action_in_a_closed_year_asks_for_a_reason(
    world, closed, admin_user, client_for
):
    row = Attendance.objects.get(meeting=world.meeting2025)
    url = reverse("admin:activities_attendance_changelist")
    data = {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
    client = client_for(admin_user)
    asked = client.post(url, data)
    assert asked.status_code == 409
    assert Attendance.objects.filter(pk=row.pk).exists()
    done = client.post(url, {**data, REASON_FIELD: "重复登记"})
    assert done.status_code == 302
    assert not Attendance.objects.filter(pk=row.pk).exists()
    gone = Attendance.history.get(id=row.pk, history_type="-")
    assert gone.history_change_reason == "重复登记" and gone.history_user == admin_user


# -- cascades ------------------------------------------------------------------------------


def test_deleting_a_session_of_a_closed_year_is_refused_and_keeps_its_attendance(
    world, closed, client_for
):
    url = reverse("activities:session_delete", args=[world.session2025.pk])
    refused = client_for(world.office).post(url)  # office staff, but no reason
    assert refused.status_code == 409
    assert Attendance.objects.filter(meeting=world.meeting2025).exists()
    with pytest.raises(ClosedYearError):
        session_services.delete_session(world.session2025)
    assert Meeting.objects.filter(pk=world.meeting2025.pk).exists()


def test_cascaded_attendance_deletion_is_on_the_history_page(world, closed, client_for):
    pk = world.meeting2025.pk
    url = reverse("activities:session_delete", args=[world.session2025.pk])
    client = client_for(world.office)
    assert client.post(url, {REASON_FIELD: "会议重复录入"}).status_code == 302
    assert not Attendance.objects.filter(meeting_id=pk).exists()
    gone = Attendance.history.get(meeting_id=pk, history_type="-")
    assert gone.history_user == world.office and gone.history_change_reason == "会议重复录入"
    page = client.get(reverse("deputies:history", args=[world.deputy.pk])).content.decode()
    assert "删除" in page and "会议重复录入" in page and "2025年第一次全体会议" in page


# -- other service paths -------------------------------------------------------------------


def test_qr_sign_in_to_a_closed_year_activity_is_refused(world, closed, client_for):
    activity = world.activity2025
    now = timezone.now()
    type(activity).objects.filter(pk=activity.pk).update(
        signin_opens_at=now - timedelta(hours=1), signin_closes_at=now + timedelta(hours=1)
    )
    with closed_year_change(world.office, "准备测试"):
        Participation.objects.get(activity=activity, deputy=world.deputy).delete()
    token = activity_services.signin_token(activity)
    url = reverse("activities:signin", args=[activity.pk, token])
    response = client_for(world.deputy_user).get(url)
    assert response.status_code == 200
    assert CLOSED in response.content.decode()
    assert "确认签到" not in response.content.decode()
    posted = client_for(world.deputy_user).post(url, {"action": "signin"})
    assert CLOSED in posted.content.decode()
    assert not Participation.objects.filter(activity=activity, deputy=world.deputy).exists()


def test_self_report_confirm_cannot_merge_into_a_closed_year_communication(
    world, contacted, closed, client_for
):
    from supervision.models import SelfReport
    from supervision.self_reports.services import confirm

    comm = Communication.objects.get(deputy=world.deputy, date=date(2025, 4, 1))
    extra = Constituent.objects.create(deputy=world.deputy, name="新选民")
    report = SelfReport.objects.create(
        deputy=world.deputy,
        kind=SelfReport.Kind.COMMUNICATION,
        date=date(2025, 4, 1),
        method="visit",
        content="补充走访",
        status=SelfReport.Status.PENDING,
        submitted_by=world.deputy_user,
    )
    report.constituents.set([extra])
    with pytest.raises(ValidationError):
        confirm(world.town_staff, report)
    report.refresh_from_db()
    assert report.status == SelfReport.Status.PENDING
    assert extra not in comm.constituents.all()
    assert "补充走访" not in Communication.objects.get(pk=comm.pk).content


def test_leave_approval_for_a_closed_year_meeting_is_refused_whole(world, closed, make_user):
    leave = LeaveRequest.objects.bulk_create(
        [
            LeaveRequest(
                deputy=world.deputy,
                meeting=world.meeting2025,
                reason="illness",
                explanation="住院",
                requested_by=world.deputy_user,
                status=LeaveRequest.Status.PENDING_SG,
                head_approved=True,
            )
        ]
    )[0]  # fmt: skip  (written before closing, as the demo does)
    sg = make_user("sg", roles=[(Role.SECRETARY_GENERAL, None)])
    with pytest.raises(ValidationError):
        session_services.sg_decide(sg, leave, True)
    leave.refresh_from_db()
    assert leave.status == LeaveRequest.Status.PENDING_SG
    assert Attendance.objects.get(meeting=world.meeting2025).status == "present"


def test_cosigning_or_deleting_a_closed_year_proposal_is_refused(world, closed):
    from proposals import services as proposal_services

    proposal = Proposal.objects.bulk_create(
        [Proposal(term=world.term, number="J2025001", kind="suggestion", title="停车",
                  submitted_date=date(2025, 1, 7), lead=world.deputy)]
    )[0]  # fmt: skip
    Cosignature.objects.bulk_create([Cosignature(proposal=proposal, deputy=world.other)])
    with pytest.raises(ClosedYearError):
        Cosignature.objects.create(proposal=proposal, deputy=world.deputy)
    with pytest.raises(ClosedYearError):
        proposal_services.delete_proposal(proposal)
    assert Cosignature.objects.filter(proposal=proposal).count() == 1


# -- the demo seeding ------------------------------------------------------------------------


def test_seed_demo_reset_refuses_to_wipe_a_term_with_closed_years(world, closed):
    """The demo term is called 第七届, like the real one: --reset must not wipe a closed year's
    records with raw DELETEs that leave no history."""
    with pytest.raises(CommandError, match="已结账"):
        call_command("seed_demo", "--reset")
    assert Attendance.objects.filter(meeting=world.meeting2025).exists()
    assert ClosedYear.objects.filter(year=2025).exists()


# -- the history page ------------------------------------------------------------------------


def test_history_page_shows_which_constituents_a_communication_gained(world, client_for):
    """Adding a constituent to a contact changes the ART15 count: the page must say who, not
    an empty 修改 row."""
    first = Constituent.objects.create(deputy=world.deputy, name="王五")
    second = Constituent.objects.create(deputy=world.deputy, name="赵六")
    day = date(2026, 2, 1)
    activity_services.record_communication(world.deputy, day, "visit", "走访", [first])
    activity_services.record_communication(world.deputy, day, "visit", "", [second])
    page = client_for(world.office).get(reverse("deputies:history", args=[world.deputy.pk]))
    body = page.content.decode()
    assert "选民：王五 → 王五、赵六" in body
    assert "（空） → 王五" in body


def test_history_page_queries_do_not_grow_with_communication_changes(world, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world.office)
    url = reverse("deputies:history", args=[world.deputy.pk])
    people = [Constituent.objects.create(deputy=world.deputy, name=f"选民{i}") for i in range(6)]

    def record(n):
        day = date(2026, 2, n)
        activity_services.record_communication(world.deputy, day, "visit", "", people[:1])
        activity_services.record_communication(world.deputy, day, "visit", "", people[1:3])

    record(1)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(2, 8):
        record(n)
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()
    assert len(many) == len(few)
    assert body.count("选民0 → 选民0、选民1、选民2") == 7
