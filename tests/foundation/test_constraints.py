"""Every model constraint refuses bad data, and accepts the good data next to it."""

from contextlib import contextmanager
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from activities.models import (
    Activity,
    ActivityType,
    Attendance,
    Communication,
    ContactMethod,
    LeaveRequest,
    Meeting,
    Participation,
)
from deputies.models import (
    Constituent,
    Deputy,
    LiaisonAssignment,
    Organiser,
    Role,
    RoleAssignment,
    ServicePeriod,
    Term,
)
from proposals.models import Proposal
from supervision.models import Award

pytestmark = pytest.mark.django_db

D = date(2024, 3, 5)


@contextmanager
def refused(exc=IntegrityError):
    """pytest.raises around a savepoint, so the test goes on after the refused write."""
    with pytest.raises(exc), transaction.atomic():
        yield


@pytest.fixture
def other_term(make_term):
    return make_term("第八届", date(2027, 1, 1), date(2031, 12, 31))


@pytest.fixture
def meeting(term):
    return Meeting.objects.create(
        term=term, name="七届人大三次会议第一次全体会议", kind=Meeting.Kind.PLENARY, date=D
    )


# --- terms, deputies, service ------------------------------------------------------------


def test_deputy_code_is_unique_within_a_term(term, make_deputy):
    make_deputy(term, "JD001")
    with refused():
        make_deputy(term, "JD001", name="另一人")


def test_the_same_deputy_code_in_two_terms_is_fine(term, other_term, make_deputy):
    make_deputy(term, "JD001")
    make_deputy(other_term, "JD001")
    assert {d.term.name for d in Deputy.objects.filter(code="JD001")} == {"第七届", "第八届"}


def test_term_end_before_start_is_refused(db):
    with refused():
        Term.objects.create(name="错误届次", start_date=date(2026, 1, 1), end_date=date(2025, 1, 1))


def test_service_end_before_start_is_refused(term, make_deputy):
    deputy = make_deputy(term, "JD001", service=False)
    with refused():
        ServicePeriod.objects.create(
            deputy=deputy, start_date=date(2023, 5, 1), end_date=date(2023, 4, 30)
        )
    # One day in office is allowed: both end dates count.
    ServicePeriod.objects.create(
        deputy=deputy, start_date=date(2023, 5, 1), end_date=date(2023, 5, 1)
    )


# --- leave requests (Art. 5): head first, then the secretary-general -----------------------


def _leave(meeting, deputy, **fields):
    return LeaveRequest.objects.create(
        meeting=meeting, deputy=deputy, reason="illness", explanation="住院治疗", **fields
    )


def test_secretary_general_cannot_decide_after_the_head_refused(term, meeting, make_deputy):
    deputy = make_deputy(term, "JD001")
    with refused():
        _leave(meeting, deputy, head_approved=False, sg_approved=True)


# A CHECK lets a NULL result through; these two cover the NULL decisions.
def test_secretary_general_cannot_decide_before_the_delegation_head(term, meeting, make_deputy):
    deputy = make_deputy(term, "JD001")
    with refused():
        _leave(meeting, deputy, sg_approved=True)


def test_approved_leave_needs_the_secretary_generals_approval(term, meeting, make_deputy):
    deputy = make_deputy(term, "JD001")
    with refused():
        _leave(
            meeting,
            deputy,
            status=LeaveRequest.Status.APPROVED,
            head_approved=True,
            sg_approved=False,
        )
    approved = _leave(
        meeting,
        deputy,
        status=LeaveRequest.Status.APPROVED,
        head_approved=True,
        sg_approved=True,
    )
    assert approved.get_status_display() == "已批准"


def test_approved_leave_needs_both_approvals(term, meeting, make_deputy):
    deputy = make_deputy(term, "JD001")
    with refused():
        _leave(meeting, deputy, status=LeaveRequest.Status.APPROVED, head_approved=True)
    with refused():
        _leave(meeting, deputy, status=LeaveRequest.Status.APPROVED)


# --- liaison (Art. 15): standing-committee members liaise with 3 to 6 deputies ---------------


def test_sc_member_cannot_get_a_seventh_liaison_deputy(term, make_deputy):
    member = make_deputy(term, "SC01", is_sc_member=True)
    for n in range(6):
        LiaisonAssignment.objects.create(member=member, deputy=make_deputy(term, f"JD{n:03}"))
    seventh = make_deputy(term, "JD099")
    with pytest.raises(ValidationError):
        LiaisonAssignment.objects.create(member=member, deputy=seventh)
    assert member.liaison_deputies.count() == 6


def test_only_sc_members_get_liaison_deputies(term, make_deputy):
    member = make_deputy(term, "JD001", is_sc_member=False)
    with pytest.raises(ValidationError):
        LiaisonAssignment.objects.create(member=member, deputy=make_deputy(term, "JD002"))
    assert not LiaisonAssignment.objects.exists()


def test_member_cannot_liaise_with_themself(term, make_deputy):
    member = make_deputy(term, "SC01", is_sc_member=True)
    with refused((IntegrityError, ValidationError)):
        LiaisonAssignment.objects.create(member=member, deputy=member)
    assert not LiaisonAssignment.objects.exists()


# --- attendance, activities, constituents, communications ----------------------------------


def test_attendance_is_one_row_per_meeting_and_deputy(term, meeting, make_deputy):
    deputy = make_deputy(term, "JD001")
    Attendance.objects.create(meeting=meeting, deputy=deputy, status="present")
    with refused():
        Attendance.objects.create(meeting=meeting, deputy=deputy, status="absent")


def test_leave_reason_only_with_leave(term, meeting, make_deputy):
    deputy = make_deputy(term, "JD001")
    with refused():
        Attendance.objects.create(
            meeting=meeting, deputy=deputy, status="present", leave_reason="illness"
        )
    with refused():
        Attendance.objects.create(
            meeting=meeting, deputy=deputy, status="absent", leave_reason="abroad"
        )
    Attendance.objects.create(meeting=meeting, deputy=deputy, status="leave", leave_reason="abroad")


def test_activity_identity_is_term_name_and_date(term, other_term):
    fields = {"name": "城市更新专题调研", "type": ActivityType.RESEARCH}
    Activity.objects.create(term=term, date=D, **fields)
    with refused():
        Activity.objects.create(term=term, date=D, **fields)
    Activity.objects.create(term=term, date=date(2024, 3, 6), **fields)
    Activity.objects.create(term=other_term, date=D, **fields)
    assert Activity.objects.filter(name="城市更新专题调研").count() == 3


def test_participation_is_one_row_per_activity_and_deputy(term, make_deputy):
    activity = Activity.objects.create(
        term=term, name="代表小组活动", type=ActivityType.GROUP, date=D
    )
    deputy = make_deputy(term, "JD001")
    Participation.objects.create(activity=activity, deputy=deputy)
    with refused():
        Participation.objects.create(activity=activity, deputy=deputy, status="absent")


def test_constituent_identity_is_deputy_name_and_phone(term, make_deputy):
    deputy = make_deputy(term, "JD001")
    Constituent.objects.create(deputy=deputy, name="王建国", phone="13800000001")
    with refused():
        Constituent.objects.create(deputy=deputy, name="王建国", phone="13800000001")
    # A namesake with another phone is another person; so is the same person on another list.
    Constituent.objects.create(deputy=deputy, name="王建国", phone="13800000002")
    Constituent.objects.create(
        deputy=make_deputy(term, "JD002"), name="王建国", phone="13800000001"
    )


def test_communication_identity_is_deputy_date_and_method(term, make_deputy):
    deputy = make_deputy(term, "JD001")
    Communication.objects.create(deputy=deputy, date=D, method=ContactMethod.VISIT)
    with refused():
        Communication.objects.create(deputy=deputy, date=D, method=ContactMethod.VISIT)
    Communication.objects.create(deputy=deputy, date=D, method=ContactMethod.PHONE)


# --- proposals, awards, roles --------------------------------------------------------------


def test_proposal_number_is_unique_per_term(term, other_term, make_deputy):
    lead = make_deputy(term, "JD001")
    fields = {"number": "J2024-001", "kind": "suggestion", "title": "关于加强社区养老服务的建议"}
    Proposal.objects.create(term=term, lead=lead, submitted_date=D, **fields)
    with refused():
        Proposal.objects.create(term=term, lead=lead, submitted_date=D, **fields)
    Proposal.objects.create(
        term=other_term,
        lead=make_deputy(other_term, "JD001"),
        submitted_date=date(2027, 3, 1),
        **fields,
    )


def test_award_subject_must_match_its_kind(term, make_deputy):
    deputy = make_deputy(term, "JD001")
    proposal = Proposal.objects.create(
        term=term, number="J1", kind="suggestion", title="建议", submitted_date=D, lead=deputy
    )
    with refused():
        Award.objects.create(year=2024, kind=Award.Kind.ACTIVE_DEPUTY, proposal=proposal)
    with refused():
        Award.objects.create(year=2024, kind=Award.Kind.EXCELLENT_PROPOSAL, deputy=deputy)
    with refused():
        Award.objects.create(
            year=2024, kind=Award.Kind.ACTIVE_DEPUTY, deputy=deputy, proposal=proposal
        )
    Award.objects.create(year=2024, kind=Award.Kind.ACTIVE_DEPUTY, deputy=deputy)
    Award.objects.create(year=2024, kind=Award.Kind.EXCELLENT_PROPOSAL, proposal=proposal)
    assert Award.objects.count() == 2


@pytest.mark.parametrize(
    "role", [Role.TOWN_STAFF, Role.DELEGATION_HEAD, Role.GROUP_LEADER, Role.COMMITTEE_STAFF]
)
def test_scoped_role_needs_its_scope(role, make_user):
    user = make_user("staff")
    with refused():
        RoleAssignment.objects.create(user=user, role=role)


def test_town_role_with_a_delegation_is_accepted(make_user, delegation):
    user = make_user("town", roles=[(Role.TOWN_STAFF, delegation)])
    assert user.role_assignments.get().delegation == delegation


def test_committee_role_with_an_organiser_is_accepted(make_user):
    organiser = Organiser.objects.create(name="城建环保工委")
    user = make_user("committee", roles=[(Role.COMMITTEE_STAFF, organiser)])
    assert user.role_assignments.get().organiser == organiser
