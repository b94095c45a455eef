"""The briefing pages: publishing through the form, 知情知政 and reading (the receipt), the
staff's read rate per delegation and its xlsx, scope by role, query counts."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from briefings.models import Briefing, Receipt
from supervision.models import ExportLog, Notification

from .conftest import PDF

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


# --- publishing -------------------------------------------------------------------------------


def test_office_publishes_to_a_delegation_through_the_form(world, client_for):
    response = client_for(world.office).post(
        reverse("briefings:create"),
        {
            "title": "常委会第三十次会议审议情况",
            "body": "会议听取和审议了区政府关于……的报告。",
            "organiser": "",
            "audience": "delegation",
            "delegation": world.anting.pk,
            "attachments": [SimpleUploadedFile("报告.pdf", PDF)],
        },
        follow=True,
    )
    briefing = Briefing.objects.get()
    assert response.redirect_chain[-1][0] == reverse("briefings:detail", args=[briefing.pk])
    assert messages_of(response) == ["通报已发布，已通知通报对象。"]
    assert sorted(briefing.receipts.values_list("deputy__code", flat=True)) == ["AT01", "AT02"]
    assert briefing.attachments.count() == 1


def test_the_form_says_what_is_missing_and_saves_nothing(world, client_for):
    response = client_for(world.office).post(
        reverse("briefings:create"),
        {"title": "通报", "body": "正文", "audience": "delegation", "delegation": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["delegation"] == ["请选择代表团。"]
    assert Briefing.objects.count() == 0


def test_a_liaison_can_only_choose_its_own_organiser(world, client_for):
    client = client_for(world.liaison)
    page = client.get(reverse("briefings:create")).content.decode()
    assert "区政府办公室" in page
    assert "区法院" not in page
    response = client.post(
        reverse("briefings:create"),
        {"title": "通报", "body": "正文", "audience": "all", "organiser": world.court.pk},
    )
    assert response.context["form"].errors["organiser"] == [
        "选择一个有效的选项： 该选择不在可用的选项中。"
    ]
    assert Briefing.objects.count() == 0


@pytest.mark.parametrize("role", ["town", "leadership", "head"])
def test_only_office_and_liaison_may_publish(world, client_for, role):
    client = client_for(getattr(world, role))
    assert client.get(reverse("briefings:create")).status_code == 404
    response = client.post(
        reverse("briefings:create"), {"title": "通报", "body": "正文", "audience": "all"}
    )
    assert response.status_code == 404
    assert Briefing.objects.count() == 0


# --- deputies: 知情知政 and reading ---------------------------------------------------------------


def test_a_deputy_reads_a_briefing_once_and_the_receipt_is_recorded(
    world, publish, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        briefing = publish(title="区法院工作通报", audience="delegation", delegation=world.nanxiang)
    client = client_for(world.zhang.user)
    listing = client.get(reverse("briefings:mine")).content.decode()
    assert f'data-briefing="{briefing.pk}" data-unread' in listing

    page = client.get(reverse("briefings:read", args=[briefing.pk]))
    assert page.status_code == 200
    receipt = Receipt.objects.get(briefing=briefing, deputy=world.zhang)
    first = receipt.read_at
    assert first is not None
    # The bell's notification of the briefing is read with it.
    assert Notification.objects.get(recipient=world.zhang.user, kind="briefing").read_at == first

    client.get(reverse("briefings:read", args=[briefing.pk]))
    receipt.refresh_from_db()
    assert receipt.read_at == first
    assert [h.history_type for h in receipt.history.order_by("history_date")] == ["+", "~"]
    listing = client.get(reverse("briefings:mine")).content.decode()
    assert "data-unread" not in listing


def test_a_deputy_sees_only_briefings_addressed_to_them(world, publish, client_for):
    theirs = publish(title="安亭镇专项通报", audience="delegation", delegation=world.anting)
    mine = publish(title="全体代表通报", audience="all")
    client = client_for(world.zhang.user)
    listing = client.get(reverse("briefings:mine")).content.decode()
    assert "全体代表通报" in listing
    assert "安亭镇专项通报" not in listing
    assert client.get(reverse("briefings:read", args=[theirs.pk])).status_code == 404
    assert not Receipt.objects.filter(briefing=theirs, read_at__isnull=False).exists()
    assert client.get(reverse("briefings:read", args=[mine.pk])).status_code == 200
    # Staff pages are not a deputy's.
    assert client.get(reverse("briefings:list")).status_code == 404
    assert client.get(reverse("briefings:detail", args=[mine.pk])).status_code == 404


def test_the_list_is_newest_first_and_paginated(world, publish, client_for):
    for n in range(22):
        publish(title=f"第{n + 1}号通报", audience="all")
    client = client_for(world.zhang.user)
    first = client.get(reverse("briefings:mine"))
    titles = [r.briefing.title for r in first.context["page"]]
    assert titles[:2] == ["第22号通报", "第21号通报"]
    assert len(titles) == 20
    second = client.get(reverse("briefings:mine"), {"page": 2})
    assert [r.briefing.title for r in second.context["page"]] == ["第2号通报", "第1号通报"]


def test_attachments_are_served_to_the_audience_and_staff_only(world, publish, client_for):
    briefing = publish(
        audience="delegation",
        delegation=world.nanxiang,
        attachments=[SimpleUploadedFile("报告.pdf", PDF)],
    )
    url = reverse("briefings:attachment", args=[briefing.attachments.get().pk])
    response = client_for(world.zhang.user).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert client_for(world.office).get(url).status_code == 200
    assert client_for(world.town).get(url).status_code == 200
    assert client_for(world.chen.user).get(url).status_code == 404
    assert client_for(world.malu_town).get(url).status_code == 404
    assert client_for(world.court_liaison).get(url).status_code == 404


# --- staff: who has read it, the read rate ------------------------------------------------------


def read(briefing, *deputies):
    from django.utils import timezone

    Receipt.objects.filter(briefing=briefing, deputy__in=deputies).update(read_at=timezone.now())


def rate_rows(response):
    return [
        (r.delegation, r.due, r.read, r.rate)
        for r in [*response.context["rates"], response.context["total"]]
    ]


def test_the_read_rate_per_delegation(world, publish, client_for):
    briefing = publish(audience="all")
    read(briefing, world.zhang, world.chen, world.zhou)
    response = client_for(world.office).get(reverse("briefings:detail", args=[briefing.pk]))
    assert rate_rows(response) == [
        ("南翔镇", 3, 1, 33.3),
        ("安亭镇", 2, 2, 100.0),
        ("合计", 5, 3, 60.0),
    ]
    html = response.content.decode()
    assert "33.3%" in html and "60.0%" in html
    unread = client_for(world.office).get(
        reverse("briefings:detail", args=[briefing.pk]), {"status": "unread"}
    )
    assert [r.deputy.code for r in unread.context["page"]] == ["NX02", "NX03"]


def test_town_staff_see_their_delegation_only(world, publish, client_for):
    everyone = publish(audience="all")
    anting_only = publish(audience="delegation", delegation=world.anting)
    read(everyone, world.zhang, world.chen)
    client = client_for(world.town)
    response = client.get(reverse("briefings:detail", args=[everyone.pk]))
    assert rate_rows(response) == [("南翔镇", 3, 1, 33.3), ("合计", 3, 1, 33.3)]
    assert [r.deputy.code for r in response.context["page"]] == ["NX01", "NX02", "NX03"]
    assert "陈一" not in response.content.decode()
    assert client.get(reverse("briefings:detail", args=[anting_only.pk])).status_code == 404
    listing = client.get(reverse("briefings:list"))
    assert [(b.pk, b.due, b.read) for b in listing.context["page"]] == [(everyone.pk, 3, 1)]
    # 马陆镇 has no deputy addressed: nothing to see.
    malu = client_for(world.malu_town).get(reverse("briefings:list"))
    assert list(malu.context["page"]) == []


def test_a_liaison_sees_its_own_briefings_receipts_only(world, publish, client_for):
    own = publish(user=world.liaison, organiser=world.gov, audience="all")
    court = publish(user=world.court_liaison, organiser=world.court, audience="all")
    office = publish(audience="all")
    client = client_for(world.liaison)
    listing = client.get(reverse("briefings:list"))
    assert [b.pk for b in listing.context["page"]] == [own.pk]
    assert listing.context["page"][0].due == 5
    assert client.get(reverse("briefings:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("briefings:detail", args=[court.pk])).status_code == 404
    assert client.get(reverse("briefings:detail", args=[office.pk])).status_code == 404
    assert client.get(reverse("briefings:export", args=[court.pk])).status_code == 404


def test_the_read_rate_exported_to_xlsx_for_a4_and_logged(world, publish, client_for):
    briefing = publish(title="区检察院工作通报", audience="all")
    read(briefing, world.zhang, world.chen, world.zhou)
    response = client_for(world.office).get(reverse("briefings:export", args=[briefing.pk]))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["按代表团阅读率", "阅读情况"]
    rates = wb["按代表团阅读率"]
    assert [[c.value for c in row] for row in rates.iter_rows()] == [
        ["代表团", "应读", "已读", "阅读率"],
        ["南翔镇", 3, 1, 0.333],
        ["安亭镇", 2, 2, 1.0],
        ["合计", 5, 3, 0.6],
    ]
    assert rates["D2"].number_format == "0.0%"
    assert rates.page_setup.paperSize == 9
    assert rates.print_title_rows == "$1:$1"
    people = wb["阅读情况"]
    rows = [[c.value for c in row] for row in people.iter_rows()]
    assert rows[0] == ["代表编号", "姓名", "代表团", "代表小组", "阅读情况", "阅读时间"]
    assert [r[:5] for r in rows[1:]] == [
        ["NX01", "张三", "南翔镇", "南翔第一代表小组", "已读"],
        ["NX02", "李四", "南翔镇", "南翔第一代表小组", "未读"],
        ["NX03", "王五", "南翔镇", None, "未读"],
        ["AT01", "陈一", "安亭镇", None, "已读"],
        ["AT02", "周二", "安亭镇", None, "已读"],
    ]
    log = ExportLog.objects.get()
    assert (log.username, log.kind, log.description, log.rows) == (
        "office",
        "briefings.export",
        "通报阅读情况：区检察院工作通报",
        5,
    )


def test_the_town_export_holds_its_delegation_only(world, publish, client_for):
    briefing = publish(audience="all")
    response = client_for(world.town).get(reverse("briefings:export", args=[briefing.pk]))
    wb = load_workbook(io.BytesIO(response.content))
    assert [r[0].value for r in wb["阅读情况"].iter_rows(min_row=2)] == ["NX01", "NX02", "NX03"]
    assert [r[0].value for r in wb["按代表团阅读率"].iter_rows(min_row=2)] == ["南翔镇", "合计"]


# --- query counts do not grow with the deputies --------------------------------------------------


def test_queries_do_not_grow_with_deputies(
    world, publish, client_for, make_deputy, make_user, django_assert_max_num_queries
):
    def pages():
        briefing = Briefing.objects.order_by("-pk").first()
        return [
            (world.office, reverse("briefings:list")),
            (world.office, reverse("briefings:detail", args=[briefing.pk])),
            (world.office, reverse("briefings:export", args=[briefing.pk])),
            (world.town, reverse("briefings:list")),
            (world.zhang.user, reverse("briefings:mine")),
        ]

    for n in range(3):
        publish(title=f"通报{n}", audience="all")
    counts = []
    for user, url in pages():
        with CaptureQueriesContext(connection) as few:
            assert client_for(user).get(url).status_code == 200
        counts.append(len(few.captured_queries))
    for i in range(30):
        make_deputy(world.term, f"NX9{i:02}", delegation=world.nanxiang, user=make_user(f"m{i}"))
    for n in range(3, 15):
        publish(title=f"通报{n}", audience="all")
    for (user, url), count in zip(pages(), counts, strict=True):
        with django_assert_max_num_queries(count):
            assert client_for(user).get(url).status_code == 200
