"""Seeding and resetting the demo dataset (the entry points seed_demo and reset_demo)."""

import contextlib

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import ProtectedError

from activities.models import (
    Activity,
    ActivityAttachment,
    Attendance,
    Communication,
    LeaveRequest,
    LiaisonCommunication,
    Meeting,
    Participation,
    PublicOpinion,
    Session,
    Speech,
)
from deputies.demo.builder import DemoBuilder
from deputies.demo.common import organiser_name
from deputies.demo.data import (
    ACCOUNTS,
    COMMITTEES,
    DELEGATIONS,
    DEMO_PASSWORD,
    HANDLING_UNITS,
    TERM_NAME,
)
from deputies.models import (
    Constituent,
    Delegation,
    Deputy,
    DeputyGroup,
    LiaisonAssignment,
    Organiser,
    RoleAssignment,
    ServicePeriod,
    Suspension,
    Term,
    Termination,
)
from proposals.models import (
    Assignment,
    Cosignature,
    HandlingUnit,
    Proposal,
    ProposalEvaluation,
)
from supervision.models import Award, ConstituencyReport, GroupAnnualReport, Interview


def demo_exists() -> bool:
    return Term.objects.filter(name=TERM_NAME).exists()


def account_rows() -> list[tuple[str, str, str]]:
    """(username, password, role in Chinese) for the table printed after every run."""
    return [(username, DEMO_PASSWORD, str(role.label)) for username, role in ACCOUNTS]


@transaction.atomic
def reset_demo(reference: bool = False) -> None:
    """Delete the demo term with everything recorded under it, and the demo accounts.

    Rows are deleted with plain DELETE statements, child tables first: going through the
    ORM's collector would load every row and write a history row for each. With
    `reference`, the delegations, organisers and handling units go too where nothing else
    uses them.
    """
    User = get_user_model()
    term = Term.objects.filter(name=TERM_NAME).first()
    if term is not None:
        of_term = {"deputy__term": term}
        steps = [
            (Award, {"deputy__term": term}),
            (Award, {"proposal__term": term}),
            (Interview, of_term),
            (GroupAnnualReport, {"group__term": term}),
            (ConstituencyReport, of_term),
            (ProposalEvaluation, {"proposal__term": term}),
            (Cosignature, {"proposal__term": term}),
            (Assignment, {"proposal__term": term}),
            (Proposal.handling_units.through, {"proposal__term": term}),
            (Proposal, {"term": term}),
            (LiaisonCommunication, {"member__term": term}),
            (Communication.constituents.through, {"communication__deputy__term": term}),
            (Communication, of_term),
            (PublicOpinion, of_term),
            (Participation, {"activity__term": term}),
            (ActivityAttachment, {"activity__term": term}),  # rows only; files stay on disk
            (Activity, {"term": term}),
            (Speech, of_term),
            (LeaveRequest, {"meeting__term": term}),
            (Attendance, {"meeting__term": term}),
            (Meeting, {"term": term}),
            (Session, {"term": term}),
            (LiaisonAssignment, {"member__term": term}),
            (Constituent, of_term),
            (Termination, of_term),
            (Suspension, of_term),
            (ServicePeriod, of_term),
            (RoleAssignment, {"group__term": term}),
        ]
        for model, lookup in steps:
            qs = model.objects.filter(**lookup)
            qs._raw_delete(qs.db)
        DeputyGroup.objects.filter(term=term).update(leader=None)
        Deputy.objects.filter(term=term).update(group=None, user=None)
        for model in (DeputyGroup, Deputy):
            qs = model.objects.filter(term=term)
            qs._raw_delete(qs.db)
        Term.objects.filter(pk=term.pk).delete()
    usernames = [username for username, _role in ACCOUNTS]
    RoleAssignment.objects.filter(user__username__in=usernames).delete()
    User.objects.filter(username__in=usernames).delete()
    if reference:
        for model, names in (
            (Organiser, [organiser_name(n, k) for n, k, _d, _g in DELEGATIONS] + list(COMMITTEES)),
            (HandlingUnit, list(HANDLING_UNITS)),
            (Delegation, [n for n, _k, _d, _g in DELEGATIONS]),
        ):
            for obj in model.objects.filter(name__in=names):
                with contextlib.suppress(ProtectedError):  # still used outside the demo
                    obj.delete()


def seed_demo(scale: int = 1, log=print) -> dict:
    """Write the demo dataset; returns the number of rows written per model."""
    return DemoBuilder(scale, log).run()
