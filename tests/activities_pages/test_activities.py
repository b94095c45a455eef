import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from activities.models import Activity, Participation
from activities.services import signin_token
from tests.qr import decode_qr_svg

LIST = reverse("activities:activity_list")


def detail(a):
    return reverse("activities:activity_detail", args=[a.pk])


# --- list: roles, scope, filters, export ------------------------------------------------


@pytest.mark.django_db
def test_list_scoped_per_role(world, make_activity, client_for):
    committee_act = make_activity("法制调研")
    north_act = make_activity("北镇接待", type="reception", organiser=world.north_org)
    south_act = make_activity("南镇培训", type="training", organiser=world.south_org)
    Participation.objects.create(activity=south_act, deputy=world.s1)

    def names(user):
        response = client_for(user).get(LIST)
        assert response.status_code == 200
        return {a.name for a in response.context["page"]}

    assert names(world.office) == {"法制调研", "北镇接待", "南镇培训"}
    assert names(world.committee) == {"法制调研"}
    assert names(world.town) == {"北镇接待"}
    assert names(world.leader) == {"南镇培训"}  # an activity with a member of the group
    assert names(world.deputy_user) == set()
    assert client_for(world.nobody).get(LIST).status_code == 404
    # Out-of-scope detail is 404.
    assert client_for(world.town).get(detail(south_act)).status_code == 404
    assert client_for(world.town).get(detail(north_act)).status_code == 200
    assert client_for(world.committee).get(detail(committee_act)).status_code == 200


@pytest.mark.django_db
def test_list_filters_sort_and_xlsx(world, make_activity, client_for):
    make_activity("甲调研", day=date(2023, 3, 1))
    make_activity("乙视察", type="inspection", day=date(2024, 3, 1))
    make_activity("丙接待", type="reception", day=date(2024, 4, 1), organiser=world.north_org)
    client = client_for(world.office)
    page = client.get(LIST, {"type": "inspection"}).context["page"]
    assert [a.name for a in page] == ["乙视察"]
    page = client.get(LIST, {"date_from": "2024-01-01", "sort": "date"}).context["page"]
    assert [a.name for a in page] == ["乙视察", "丙接待"]
    page = client.get(LIST, {"delegation": world.north.pk}).context["page"]
    assert [a.name for a in page] == ["丙接待"]
    response = client.get(LIST, {"date_from": "2024-01-01", "sort": "date", "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(filename=__import__("io").BytesIO(response.content)).active
    rows = list(ws.values)
    assert rows[0][0] == "活动名称"
    assert [r[0] for r in rows[1:]] == ["乙视察", "丙接待"]


def _fill(make_activity, world, n, offset=0):
    for i in range(n):
        a = make_activity(f"活动{offset + i}", day=date(2024, 1, 1) + timedelta(days=i))
        Participation.objects.create(activity=a, deputy=world.d1)
        Participation.objects.create(activity=a, deputy=world.s1)


@pytest.mark.django_db
def test_list_and_detail_query_count_bounded(
    world, make_activity, client_for, django_assert_max_num_queries
):
    client = client_for(world.office)
    _fill(make_activity, world, 3)
    with django_assert_max_num_queries(20) as small:
        client.get(LIST)
    _fill(make_activity, world, 30, offset=100)
    with django_assert_max_num_queries(20) as large:
        client.get(LIST)
    assert len(large.captured_queries) == len(small.captured_queries)
    a = Activity.objects.first()
    with django_assert_max_num_queries(20) as one:
        client.get(detail(a))
    for deputy in (world.d2, world.sc):
        Participation.objects.create(activity=a, deputy=deputy)
    with django_assert_max_num_queries(20) as more:
        client.get(detail(a))
    assert len(more.captured_queries) == len(one.captured_queries)
    with django_assert_max_num_queries(20):
        client.get(LIST, {"format": "xlsx"})


# --- create / edit / delete -------------------------------------------------------------


def _form(world, organiser, **kw):
    data = {
        "term": world.term.pk,
        "name": "新活动",
        "type": "research",
        "date": "2024-05-20",
        "organiser": organiser.pk if organiser else "",
        "place": "区政府",
        "topic": "营商环境",
        "group": "",
        "signin_opens_at": "",
        "signin_closes_at": "",
    }
    data.update(kw)
    return data


@pytest.mark.django_db
def test_create_by_role_and_organiser(world, client_for):
    new = reverse("activities:activity_create")
    response = client_for(world.committee).post(new, _form(world, world.committee_org))
    assert response.status_code == 302
    assert Activity.objects.get(name="新活动").organiser == world.committee_org
    # Committee staff cannot create for another organiser.
    response = client_for(world.committee).post(new, _form(world, world.north_org, name="别人的"))
    assert response.status_code == 200
    assert not Activity.objects.filter(name="别人的").exists()
    # Town staff: their town's organiser.
    response = client_for(world.town).post(new, _form(world, world.north_org, name="北镇活动"))
    assert response.status_code == 302
    response = client_for(world.town).post(new, _form(world, world.south_org, name="南镇活动"))
    assert not Activity.objects.filter(name="南镇活动").exists()
    # Deputies and leadership may not create.
    assert client_for(world.deputy_user).get(new).status_code == 404
    assert client_for(world.leadership).get(new).status_code == 404


@pytest.mark.django_db
def test_create_validates_in_chinese(world, client_for):
    new = reverse("activities:activity_create")
    response = client_for(world.office).post(
        new,
        _form(
            world,
            None,
            date="2030-01-01",
            signin_opens_at="2024-05-20T10:00",
            signin_closes_at="2024-05-20T09:00",
        ),  # fmt: skip
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "活动日期不在第七届任期内" in text
    assert "签到截止时间须晚于开始时间" in text
    assert not Activity.objects.exists()


@pytest.mark.django_db
def test_edit_and_delete_scope_and_history(world, make_activity, client_for):
    a = make_activity(organiser=world.north_org)
    edit = reverse("activities:activity_edit", args=[a.pk])
    assert client_for(world.committee).get(edit).status_code == 404
    response = client_for(world.town).post(edit, _form(world, world.north_org, name="改名"))
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.name == "改名"
    delete = reverse("activities:activity_delete", args=[a.pk])
    assert "确认删除" in client_for(world.town).get(delete).content.decode()
    assert Activity.objects.filter(pk=a.pk).exists()
    client_for(world.town).post(delete)
    assert not Activity.objects.filter(pk=a.pk).exists()
    assert Activity.history.filter(id=a.pk, history_type="-").exists()


# --- participants -----------------------------------------------------------------------


@pytest.mark.django_db
def test_add_participant_one_by_one(world, make_activity, client_for):
    a = make_activity(day=date(2024, 5, 10))
    client = client_for(world.office)
    add = reverse("activities:participant_add", args=[a.pk])
    client.post(add, {"deputy": "N01", "status": "present"})
    assert Participation.objects.filter(activity=a, deputy=world.d1, status="present").exists()
    response = client.post(add, {"deputy": "N01", "status": "present"}, follow=True)
    assert "已在该活动的参加名单中" in response.content.decode()
    assert Participation.objects.filter(activity=a).count() == 1
    # Not yet in office on the activity date.
    response = client.post(add, {"deputy": "N03", "status": "present"}, follow=True)
    assert "不在任职期间" in response.content.decode()
    assert not Participation.objects.filter(deputy=world.d_late).exists()
    # Town staff cannot add a deputy of another delegation (not found in their scope).
    b = make_activity("北镇活动", organiser=world.north_org)
    add_b = reverse("activities:participant_add", args=[b.pk])
    response = client_for(world.town).post(
        add_b, {"deputy": "S01", "status": "present"}, follow=True
    )
    assert "未找到" in response.content.decode()
    # And cannot add to another organiser's activity at all.
    assert client_for(world.town).post(add, {"deputy": "N02"}).status_code == 404


@pytest.mark.django_db
def test_bulk_add_group_skips_out_of_office_and_duplicates(world, make_activity, client_for):
    a = make_activity(day=date(2024, 5, 10))
    Participation.objects.create(activity=a, deputy=world.d1)
    response = client_for(world.office).post(
        reverse("activities:participant_bulk", args=[a.pk]), {"group": world.g_north.pk},
        follow=True,
    )  # fmt: skip
    assert (
        "已添加 1 名代表；1 名已在名单中；1 名在活动日期不在任职期间" in response.content.decode()
    )
    assert set(a.participations.values_list("deputy__code", flat=True)) == {"N01", "N02"}
    assert Participation.history.filter(deputy_id=world.d2.pk, history_type="+").exists()
    response = client_for(world.office).post(
        reverse("activities:participant_bulk", args=[a.pk]),
        {"group": world.g_north.pk, "delegation": world.north.pk},
        follow=True,
    )
    assert "二选一" in response.content.decode()


@pytest.mark.django_db
def test_mark_attendance_htmx(world, make_activity, client_for):
    a = make_activity()
    p = Participation.objects.create(activity=a, deputy=world.d1)
    url = reverse("activities:participation_update", args=[p.pk])
    response = client_for(world.committee).post(url, {"status": "leave"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "已保存" in response.content.decode()
    p.refresh_from_db()
    assert p.status == "leave"
    assert client_for(world.town).post(url, {"status": "absent"}).status_code == 404
    p.refresh_from_db()
    assert p.status == "leave"


@pytest.mark.django_db
def test_reception_needs_notes_or_no_visitors(world, make_activity, client_for):
    a = make_activity("家站点", type="reception", organiser=world.north_org)
    p = Participation.objects.create(activity=a, deputy=world.d1, status="absent")
    url = reverse("activities:participation_update", args=[p.pk])
    client = client_for(world.town)
    response = client.post(url, {"status": "present"}, HTTP_HX_REQUEST="true")
    assert "须填写接待情况或勾选“无来访”" in response.content.decode()
    p.refresh_from_db()
    assert p.status == "absent"
    client.post(url, {"status": "present", "no_visitors": "on"}, HTTP_HX_REQUEST="true")
    p.refresh_from_db()
    assert (p.status, p.no_visitors) == ("present", True)
    # Adding one present without notes is refused too.
    response = client.post(
        reverse("activities:participant_add", args=[a.pk]), {"deputy": "N02", "status": "present"},
        follow=True,
    )  # fmt: skip
    assert "须填写接待情况" in response.content.decode()
    assert not Participation.objects.filter(activity=a, deputy=world.d2).exists()


@pytest.mark.django_db
def test_remove_participant_confirms(world, make_activity, client_for):
    a = make_activity()
    p = Participation.objects.create(activity=a, deputy=world.d1)
    url = reverse("activities:participation_delete", args=[p.pk])
    client = client_for(world.office)
    assert "确认删除" in client.get(url).content.decode()
    client.post(url)
    assert not Participation.objects.filter(pk=p.pk).exists()
    assert Participation.history.filter(id=p.pk, history_type="-").exists()


# --- QR sign-in -------------------------------------------------------------------------


def _windowed(make_activity, open_now=True, **kw):
    now = timezone.now()
    start = now - timedelta(hours=1) if open_now else now + timedelta(hours=1)
    return make_activity(signin_opens_at=start, signin_closes_at=start + timedelta(hours=2), **kw)


def signin_url(a):
    return reverse("activities:signin", args=[a.pk, signin_token(a)])


@pytest.mark.django_db
def test_detail_shows_qr_svg(world, make_activity, client_for):
    a = _windowed(make_activity, name="扫码调研")
    Participation.objects.create(activity=a, deputy=world.d1, status="absent")
    text = client_for(world.committee).get(detail(a)).content.decode()
    box = re.search(r'data-testid="signin-qr">(<svg.*?</svg>)', text, re.S)
    assert box, "no QR code on the detail page"
    # What a phone reads: an absolute URL of this site, the activity's own sign-in link.
    url = decode_qr_svg(box.group(1))
    match = re.fullmatch(rf"http://testserver/activities/{a.pk}/signin/([^/]+)/", url)
    assert match, url
    # Following it signs this deputy in to this activity.
    deputy = client_for(world.deputy_user)
    path = url.removeprefix("http://testserver")
    assert "扫码调研" in deputy.get(path).content.decode()
    assert "签到成功" in deputy.post(path, SIGN_IN).content.decode()
    assert Participation.objects.get(activity=a, deputy=world.d1).status == "present"


SIGN_IN = {"action": "signin"}


@pytest.mark.django_db
def test_qr_signin_inside_window_marks_present(world, make_activity, client_for):
    a = _windowed(make_activity)
    Participation.objects.create(activity=a, deputy=world.d1, status="absent")
    client = client_for(world.deputy_user)
    # Opening the link shows a button and changes nothing: another site embedding the link
    # (an <img src=…>) cannot sign a logged-in deputy in.
    page = client.get(signin_url(a)).content.decode()
    assert "确认签到" in page and "签到成功" not in page
    assert Participation.objects.get(activity=a, deputy=world.d1).status == "absent"
    response = client.post(signin_url(a), SIGN_IN)
    assert "签到成功" in response.content.decode()
    p = Participation.objects.get(activity=a, deputy=world.d1)
    assert p.status == "present"
    assert p.signed_in_at is not None


@pytest.mark.django_db
def test_qr_signin_creates_participation(world, make_activity, client_for):
    a = _windowed(make_activity)
    client_for(world.sc_user).post(signin_url(a), SIGN_IN)
    assert Participation.objects.filter(activity=a, deputy=world.sc, status="present").exists()


@pytest.mark.django_db
def test_qr_signin_outside_window_changes_nothing(world, make_activity, client_for):
    a = _windowed(make_activity, open_now=False)
    response = client_for(world.deputy_user).get(signin_url(a))
    assert "签到尚未开始" in response.content.decode()
    assert not Participation.objects.filter(activity=a).exists()
    now = timezone.now()
    b = make_activity(
        "已结束",
        signin_opens_at=now - timedelta(hours=3),
        signin_closes_at=now - timedelta(hours=1),
    )
    assert "签到已截止" in client_for(world.deputy_user).get(signin_url(b)).content.decode()
    posted = client_for(world.deputy_user).post(signin_url(b), SIGN_IN).content.decode()
    assert "签到已截止" in posted
    assert not Participation.objects.filter(activity=b).exists()


@pytest.mark.django_db
def test_qr_signin_non_deputy_and_bad_token(world, make_activity, client_for):
    a = _windowed(make_activity)
    response = client_for(world.office).get(signin_url(a))
    assert "不是第七届代表" in response.content.decode()
    assert not Participation.objects.exists()
    bad = reverse("activities:signin", args=[a.pk, "forged"])
    assert client_for(world.deputy_user).get(bad).status_code == 404
    other = _windowed(make_activity, name="另一个")
    wrong = reverse("activities:signin", args=[other.pk, signin_token(a)])
    assert client_for(world.deputy_user).get(wrong).status_code == 404
    # Not logged in: to the login page.
    from django.test import Client

    assert Client().get(signin_url(a)).status_code == 302


@pytest.mark.django_db
def test_qr_signin_deputy_not_in_office(world, make_activity, client_for, make_user):
    a = _windowed(make_activity, day=date(2024, 5, 10))
    late_user = make_user("late")
    world.d_late.user = late_user
    world.d_late.save()
    response = client_for(late_user).get(signin_url(a))
    assert "不在任职期间" in response.content.decode()
    assert not Participation.objects.exists()


@pytest.mark.django_db
def test_qr_signin_to_reception_needs_notes(world, make_activity, client_for):
    a = _windowed(make_activity, type="reception", organiser=world.north_org)
    client = client_for(world.deputy_user)
    response = client.post(signin_url(a), SIGN_IN)
    assert "请登记接待情况" in response.content.decode()
    assert "请登记接待情况" in client.get(signin_url(a)).content.decode()  # reopened later
    p = Participation.objects.get(activity=a, deputy=world.d1)
    assert p.status == "absent" and p.signed_in_at is not None  # a sign-in alone is no reception
    response = client.post(signin_url(a), {"reception_notes": ""})
    assert "须填写接待情况" in response.content.decode()
    p.refresh_from_db()
    assert p.status == "absent"
    client.post(signin_url(a), {"reception_notes": "接待选民3人，反映停车难"})
    p.refresh_from_db()
    assert p.status == "present"
    assert "停车难" in p.reception_notes
