"""Publishing a briefing (通报, Art. 22–23): who it reaches, who may publish in whose name,
attachments checked by content, notifications, history."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from briefings.models import Briefing, BriefingAttachment, Receipt
from supervision.models import Notification, NotificationPreference, NotificationSetting

from .conftest import PDF

pytestmark = pytest.mark.django_db


def codes(briefing):
    return sorted(briefing.receipts.values_list("deputy__code", flat=True))


def test_a_delegation_briefing_reaches_its_deputies_in_office_and_not_suspended(world, publish):
    briefing = publish(audience="delegation", delegation=world.nanxiang)
    # 赵六 is suspended, 钱七's service has ended, 陈一 and 周二 are of 安亭镇.
    assert codes(briefing) == ["NX01", "NX02", "NX03"]
    assert briefing.term == world.term
    assert briefing.publisher_name == "区人大常委会"


def test_the_other_audiences(world, publish):
    assert codes(publish(audience="all")) == ["AT01", "AT02", "NX01", "NX02", "NX03"]
    assert codes(publish(audience="group", group=world.group)) == ["NX01", "NX02"]
    assert codes(publish(audience="sc_members")) == ["AT01", "NX02"]


def test_publishing_is_in_the_history(world, publish):
    briefing = publish(audience="delegation", delegation=world.anting)
    assert briefing.history.count() == 1
    created = Receipt.history.filter(briefing_id=briefing.pk, history_type="+")
    assert [h.history_user for h in created] == [world.office, world.office]


def test_the_audience_notified_once_committed_email_per_switches(
    world, publish, django_capture_on_commit_callbacks
):
    world.zhang.user.email = "zhang@example.cn"
    world.zhang.user.save()
    world.li.user.email = "li@example.cn"
    world.li.user.save()
    for deputy in (world.zhang, world.li):
        NotificationSetting.objects.create(user=deputy.user, email=True)
    # 李四 switched the briefing e-mails off: the inbox keeps the notification.
    NotificationPreference.objects.create(user=world.li.user, kind="briefing", email=False)
    with django_capture_on_commit_callbacks(execute=True):
        briefing = publish(
            title="区政府2026年民生实事项目进展", audience="delegation", delegation=world.nanxiang
        )
    inbox = Notification.objects.filter(kind="briefing").order_by("recipient__username")
    assert [(n.recipient.username, n.delivery) for n in inbox] == [
        ("uNX01", "sent"),
        ("uNX02", "inbox"),
    ]  # 王五 has no account
    assert inbox[0].subject == "通报：区政府2026年民生实事项目进展"
    assert inbox[0].url == reverse("briefings:read", args=[briefing.pk])
    assert [m.to for m in mail.outbox] == [["zhang@example.cn"]]
    assert mail.outbox[0].subject == "通报：区政府2026年民生实事项目进展"


def test_a_liaison_publishes_only_in_its_own_name(world, publish):
    with pytest.raises(ValidationError) as refused:
        publish(user=world.liaison, organiser=world.court)
    assert refused.value.messages == ["您只能以本单位的名义发布通报。"]
    with pytest.raises(ValidationError):
        publish(user=world.liaison, organiser=None)
    with pytest.raises(ValidationError):
        publish(user=world.town, organiser=None)
    assert Briefing.objects.count() == 0
    assert Receipt.objects.count() == 0
    briefing = publish(user=world.liaison, organiser=world.gov)
    assert briefing.publisher_name == "区政府办公室"


def test_an_empty_audience_publishes_nothing(world, publish):
    with pytest.raises(ValidationError) as refused:
        publish(audience="delegation", delegation=world.malu)
    assert refused.value.messages == ["通报对象中没有在职的代表，未发布。"]
    assert Briefing.objects.count() == 0


def test_pdf_attachments_are_checked_by_content_and_nothing_is_half_saved(world, publish, media):
    fake = SimpleUploadedFile("会议材料.pdf", b"MZ\x90\x00" + b"\x00" * 100)
    good = SimpleUploadedFile("报告.pdf", PDF)
    with pytest.raises(ValidationError) as refused:
        publish(attachments=[good, fake])
    assert refused.value.message_dict["attachments"] == [
        "“会议材料.pdf”的内容不是有效的PDF文件（与扩展名不符），未上传。"
    ]
    with pytest.raises(ValidationError) as refused:
        publish(attachments=[SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n")])
    assert refused.value.message_dict["attachments"] == [
        "“照片.png”的类型不支持：通报附件只能是 PDF 文件。"
    ]
    assert Briefing.objects.count() == 0
    assert not (media / "briefing_attachments").exists()

    briefing = publish(attachments=[SimpleUploadedFile("报告.pdf", PDF)])
    attachment = briefing.attachments.get()
    assert attachment.original_name == "报告.pdf"
    stored = list((media / "briefing_attachments").iterdir())
    assert [p.suffix for p in stored] == [".pdf"]
    assert stored[0].name != "报告.pdf"  # a random stored name
    assert stored[0].read_bytes() == PDF


def test_a_failed_save_removes_the_stored_file(world, publish, media, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(BriefingAttachment, "save", broken)
    with pytest.raises(RuntimeError):
        publish(attachments=[SimpleUploadedFile("报告.pdf", PDF)])
    assert list((media / "briefing_attachments").iterdir()) == []
    assert Briefing.objects.count() == 0
