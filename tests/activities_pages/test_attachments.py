"""Photos and PDFs on activities and receptions (issue 14, item 8): checked by content,
stored under MEDIA_ROOT with random names, served only within the activity's scope."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from activities.attachments import services as attachments
from activities.models import ActivityAttachment
from deputies.models import Role


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored(media):
    folder = media / "activity_attachments"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def png_bytes(size=(4, 3)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


NOT_AN_IMAGE = "“照片.jpg”的内容不是有效的图片文件（与扩展名不符），未上传。"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


@pytest.fixture
def reception(world, make_activity):
    return make_activity("北镇家站点接待", type="reception", organiser=world.north_org)


@pytest.fixture
def south_town(world, make_user):
    return make_user("south_town", roles=[(Role.TOWN_STAFF, world.south)])


def upload(client, activity, name, content):
    return client.post(
        reverse("activities:attachment_upload", args=[activity.pk]),
        {"file": SimpleUploadedFile(name, content)},
        follow=True,
    )


def page_messages(response):
    return [str(m) for m in response.context["messages"]]


@pytest.mark.django_db
def test_photo_uploaded_shown_and_downloaded_within_scope_only(
    world, reception, client_for, south_town, media
):
    town = client_for(world.town)
    content = png_bytes()
    response = upload(town, reception, "接待现场.png", content)
    assert page_messages(response) == ["已上传“接待现场.png”。"]
    attachment = ActivityAttachment.objects.get(activity=reception)
    assert attachment.original_name == "接待现场.png" and attachment.kind == "image"
    # Stored under MEDIA_ROOT with a random name, not the uploader's.
    [name] = stored(media)
    assert name.endswith(".png") and "接待" not in name and len(name) == 32 + 4
    url = reverse("activities:attachment_download", args=[attachment.pk])
    assert f'src="{url}"' in response.content.decode()  # the thumbnail on the activity page
    got = town.get(url)
    assert got.status_code == 200 and got["Content-Type"] == "image/png"
    assert b"".join(got.streaming_content) == content
    assert client_for(world.office).get(url).status_code == 200
    # Another town sees neither the activity nor its file, and may not add or delete one.
    other = client_for(south_town)
    assert other.get(url).status_code == 404
    assert other.get(reverse("activities:activity_detail", args=[reception.pk])).status_code == 404
    refused = other.post(
        reverse("activities:attachment_upload", args=[reception.pk]),
        {"file": SimpleUploadedFile("x.png", content)},
    )
    assert refused.status_code == 404
    delete_url = reverse("activities:attachment_delete", args=[attachment.pk])
    assert other.post(delete_url).status_code == 404
    assert ActivityAttachment.objects.count() == 1 and len(stored(media)) == 1
    # A deputy on no roll of it sees nothing either.
    assert client_for(world.deputy_user).get(url).status_code == 404


@pytest.mark.django_db
def test_pdf_is_downloaded_as_a_file(world, reception, client_for):
    town = client_for(world.town)
    upload(town, reception, "签到表.pdf", PDF)
    attachment = ActivityAttachment.objects.get()
    got = town.get(reverse("activities:attachment_download", args=[attachment.pk]))
    assert got["Content-Type"] == "application/pdf"
    assert got["Content-Disposition"].startswith("attachment;")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, content, message",
    [
        ("照片.jpg", EXE, NOT_AN_IMAGE),
        # A JPEG signature in front of something that is not a picture.
        ("照片.jpg", b"\xff\xd8\xff\xe0" + EXE, NOT_AN_IMAGE),
        ("会议.pdf", png_bytes(), "“会议.pdf”的内容不是有效的PDF文件（与扩展名不符），未上传。"),
        ("setup.exe", EXE, "“setup.exe”的类型不支持：只能上传 JPG、PNG、WebP 图片或 PDF 文件。"),
    ],
)
def test_wrong_content_refused_in_chinese(
    world, reception, client_for, media, name, content, message
):
    response = upload(client_for(world.town), reception, name, content)
    assert page_messages(response) == [message]
    assert not ActivityAttachment.objects.exists() and stored(media) == []


@pytest.mark.django_db
def test_too_large_refused(world, reception, client_for, settings, media):
    settings.ACTIVITY_ATTACHMENT_MAX_BYTES = 1024
    content = PDF + b"0" * 1024
    response = upload(client_for(world.town), reception, "大文件.pdf", content)
    assert page_messages(response) == ["“大文件.pdf”超过大小上限 1.0\xa0KB，未上传。"]
    assert not ActivityAttachment.objects.exists() and stored(media) == []


@pytest.mark.django_db
def test_nothing_half_saved_when_the_row_fails(world, reception, media, monkeypatch):
    def broken_save(self, *args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(ActivityAttachment, "save", broken_save)
    with pytest.raises(RuntimeError):
        attachments.add_attachment(reception, SimpleUploadedFile("a.png", png_bytes()), None)
    assert stored(media) == []


@pytest.mark.django_db
def test_delete_asks_first_then_removes_row_and_file(
    world, reception, client_for, media, django_capture_on_commit_callbacks
):
    town = client_for(world.town)
    upload(town, reception, "a.png", png_bytes())
    attachment = ActivityAttachment.objects.get()
    url = reverse("activities:attachment_delete", args=[attachment.pk])
    asked = town.get(url)
    assert "确定要删除“a.png”吗" in asked.content.decode()
    assert ActivityAttachment.objects.count() == 1 and len(stored(media)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = town.post(url)
    assert response.status_code == 302
    assert not ActivityAttachment.objects.exists() and stored(media) == []


def count_queries(call) -> int:
    from django.db import connection

    seen = []

    def counter(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        call()
    return len(seen)


@pytest.mark.django_db
def test_queries_do_not_grow_with_attachments(world, reception, client_for):
    """The activity page reads its attachments in one query, however many there are."""
    town = client_for(world.town)
    page = reverse("activities:activity_detail", args=[reception.pk])
    upload(town, reception, "a.png", png_bytes())
    one = count_queries(lambda: town.get(page))
    for i in range(5):
        upload(town, reception, f"{i}.pdf", PDF)
    assert count_queries(lambda: town.get(page)) == one
    attachment = ActivityAttachment.objects.first()
    url = reverse("activities:attachment_download", args=[attachment.pk])
    assert count_queries(lambda: town.get(url)) <= 9  # session, user, scope, the file row
