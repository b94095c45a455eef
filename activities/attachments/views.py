"""Photos and PDFs on an activity: upload and delete by whoever may edit the activity,
download by whoever may see it. Never served from a static URL: an attachment outside the
user's scope is 404, like its activity."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities.attachments import services as attachments
from activities.models import ActivityAttachment
from activities.views import _any_role
from deputies.scopes import activities_editable_by, activities_visible_to
from jdrenda.views import confirm_delete


@_any_role
@require_POST
def attachment_upload(request, pk):
    activity = get_object_or_404(activities_editable_by(request.user), pk=pk)
    files = request.FILES.getlist("file")
    if not files:
        messages.error(request, _("请选择要上传的文件。"))
    for upload in files:
        try:
            attachments.add_attachment(activity, upload, request.user)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("已上传“%(name)s”。") % {"name": upload.name})
    return redirect(reverse("activities:activity_detail", args=[pk]) + "#attachments")


@_any_role
def attachment_download(request, pk):
    attachment = get_object_or_404(
        ActivityAttachment.objects.filter(activity__in=activities_visible_to(request.user)),
        pk=pk,
    )
    # Images show inline (thumbnails); a PDF is downloaded rather than opened in the page.
    return attachments.stored_file_response(
        attachment.file,
        attachment.content_type,
        attachment.original_name,
        as_attachment=not attachment.is_image,
    )


@_any_role
def attachment_delete(request, pk):
    attachment = get_object_or_404(
        ActivityAttachment.objects.filter(activity__in=activities_editable_by(request.user)),
        pk=pk,
    )
    back = reverse("activities:activity_detail", args=[attachment.activity_id]) + "#attachments"
    return confirm_delete(
        request,
        attachment,
        attachments.delete_attachment,
        message=_("已删除附件“%(name)s”。") % {"name": attachment.original_name},
        success_url=back,
        cancel_url=back,
    )
