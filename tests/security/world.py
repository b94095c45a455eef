"""The small fixture world the access matrix runs against.

Two delegations (安亭镇 = 1, 南翔镇 = 2), a group in each. Deputy A (in group 1, delegation 1)
owns one record of every kind; deputy B sits in delegation 2. The ten roles are chosen so each
one tests scope: the group leader leads A's group, the town staff and the delegation head are of
delegation 2 or 1 as named, committee staff organise a committee that is not A's activity's
organiser.
"""

from datetime import date, timedelta

from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from activities import services as activity_services
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
from briefings.models import Briefing, BriefingAttachment, Receipt
from deputies.mfa import OPTIONAL_MFA_ROLES
from deputies.models import (
    Constituent,
    Delegation,
    Deputy,
    DeputyGroup,
    LiaisonAssignment,
    Organiser,
    Role,
    RoleAssignment,
    ServicePeriod,
    Suspension,
    Term,
    Termination,
)
from invitations.models import Invitation, InvitedDeputy
from proposals.models import Assignment, HandlingUnit, Proposal, ProposalEvaluation
from supervision.models import (
    Award,
    ConstituencyReport,
    ExportJob,
    GroupAnnualReport,
    Interview,
    LedgerImportJob,
    Notification,
    RecordFlag,
    SelfReport,
)
from tests.conftest import TOTP_SECRET

# The ten roles of the issue, in its order.
ROLES = [
    "anonymous",
    "deputy",
    "other_deputy",
    "group_leader",
    "other_town",
    "head",
    "secretary",
    "committee",
    "office",
    "leadership",
]


def build():
    """Create the world; return a namespace of its objects and users (by role name)."""
    today = timezone.localdate()
    year = today.year
    day = max(date(year, 1, 1), today - timedelta(days=5))
    term = Term.objects.create(
        name="第七届", start_date=date(year - 4, 1, 1), end_date=date(year + 1, 12, 31)
    )
    del1 = Delegation.objects.create(name="安亭镇")
    del2 = Delegation.objects.create(name="南翔镇")
    group1 = DeputyGroup.objects.create(term=term, delegation=del1, name="安亭一组")
    group2 = DeputyGroup.objects.create(term=term, delegation=del2, name="南翔一组")
    town_org = Organiser.objects.create(name="安亭镇人大", delegation=del1)
    committee_org = Organiser.objects.create(name="财经工委")

    User = get_user_model()

    def user(name, *roles):
        account = User.objects.create_user(username=name, password="x-Unused-2026")
        for role, scope in roles:
            extra = {}
            if isinstance(scope, Delegation):
                extra["delegation"] = scope
            elif isinstance(scope, Organiser):
                extra["organiser"] = scope
            RoleAssignment.objects.create(user=account, role=role, **extra)
        if any(role not in OPTIONAL_MFA_ROLES for role, _ in roles):
            # Staff roles must have enrolled in two-factor authentication (deputies.mfa).
            Authenticator.objects.create(
                user=account, type=Authenticator.Type.TOTP, data={"secret": TOTP_SECRET}
            )
        return account

    users = {
        "anonymous": None,
        "deputy": user("dep_a"),
        "other_deputy": user("dep_b"),
        "group_leader": user("leader1"),
        "other_town": user("town2", (Role.TOWN_STAFF, del2)),
        "head": user("head1", (Role.DELEGATION_HEAD, del1)),
        "secretary": user("sg", (Role.SECRETARY_GENERAL, None)),
        "committee": user("committee", (Role.COMMITTEE_STAFF, committee_org)),
        "office": user("office", (Role.OFFICE_STAFF, None)),
        "leadership": user("leader", (Role.LEADERSHIP, None)),
    }

    def deputy(code, name, group, account=None, **fields):
        d = Deputy.objects.create(
            term=term,
            code=code,
            name=name,
            delegation=group.delegation,
            group=group,
            user=account,
            **fields,
        )
        ServicePeriod.objects.create(deputy=d, start_date=term.start_date)
        return d

    a = deputy("A001", "甲代表", group1, users["deputy"])
    b = deputy("B001", "乙代表", group2, users["other_deputy"])
    leader = deputy("A002", "组长", group1, users["group_leader"])
    member = deputy("A003", "常委", group1, is_sc_member=True)
    group1.leader = leader
    group1.save()

    # Records of deputy A, one of each kind.
    service = a.service_periods.get()
    suspension = Suspension.objects.create(
        deputy=a, start_date=date(year - 3, 1, 1), end_date=date(year - 3, 2, 1)
    )
    termination_deputy = deputy("A009", "已终止", group1)
    termination = Termination.objects.create(
        deputy=termination_deputy,
        date=date(year - 1, 6, 1),
        reason=Termination.Reason.choices[0][0],
    )
    constituent = Constituent.objects.create(deputy=a, name="选民甲", phone="13800000001")
    liaison = LiaisonAssignment.objects.create(member=member, deputy=a)

    session = Session.objects.create(
        term=term, name=f"{year}年第一次会议", start_date=day, end_date=day
    )
    meeting = Meeting.objects.create(
        term=term,
        session=session,
        name="代表团会议",
        kind=Meeting.Kind.DELEGATION,
        date=day,
        delegation=del1,
    )
    attendance = Attendance.objects.create(meeting=meeting, deputy=a, status="present")
    leave = LeaveRequest.objects.create(
        meeting=meeting,
        deputy=a,
        reason=Attendance.LeaveReason.choices[0][0],
        explanation="出差",
        requested_by=users["deputy"],
    )
    speech = Speech.objects.create(deputy=a, date=day, meeting=meeting, topic="发言")
    activity = Activity.objects.create(
        term=term,
        name="视察",
        type=Activity._meta.get_field("type").choices[0][0],
        date=day,
        organiser=town_org,
    )
    participation = Participation.objects.create(activity=activity, deputy=a)
    # A photo on A's activity; the matrix's world puts MEDIA_ROOT in a temporary folder.
    attachment = ActivityAttachment.objects.create(
        activity=activity,
        file=ContentFile(b"\x89PNG\r\n\x1a\n", name="photo.png"),
        original_name="photo.png",
        kind=ActivityAttachment.Kind.IMAGE,
        content_type="image/png",
        size=8,
    )
    communication = Communication.objects.create(deputy=a, date=day, method="visit")
    communication.constituents.add(constituent)
    liaison_comm = LiaisonCommunication.objects.create(
        member=member, deputy=a, date=day, method="visit"
    )
    opinion = PublicOpinion.objects.create(deputy=a, date=day, title="意见", content="内容")
    unit = HandlingUnit.objects.create(name="区建管委")
    proposal = Proposal.objects.create(
        term=term,
        number="7001",
        kind=Proposal._meta.get_field("kind").choices[0][0],
        title="建议",
        submitted_date=day,
        lead=a,
    )
    proposal.handling_units.add(unit)
    assignment = Assignment.objects.create(
        proposal=proposal,
        unit=unit,
        role=Assignment.Role.LEAD,
        letter=ContentFile(b"%PDF-1.4\n", name="reply.pdf"),
        letter_name="reply.pdf",
        letter_type="application/pdf",
    )
    evaluation = ProposalEvaluation.objects.create(
        proposal=proposal,
        attitude="satisfied",
        result="satisfied",
        overall="satisfied",
        evaluated_by=users["deputy"],
    )
    report = ConstituencyReport.objects.create(deputy=a, date=day, form="oral")
    group_report = GroupAnnualReport.objects.create(group=group1, year=year, content="报告")
    interview = Interview.objects.create(
        deputy=a,
        year=year,
        kind=Interview._meta.get_field("kind").choices[0][0],
        conducted_by=Interview._meta.get_field("conducted_by").choices[0][0],
        date=day,
        reasons="未达标",
    )
    award = Award.objects.create(year=year, kind=Award.Kind.ACTIVE_DEPUTY, deputy=a)
    self_report = SelfReport.objects.create(
        deputy=a,
        kind=SelfReport.Kind.COMMUNICATION,
        date=day,
        method="visit",
        submitted_by=users["deputy"],
    )
    self_report.constituents.add(constituent)
    flag = RecordFlag.objects.create(
        deputy=a,
        year=year,
        kind=RecordFlag.Kind.choices[0][0],
        comment="少记一次",
        created_by=users["deputy"],
    )
    job = ExportJob.objects.create(
        kind=ExportJob.Kind.FEEDBACK_ZIP, year=year, term=term, created_by=users["office"]
    )
    # The office's preview of a ledger upload, finished (an empty workbook's result).
    ledger_job = LedgerImportJob.objects.create(
        created_by=users["office"],
        token="0123456789abcdef",
        term_name=term.name,
        state=LedgerImportJob.State.DONE,
        result={"term_name": term.name, "errors": [], "warnings": [], "sheets": []},
    )
    # A briefing (通报) to A's delegation by the office, with a PDF; A has a receipt.
    briefing = Briefing.objects.create(
        term=term,
        title="通报",
        body="正文",
        audience=Briefing.Audience.DELEGATION,
        delegation=del1,
        published_by=users["office"],
    )
    for addressed in (a, leader, member):
        Receipt.objects.create(briefing=briefing, deputy=addressed)
    briefing_attachment = BriefingAttachment.objects.create(
        briefing=briefing,
        file=ContentFile(b"%PDF-1.4\n", name="briefing.pdf"),
        original_name="briefing.pdf",
        content_type="application/pdf",
        size=9,
    )
    notification = Notification.objects.create(
        recipient=users["deputy"], kind="test", period=str(year), subject="提醒", body="内容"
    )
    # An invitation to A's activity, open for replies (its deadline a day ahead).
    invitation = Invitation.objects.create(
        activity=activity,
        kind=Invitation.Kind.REQUIRED,
        reply_deadline=timezone.now() + timedelta(days=1),
        created_by=users["office"],
    )
    invitee = InvitedDeputy.objects.create(
        invitation=invitation, deputy=a, answer="decline", reason="出差", leave_decision="pending"
    )
    from citizens import services as citizen_services

    citizen_message, _code = citizen_services.submit_message(
        citizen_services.page_for(a),
        category="urban",
        content="小区路灯坏了",
        name="选民甲",
        phone="13900001111",
    )
    objects = {
        "citizen_message": citizen_message,
        "citizen_page_b": citizen_services.page_for(b),
        "deputy": a,
        "service": service,
        "suspension": suspension,
        "termination": termination,
        "constituent": constituent,
        "liaison": liaison,
        "session": session,
        "meeting": meeting,
        "attendance": attendance,
        "leave": leave,
        "speech": speech,
        "activity": activity,
        "participation": participation,
        "attachment": attachment,
        "communication": communication,
        "liaison_comm": liaison_comm,
        "opinion": opinion,
        "proposal": proposal,
        "assignment": assignment,
        "evaluation": evaluation,
        "report": report,
        "group_report": group_report,
        "interview": interview,
        "award": award,
        "self_report": self_report,
        "flag": flag,
        "job": job,
        "ledger_job": ledger_job,
        "notification": notification,
        "invitation": invitation,
        "invitee": invitee,
        "briefing": briefing,
        "briefing_attachment": briefing_attachment,
    }
    # A rule set version (supervision.rulesets): the migrated 2024 one, or one made here when
    # an earlier transactional test flushed it.
    from supervision.rulesets.models import RuleSet

    ruleset = RuleSet.objects.order_by("pk").first() or RuleSet.objects.create(
        name="规则版本", effective_date=date(2024, 4, 25), status=RuleSet.Status.PUBLISHED
    )
    return {
        "ruleset": ruleset,
        "term": term,
        "year": year,
        "del1": del1,
        "del2": del2,
        "group1": group1,
        "group2": group2,
        "b": b,
        "member": member,
        "termination_deputy": termination_deputy,
        "signin_token": activity_services.signin_token(activity),
        "users": users,
        **objects,
    }
