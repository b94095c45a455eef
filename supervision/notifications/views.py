"""The notification inbox and the email preference. Every signed-in user has both; a user
only ever sees and marks their own notifications (another's is a 404)."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from jdrenda.listing import paginate
from supervision.notifications import services as notifications


class PreferenceForm(forms.Form):
    email = forms.BooleanField(label=gettext_lazy("同时通过电子邮件接收通知"), required=False)

    def __init__(self, *args, kinds=False, **kwargs):
        super().__init__(*args, **kwargs)
        # A deputy's outcome kinds, each switchable (issue 14 item 10).
        self.kind_names = []
        if kinds:
            for kind, label in notifications.OUTCOME_KINDS.items():
                name = f"kind_{kind}"
                self.fields[name] = forms.BooleanField(label=label, required=False)
                self.kind_names.append(name)

    def kind_fields(self):
        return [self[name] for name in self.kind_names]


@login_required
def inbox(request):
    show = request.GET.get("show")
    qs = notifications.inbox(request.user)
    if show == "unread":
        qs = qs.filter(read_at__isnull=True)
    page = paginate(request, qs.order_by("-created_at", "-pk"), per_page=20)
    return render(request, "supervision/notifications/inbox.html", {"page": page, "show": show})


@login_required
@require_POST
def mark_read(request, pk):
    if not notifications.inbox(request.user).filter(pk=pk).exists():
        raise Http404
    notifications.mark_read(request.user, pk)
    return redirect(_back(request))


@login_required
@require_POST
def mark_all_read(request):
    count = notifications.mark_read(request.user)
    messages.success(request, _("已将 %(count)s 条通知标为已读。") % {"count": count})
    return redirect(_back(request))


def _back(request) -> str:
    # Back to the inbox page and filter the user came from; never an arbitrary URL.
    keep = {k: request.POST[k] for k in ("page", "show") if request.POST.get(k)}
    return reverse("notifications:inbox") + (f"?{urlencode(keep)}" if keep else "")


@login_required
def preferences(request):
    # An unticked box posts nothing: a POST is bound even when empty.
    is_deputy = request.user.deputies.exists()
    initial = {"email": notifications.wants_email(request.user)}
    if is_deputy:
        switches = notifications.email_switches(request.user)
        initial.update({f"kind_{kind}": on for kind, on in switches.items()})
    form = PreferenceForm(
        request.POST if request.method == "POST" else None, initial=initial, kinds=is_deputy
    )
    if request.method == "POST" and form.is_valid():
        notifications.set_email_preference(request.user, form.cleaned_data["email"])
        if is_deputy:
            notifications.set_email_switches(
                request.user,
                {kind: form.cleaned_data[f"kind_{kind}"] for kind in notifications.OUTCOME_KINDS},
            )
        if form.cleaned_data["email"] and not request.user.email:
            messages.warning(
                request, _("已保存。您的账号尚未设置电子邮箱，邮件将无法送达，请联系管理员补充。")
            )
        else:
            messages.success(request, _("通知设置已保存。"))
        return redirect("notifications:settings")
    return render(request, "supervision/notifications/settings.html", {"form": form})
