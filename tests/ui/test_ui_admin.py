"""数据管理: every model has a working admin with its history, without N+1 queries."""

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from deputies.models import Role

pytestmark = pytest.mark.django_db

APPS = {"deputies", "activities", "proposals", "supervision"}


@pytest.fixture
def superuser_client(make_user, client_for):
    return client_for(make_user("admin", is_superuser=True))


@pytest.fixture
def one_of_everything(make_user, make_delegation, make_group, make_deputy, term):
    """One row of every model of the four apps, linked as in real data."""
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
    from deputies.models import (
        Constituent,
        LiaisonAssignment,
        Organiser,
        RoleAssignment,
        Suspension,
        Termination,
    )
    from proposals.models import (
        Assignment,
        Cosignature,
        HandlingUnit,
        Proposal,
        ProposalEvaluation,
    )
    from supervision.models import (
        Award,
        ConstituencyReport,
        ExportChunk,
        ExportJob,
        GroupAnnualReport,
        Interview,
        JobRun,
        Notification,
        NotificationPreference,
        NotificationSetting,
        PointWeight,
        RecordFlag,
        ReportDraft,
        SelfReport,
        ShortfallFlag,
    )

    nanxiang = make_delegation("南翔镇")
    user = make_user("dep")
    member = make_deputy(term, "M1", delegation=nanxiang, is_sc_member=True, user=user)
    group = make_group(term, nanxiang, leader=member)
    deputy = make_deputy(term, "D1", group=group)
    gone = make_deputy(term, "D2", delegation=nanxiang)
    Suspension.objects.create(deputy=deputy, start_date=date(2023, 1, 1))
    Termination.objects.create(deputy=gone, date=date(2024, 1, 1), reason="moved")
    constituent = Constituent.objects.create(deputy=deputy, name="张三", phone="123")
    LiaisonAssignment.objects.create(member=member, deputy=deputy)
    organiser = Organiser.objects.create(name="南翔镇人大", delegation=nanxiang)
    RoleAssignment.objects.create(user=user, role=Role.TOWN_STAFF, delegation=nanxiang)
    session = Session.objects.create(
        term=term, name="七届人大五次会议", start_date=date(2026, 1, 5), end_date=date(2026, 1, 8)
    )
    meeting = Meeting.objects.create(
        term=term, session=session, name="第一次全体会议", kind="plenary", date=date(2026, 1, 5)
    )
    Attendance.objects.create(meeting=meeting, deputy=deputy, status="present")
    LeaveRequest.objects.create(
        meeting=meeting, deputy=member, reason="illness", explanation="住院", requested_by=user
    )
    Speech.objects.create(deputy=deputy, date=date(2026, 1, 6), meeting_name="代表团会议")
    activity = Activity.objects.create(
        term=term, name="专题调研", type="research", date=date(2026, 3, 1), organiser=organiser
    )
    Participation.objects.create(activity=activity, deputy=deputy)
    ActivityAttachment.objects.create(
        activity=activity, file="activity_attachments/0.png", original_name="现场.png",
        kind="image", content_type="image/png", size=8,
    )  # fmt: skip
    communication = Communication.objects.create(deputy=deputy, date=date(2026, 4, 1))
    communication.constituents.add(constituent)
    LiaisonCommunication.objects.create(member=member, deputy=deputy, date=date(2026, 4, 2))
    PublicOpinion.objects.create(deputy=deputy, date=date(2026, 5, 1), title="停车难", content="…")
    unit = HandlingUnit.objects.create(name="区交通委")
    proposal = Proposal.objects.create(
        term=term,
        number="J001",
        kind="suggestion",
        title="关于停车的建议",
        submitted_date=date(2026, 1, 6),
        lead=deputy,
    )
    proposal.handling_units.add(unit)
    Assignment.objects.create(proposal=proposal, unit=unit, role="lead")
    Cosignature.objects.create(proposal=proposal, deputy=member)
    ProposalEvaluation.objects.create(proposal=proposal, overall="satisfied")
    ConstituencyReport.objects.create(deputy=deputy, date=date(2026, 6, 1), form="oral")
    ReportDraft.objects.create(deputy=deputy, rights="出席大会 5 次")
    GroupAnnualReport.objects.create(group=group, year=2026)
    Interview.objects.create(
        deputy=deputy,
        year=2026,
        kind="interview",
        conducted_by="group",
        date=date(2026, 7, 1),
        reasons="未达标",
    )
    Award.objects.create(year=2026, kind="active_deputy", deputy=member)
    job = ExportJob.objects.create(kind="evaluation", year=2026, term=term, created_by=user,
                                   total=4)  # fmt: skip
    ExportChunk.objects.create(job=job, index=0, deputy_ids=[deputy.pk], total=1)
    now = timezone.now()
    ShortfallFlag.objects.create(
        deputy=deputy, year=2026, rule_code="ART13_TRAINING", opened_at=now, last_seen_at=now
    )
    Notification.objects.create(recipient=user, kind="reminder", period="2026-Q4", subject="提醒",
                                body="…")  # fmt: skip
    NotificationSetting.objects.create(user=user, email=True)
    NotificationPreference.objects.create(user=user, kind="leave_approved", email=False)
    JobRun.objects.create(name="shortfall_scan", started_at=now, succeeded=True)
    report = SelfReport.objects.create(deputy=deputy, kind="communication", date=date(2026, 3, 1))
    report.constituents.add(constituent)
    RecordFlag.objects.create(deputy=deputy, year=2026, kind="missing", comment="漏记一次活动")
    PointWeight.objects.create(kind="speech", label="大会发言", points=2)
    from supervision.models import ExportLog  # issue 7.3

    ExportLog.objects.create(user=user, username=user.username, kind="evaluation",
                             description="南翔镇 2026年度", rows=1)  # fmt: skip
    from supervision.models import ClosedYear  # issue 7.4

    closed = ClosedYear.objects.create(year=2020, closed_by=user, note="反馈表已发出")
    from supervision.models import (
        ClosedYearFigures,  # issue 19: the dashboard's, kept
        LedgerImportJob,  # issue 19: the ledger import's job
    )

    LedgerImportJob.objects.create(created_by=user, token="t" * 32, term_name=term.name)
    ClosedYearFigures.objects.create(closed_year=closed, term=term, figures={"deputies": 1},
                                     computed_at=timezone.now())  # fmt: skip
    from supervision.models import RuleSet, RuleSetRule, YearJudgement  # rule versions

    draft = RuleSet.objects.create(name="试用版本", effective_date=date(2027, 1, 1))
    RuleSetRule.objects.create(ruleset=draft, code="ART13_TRAINING", articles="13",
                               short_name="履职学习培训", period="year", counts="activities",
                               quota=1, activity_types=["training"], order=1)  # fmt: skip
    YearJudgement.objects.create(year=2021, ruleset=draft, reason="试用", judged_by=user)


def our_models():
    return [model for model in admin.site._registry if model._meta.app_label in APPS]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_model_of_the_four_apps_is_registered():
    from django.apps import apps

    registered = set(admin.site._registry)
    for app_label in APPS:
        for model in apps.get_app_config(app_label).get_models():
            if hasattr(model, "instance_type"):
                continue  # simple_history's Historical* tables, shown on each object's page
            assert model in registered, f"{model.__name__} has no admin"


def test_every_admin_page_works_for_a_superuser(superuser_client, one_of_everything):
    request = RequestFactory().get("/admin/")
    request.user = User.objects.get(username="admin")
    changelists = {}
    for model, model_admin in admin.site._registry.items():
        response = superuser_client.get(admin_url(model, "changelist"))
        assert response.status_code == 200, f"{model.__name__} changelist"
        changelists[model] = response.content.decode()
        if model_admin.has_add_permission(request):
            response = superuser_client.get(admin_url(model, "add"))
            assert response.status_code == 200, f"{model.__name__} add"
    for model in our_models():
        obj = model._default_manager.first()
        assert obj is not None, f"no {model.__name__} row in the fixture"
        # The row is listed (its columns rendered) and links to its change page.
        assert admin_url(model, "change", obj.pk) in changelists[model], model.__name__
        for view in ("change", "history"):
            response = superuser_client.get(admin_url(model, view, obj.pk))
            assert response.status_code == 200, f"{model.__name__} {view}"


# What a search finds in one_of_everything, written out by hand: "南翔" is in the delegation's
# name (and so its group's), the organiser's name and the export log's description; "D1" is
# the code (and in the name 代表D1) of the deputy the records hang on; M1 and D2 are others.
SEARCH_HITS = {
    "南翔": {"Delegation": 1, "DeputyGroup": 1, "Organiser": 1, "ExportLog": 1},
    "D1": {
        "Deputy": 1, "ServicePeriod": 1, "Suspension": 1, "Constituent": 1,
        "LiaisonAssignment": 1, "Attendance": 1, "Speech": 1, "Participation": 1,
        "Communication": 1, "LiaisonCommunication": 1, "PublicOpinion": 1, "Proposal": 1,
        "ConstituencyReport": 1, "Interview": 1, "ShortfallFlag": 1, "SelfReport": 1,
        "RecordFlag": 1, "ReportDraft": 1,
    },
}  # fmt: skip


@pytest.mark.parametrize("query", SEARCH_HITS)
def test_search_works_on_every_changelist(superuser_client, one_of_everything, query):
    searchable = [m for m in our_models() if admin.site._registry[m].search_fields]
    assert {m.__name__ for m in our_models()} - {m.__name__ for m in searchable} == {
        "JobRun",
        "ClosedYear",
        "ClosedYearFigures",
        "LedgerImportJob",
    }
    found = {}
    for model in searchable:
        response = superuser_client.get(admin_url(model, "changelist"), {"q": query})
        assert response.status_code == 200, model.__name__
        count = response.context["cl"].result_count
        if count:
            found[model.__name__] = count
            # The hit is listed as a row linking to its change page.
            obj = response.context["cl"].result_list[0]
            assert admin_url(model, "change", obj.pk) in response.content.decode()
    assert found == SEARCH_HITS[query]


def test_deputy_history_shows_changes(superuser_client, make_deputy, term):
    deputy = make_deputy(term, "H1", name="李四")
    deputy.mobile = "13900000000"
    deputy.save()
    html = superuser_client.get(admin_url(type(deputy), "history", deputy.pk)).content.decode()
    assert html.count("<tr") >= 3  # header + creation + change


def test_deputy_change_page_has_its_inlines(superuser_client, make_deputy, term):
    deputy = make_deputy(term, "I1", is_sc_member=True)
    html = superuser_client.get(admin_url(type(deputy), "change", deputy.pk)).content.decode()
    for title in ("任职期间", "暂停执行代表职务", "终止代表资格", "选民", "常委会组成人员联系代表"):
        assert title in html, title


def test_user_admin_shows_role_assignments(superuser_client, make_user, make_delegation):
    town = make_delegation("南翔镇")
    user = make_user("staff", roles=[(Role.TOWN_STAFF, town)])
    html = superuser_client.get(reverse("admin:auth_user_change", args=[user.pk])).content.decode()
    assert "角色分配" in html
    assert 'name="role_assignments-0-role"' in html


def test_deputy_changelist_queries_do_not_grow(
    superuser_client,
    make_user,
    make_delegation,
    make_group,
    make_deputy,
    term,
    django_assert_max_num_queries,
):
    url = reverse("admin:deputies_deputy_changelist")
    nanxiang = make_delegation("南翔镇")
    group = make_group(term, nanxiang)

    def add(codes):
        for code in codes:
            make_deputy(term, code, group=group, user=make_user(f"u{code}"), mobile="1")

    add(f"D{i:02}" for i in range(3))
    with CaptureQueriesContext(connection) as few:
        assert superuser_client.get(url).status_code == 200
    add(f"D{i:02}" for i in range(3, 30))
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = superuser_client.get(url).content.decode()
    assert "D29" in html


def deputy_change_data(deputy, **overrides):
    """The Deputy change form as the admin posts it, with no inline rows besides its period."""
    period = deputy.service_periods.get()
    data = {
        "term": deputy.term_id,
        "code": deputy.code,
        "name": deputy.name,
        "delegation": deputy.delegation_id,
        "group": "",
        "gender": "",
        "user": "",
        "mobile": deputy.mobile,
        "service_periods-TOTAL_FORMS": "1",
        "service_periods-INITIAL_FORMS": "1",
        "service_periods-0-id": period.pk,
        "service_periods-0-deputy": deputy.pk,
        "service_periods-0-start_date": period.start_date.isoformat(),
    }
    for prefix in ("suspensions", "termination", "constituents", "liaison_deputies"):
        data[f"{prefix}-TOTAL_FORMS"] = "0"
        data[f"{prefix}-INITIAL_FORMS"] = "0"
    if deputy.is_sc_member:
        data["is_sc_member"] = "on"
    data.update(overrides)
    return data


@pytest.mark.parametrize("is_sc_member", [True, False])
def test_liaison_inline_only_for_standing_committee_members(
    superuser_client, make_deputy, term, is_sc_member
):
    from deputies.models import LiaisonAssignment

    member = make_deputy(term, "M1", is_sc_member=is_sc_member)
    other = make_deputy(term, "D1")
    data = deputy_change_data(
        member,
        **{
            "liaison_deputies-TOTAL_FORMS": "1",
            "liaison_deputies-0-member": member.pk,
            "liaison_deputies-0-deputy": other.pk,
        },
    )
    response = superuser_client.post(admin_url(type(member), "change", member.pk), data)
    if is_sc_member:
        assert response.status_code == 302
        assert LiaisonAssignment.objects.filter(member=member, deputy=other).exists()
    else:
        assert response.status_code == 200
        assert "只有常委会组成人员才能分配联系代表" in response.content.decode()
        assert not LiaisonAssignment.objects.exists()


def test_role_without_its_scope_is_refused_in_chinese(superuser_client, make_delegation):
    from deputies.models import RoleAssignment

    user = User.objects.get(username="admin")
    url = reverse("admin:deputies_roleassignment_add")
    response = superuser_client.post(url, {"user": user.pk, "role": Role.TOWN_STAFF})
    assert response.status_code == 200
    assert "镇（街道）人大工作人员须选择代表团" in response.content.decode()
    town = make_delegation("南翔镇")
    data = {"user": user.pk, "role": Role.TOWN_STAFF, "delegation": town.pk}
    assert superuser_client.post(url, data).status_code == 302
    assert RoleAssignment.objects.filter(user=user, delegation=town).exists()
