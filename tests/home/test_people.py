"""People are shown by name (and role where it helps), never by username (issue 11, item 8):
the login message, the user menu, reviewers, history pages, the export log, notifications."""

from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.conftest import PASSWORD


@pytest.fixture
def people(term, delegation, make_group, make_deputy, make_user):
    from deputies.models import Role

    leader_user = make_user("leader_acct")
    leader = make_deputy(term, "L01", "莫云云", delegation=delegation, user=leader_user)
    group = make_group(term, delegation, "第一代表小组", leader=leader)
    leader.group = group
    leader.save()
    deputy_user = make_user("deputy_acct")
    deputy = make_deputy(term, "D01", "韩梅", delegation=delegation, group=group, user=deputy_user)
    office = make_user("office_acct", roles=[(Role.OFFICE_STAFF, None)], first_name="周敏")
    unnamed = make_user("town_acct", roles=[(Role.TOWN_STAFF, delegation)])
    return leader_user, deputy_user, deputy, office, unnamed


@pytest.mark.django_db
def test_display_user(people):
    from jdrenda.people import display_user

    leader_user, deputy_user, _deputy, office, unnamed = people
    assert display_user(leader_user) == "莫云云（组长）"
    assert display_user(deputy_user) == "韩梅（代表）"
    assert display_user(office) == "周敏（人事代表工委）"
    assert display_user(office, with_role=False) == "周敏"
    assert display_user(unnamed) == "town_acct（镇（街道）人大）"  # nobody gave a name


@pytest.mark.django_db
def test_login_message_and_user_menu_name_the_person(people, client):
    cache.clear()
    response = client.post(
        "/accounts/login/", {"login": "leader_acct", "password": PASSWORD}, follow=True
    )
    text = response.content.decode()
    assert "莫云云（组长）" in text
    assert "leader_acct" not in text
    cache.clear()


@pytest.mark.django_db
def test_reviewer_and_notification_name_the_reviewer(
    people, client_for, django_capture_on_commit_callbacks
):
    from supervision.models import Notification, SelfReport
    from supervision.self_reports import services as self_reports

    leader_user, deputy_user, deputy, *_ = people
    report = SelfReport.objects.create(
        deputy=deputy, kind="communication", date=date(2024, 3, 1), method="visit",
        content="走访", submitted_by=deputy_user,
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):  # delivered once the write commits
        self_reports.reject(leader_user, report, "缺少选民姓名")
    body = Notification.objects.get(recipient=deputy_user).body
    assert "审核人：莫云云（组长）" in body
    page = client_for(leader_user).get(reverse("supervision:review_list"), {"status": "rejected"})
    text = page.content.decode()
    assert "审核人：莫云云（组长）" in text
    assert "leader_acct" not in text


@pytest.mark.django_db
def test_history_and_export_log_name_the_person(people, client_for):
    from supervision.export_log.services import log_unattended_export

    _leader, _deputy_user, deputy, office, _ = people
    client = client_for(office)
    deputy.workplace_title = "某公司"
    deputy._history_user = office
    deputy.save()
    text = client.get(reverse("deputies:history", args=[deputy.pk])).content.decode()
    assert "<td>周敏（人事代表工委）</td>" in text
    assert "office_acct" not in text
    log_unattended_export("evaluation", "2024年度", 3, user=office)
    text = client.get(reverse("supervision:export_log")).content.decode()
    assert "周敏（人事代表工委）" in text
