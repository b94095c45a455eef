"""The attendance grid: scope, one-click saving, leave needs a reason, bounded queries, the
bulk 出席 for a held meeting, and the printable sign-in sheet."""

from datetime import timedelta

import pytest
from django.urls import reverse

from activities.models import Attendance, AttendanceStatus
from deputies.models import Suspension

pytestmark = pytest.mark.django_db


def grid_url(world):
    return reverse("activities:attendance_grid", args=[world.session.pk])


def cell_url(world):
    return reverse("activities:attendance_cell", args=[world.session.pk])


def test_grid_rows_scoped_by_role(world, client_for):
    office = client_for(world.office).get(grid_url(world)).content.decode()
    assert "张三" in office and "B1000" in office
    town = client_for(world.town_a).get(grid_url(world)).content.decode()
    assert "张三" in town and "B1000" not in town
    head = client_for(world.head_b).get(grid_url(world)).content.decode()
    assert "B1000" in head and "张三" not in head
    # Only recorders get editable rows (data-e) and the script.
    assert " data-e>" in town and "attendance-grid.js" in town
    assert " data-e>" not in head
    for user in (world.deputy_user, world.committee):
        assert client_for(user).get(grid_url(world)).status_code == 404


def test_grid_office_filter_by_delegation(world, client_for):
    text = (
        client_for(world.office).get(grid_url(world), {"delegation": world.b.pk}).content.decode()
    )
    assert "B1000" in text and "张三" not in text
    # One delegation shown: the delegation-meeting column names the meeting itself.
    assert "乙镇代表团第一次会议" in text


def test_unmarked_cells_read_weiDengJi_and_nothing_is_written(world, client_for):
    text = client_for(world.office).get(grid_url(world)).content.decode()
    assert 'class="c s-u"' in text
    assert not Attendance.objects.exists()


def test_click_saves_and_returns_the_cell(held, client_for):
    world = held
    deputy = world.deputies_a[1]
    data = {"deputy": deputy.pk, "meeting": world.plenary.pk, "status": "present"}
    response = client_for(world.town_a).post(cell_url(world), data)
    assert response.status_code == 200
    html = response.content.decode().strip()
    assert html.startswith("<td") and "s-present" in html and f'data-m="{world.plenary.pk}"' in html
    row = Attendance.objects.get(deputy=deputy, meeting=world.plenary)
    assert row.status == AttendanceStatus.PRESENT
    assert row.history.first().history_user == world.town_a
    # 缺席 replaces it; clearing returns the cell to 未登记 and deletes the row (with history).
    client_for(world.town_a).post(cell_url(world), {**data, "status": "absent"})
    assert Attendance.objects.get(pk=row.pk).status == AttendanceStatus.ABSENT
    response = client_for(world.town_a).post(cell_url(world), {**data, "status": ""})
    assert "s-u" in response.content.decode()
    assert not Attendance.objects.filter(pk=row.pk).exists()
    assert Attendance.history.filter(id=row.pk, history_type="-").exists()


def test_leave_in_grid_needs_a_reason(world, client_for):
    deputy = world.deputies_a[1]
    data = {"deputy": deputy.pk, "meeting": world.plenary.pk, "status": "leave"}
    response = client_for(world.office).post(cell_url(world), data)
    assert "登记请假须选择请假事由" in response.content.decode()
    assert not Attendance.objects.exists()
    response = client_for(world.office).post(cell_url(world), {**data, "reason": "illness"})
    assert "s-leave" in response.content.decode()
    row = Attendance.objects.get()
    assert (row.status, row.leave_reason) == ("leave", "illness")


def test_town_staff_of_another_town_cannot_set_a_cell(world, client_for):
    data = {"deputy": world.deputies_a[1].pk, "meeting": world.plenary.pk, "status": "present"}
    assert client_for(world.town_b).post(cell_url(world), data).status_code == 404
    # Viewers who are not recorders cannot either.
    assert client_for(world.head_a).post(cell_url(world), data).status_code == 404
    assert client_for(world.sg).post(cell_url(world), data).status_code == 404
    assert not Attendance.objects.exists()


def test_cell_refused_for_deputy_not_on_the_roll(world, client_for, make_deputy):
    # A deputy of 甲镇 is not on 乙镇's delegation meeting; a suspended deputy is on no roll.
    data = {"deputy": world.deputies_a[1].pk, "meeting": world.meet_b.pk, "status": "present"}
    response = client_for(world.office).post(cell_url(world), data)
    assert "不在本次会议的应出席名单中" in response.content.decode()
    suspended = world.deputies_a[2]
    Suspension.objects.create(
        deputy=suspended, start_date=world.session.start_date - timedelta(days=30)
    )
    data = {"deputy": suspended.pk, "meeting": world.plenary.pk, "status": "present"}
    assert (
        "不在本次会议的应出席名单中"
        in client_for(world.office).post(cell_url(world), data).content.decode()
    )
    assert not Attendance.objects.exists()
    text = client_for(world.office).get(grid_url(world)).content.decode()
    assert suspended.code not in text


def test_grid_query_count_does_not_grow_with_deputies(
    world, client_for, add_deputies, django_assert_max_num_queries
):
    client = client_for(world.office)
    client.get(grid_url(world))
    with django_assert_max_num_queries(25) as small:
        response = client.get(grid_url(world))
    n = len(small.captured_queries)  # read now: a request resets the log
    assert response.status_code == 200
    deputies = add_deputies(world.term, world.a, 150, "A5") + add_deputies(
        world.term, world.b, 150, "B5"
    )
    Attendance.objects.bulk_create(
        [
            Attendance(meeting=world.plenary, deputy=d, status=AttendanceStatus.PRESENT)
            for d in deputies
        ]
    )
    for page in (None, 4, 7):  # the first, a middle and the last page cost the same
        with django_assert_max_num_queries(n):
            response = client.get(grid_url(world), {"page": page} if page else {})
    text = response.content.decode()
    # 307 deputies, 50 a page: the last page holds the remaining 7 and says where it is.
    assert text.count("<tr data-d=") == 7
    assert "第 301–307 名，共 307 名（第 7/7 页，每页 50 名）" in text
    # Small HTML: a page, not the whole roll.
    assert len(client.get(grid_url(world)).content) < 50 * 600 + 20_000


def test_grid_pages_through_a_large_delegation(world, client_for, add_deputies):
    add_deputies(world.term, world.a, 120, "A5")  # 甲镇 now has 124 deputies
    client = client_for(world.town_a)
    first = client.get(grid_url(world)).content.decode()
    assert first.count("<tr data-d=") == 50
    assert "第 1–50 名，共 124 名（第 1/3 页，每页 50 名）" in first
    assert "本页合计" in first and "下一页" in first
    last = client.get(grid_url(world), {"page": 3}).content.decode()
    assert last.count("<tr data-d=") == 24 and "A5119" in last and "张三" not in last
    # Every deputy is on exactly one page.
    codes = set()
    for page in (1, 2, 3):
        text = client.get(grid_url(world), {"page": page}).content.decode()
        codes |= {d.code for d in world.deputies_a if f">{d.code} " in text}
        codes |= {f"A5{i:03d}" for i in range(120) if f">A5{i:03d} " in text}
    assert len(codes) == 124


def test_grid_filters_by_deputy_group(world, client_for, make_group, make_deputy):
    group = make_group(world.term, world.a, "甲镇第一代表小组")
    other = make_group(world.term, world.b, "乙镇第一代表小组")
    make_deputy(world.term, "A9001", name="李四", delegation=world.a, group=group)
    client = client_for(world.town_a)
    text = client.get(grid_url(world)).content.decode()
    # Town staff are offered their own delegation's groups only.
    assert "甲镇第一代表小组" in text and "乙镇第一代表小组" not in text
    text = client.get(grid_url(world), {"group": group.pk}).content.decode()
    assert text.count("<tr data-d=") == 1 and "李四" in text and "张三" not in text
    # Another delegation's group is no filter at all (and reveals nothing of it).
    text = client.get(grid_url(world), {"group": other.pk}).content.decode()
    assert "张三" in text and "李四" in text and "B1000" not in text
    # District-wide staff choose a delegation first, then its groups are offered.
    office = client_for(world.office)
    assert '<select name="group"' not in office.get(grid_url(world)).content.decode()
    text = office.get(grid_url(world), {"delegation": world.b.pk}).content.decode()
    assert "乙镇第一代表小组" in text and "甲镇第一代表小组" not in text


def test_grid_cells_match_the_cell_the_click_returns(world, client_for):
    """The grid writes its cells out inline (an include per cell was slow); they must stay
    the markup the htmx response (_cell.html) swaps in."""
    import re

    Attendance.objects.create(
        meeting=world.plenary, deputy=world.deputies_a[1], status="leave", leave_reason="illness"
    )
    client = client_for(world.town_a)
    text = client.get(grid_url(world)).content.decode()
    for deputy, status in ((world.deputies_a[1], "leave"), (world.deputies_a[2], "")):
        row = re.search(rf'<tr data-d="{deputy.pk}"[^>]*>(.*?)</tr>', text).group(1)
        data = {"deputy": deputy.pk, "meeting": world.plenary.pk, "status": status}
        if status:
            data["reason"] = "illness"
        returned = client.post(cell_url(world), data).content.decode().strip()
        assert returned in row


def test_grid_filters_submit_without_inline_script(world, client_for):
    text = client_for(world.office).get(grid_url(world)).content.decode()
    assert "onchange" not in text and "data-autosubmit" in text
    assert "js/autosubmit.js" in text


def test_mark_unmarked_present_only_after_the_meeting(world, client_for):
    url = reverse("activities:meeting_mark_present", args=[world.plenary.pk])
    response = client_for(world.town_a).post(url, follow=True)
    assert "会议尚未举行" in response.content.decode()
    assert not Attendance.objects.exists()
    # Move the session into the past; town staff mark their own delegation only.
    past = world.session.start_date - timedelta(days=30)
    type(world.session).objects.filter(pk=world.session.pk).update(start_date=past, end_date=past)
    type(world.plenary).objects.filter(pk=world.plenary.pk).update(date=past)
    Attendance.objects.create(meeting=world.plenary, deputy=world.deputies_a[1], status="absent")
    client_for(world.town_a).post(url)
    marks = dict(
        Attendance.objects.filter(meeting=world.plenary).values_list("deputy__code", "status")
    )
    assert marks == {"A000": "present", "A1000": "absent", "A1001": "present", "A1002": "present"}
    created = Attendance.objects.get(meeting=world.plenary, deputy=world.deputies_a[0])
    assert created.history.first().history_user == world.town_a


def test_signin_sheet_grouped_by_delegation_with_print_css(world, client_for):
    url = reverse("activities:signin_sheet", args=[world.plenary.pk])
    text = client_for(world.office).get(url).content.decode()
    assert "签到表" in text and "签名" in text and "@media print" in text
    assert text.index("甲镇") < text.index("张三") < text.index("乙镇") < text.index("B1000")
    town = client_for(world.town_a).get(url).content.decode()
    assert "张三" in town and "B1000" not in town
    # A delegation meeting of another town is out of scope for town staff.
    other = reverse("activities:signin_sheet", args=[world.meet_b.pk])
    assert client_for(world.town_a).get(other).status_code == 404
    assert client_for(world.deputy_user).get(url).status_code == 404
