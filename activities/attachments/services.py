"""Photos and PDFs on activities (issue 14, item 8). The file's content decides what it is:
its first bytes must be a JPEG, PNG, WebP or PDF signature agreeing with its extension, and
an image must also open as one. The stored name is random; the file is served only through
activities:attachment_download, under the activity's own scope."""

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from activities.models import Activity, ActivityAttachment

Kind = ActivityAttachment.Kind
# extension → (kind, content type, signature test on the first bytes)
ACCEPTED = {
    ".jpg": (Kind.IMAGE, "image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ".jpeg": (Kind.IMAGE, "image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ".png": (Kind.IMAGE, "image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    ".webp": (
        Kind.IMAGE,
        "image/webp",
        lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP",
    ),
    ".pdf": (Kind.PDF, "application/pdf", lambda head: head.startswith(b"%PDF-")),
}


def max_bytes() -> int:
    return settings.ACTIVITY_ATTACHMENT_MAX_BYTES


def check_upload(upload) -> tuple[str, str]:
    """(kind, content type) of an acceptable upload; otherwise a ValidationError in Chinese."""
    if upload is None:
        raise ValidationError(_("请选择要上传的文件。"))
    name = PurePath(upload.name or "").name
    if upload.size > max_bytes():
        raise ValidationError(
            _("“%(name)s”超过大小上限 %(limit)s，未上传。")
            % {"name": name, "limit": filesizeformat(max_bytes())}
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s”是空文件，未上传。") % {"name": name})
    accepted = ACCEPTED.get(PurePath(name).suffix.lower())
    if accepted is None:
        raise ValidationError(
            _("“%(name)s”的类型不支持：只能上传 JPG、PNG、WebP 图片或 PDF 文件。") % {"name": name}
        )
    kind, content_type, signature = accepted
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not signature(head) or (kind == Kind.IMAGE and not _opens_as_image(upload)):
        raise ValidationError(
            _("“%(name)s”的内容不是有效的%(kind)s文件（与扩展名不符），未上传。")
            % {"name": name, "kind": _("图片") if kind == Kind.IMAGE else "PDF"}
        )
    return kind, content_type


def _opens_as_image(upload) -> bool:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(upload) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        return False
    finally:
        upload.seek(0)
    return True


def add_attachment(activity: Activity, upload, user) -> ActivityAttachment:
    """Check, then store the file and its row together: a row that fails to save removes the
    file again, so nothing is half-saved."""
    kind, content_type = check_upload(upload)
    original = PurePath(upload.name).name[:200]
    attachment = ActivityAttachment(
        activity=activity,
        original_name=original,
        kind=kind,
        content_type=content_type,
        size=upload.size,
        uploaded_by=user if user and user.is_authenticated else None,
    )
    attachment.file.save(original, upload, save=False)
    try:
        with transaction.atomic():
            attachment.save()
    except Exception:
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


def delete_attachment(attachment: ActivityAttachment) -> None:
    """The row goes now; the file once the deletion commits (models._remove_attachment_file)."""
    attachment.delete()


def stored_file_response(field, content_type: str, filename: str, as_attachment: bool):
    """A stored upload (an activity's photo, a unit's 答复函) sent through a view that has
    checked the reader's scope; a file missing on disk is a 404, never a 500."""
    from django.http import FileResponse, Http404

    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle, content_type=content_type, as_attachment=as_attachment, filename=filename
    )
