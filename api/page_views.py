"""Office staff's pages for the API's clients: list, create (the token shown once), revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from deputies.models import Role
from deputies.scopes import user_scope
from jdrenda import listing

from . import services
from .forms import ClientForm
from .models import ApiClient


def _require_office(user):
    if not user_scope(user).has(Role.OFFICE_STAFF):
        raise Http404


def _clients():
    return ApiClient.objects.select_related("created_by").prefetch_related(
        "user__role_assignments__delegation", "user__role_assignments__organiser"
    )


@login_required
@never_cache
def clients(request):
    """The clients, and the form to create one. A created client's token is shown on the
    answer to that POST only: it is not stored and cannot be shown again."""
    _require_office(request.user)
    form = ClientForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        client, token = services.create_client(
            data["name"],
            data["role"],
            delegation=data["delegation"],
            organiser=data["organiser"],
            note=data["note"],
            created_by=request.user,
        )
        return render(request, "api/client_created.html", {"client": client, "token": token})
    page = listing.paginate(request, _clients())
    return render(request, "api/clients.html", {"page": page, "form": form})


@login_required
@require_POST
def revoke(request, pk):
    _require_office(request.user)
    client = get_object_or_404(ApiClient, pk=pk)
    if request.POST.get("confirm") != "1":
        messages.error(request, _("请勾选“确认撤销”后再撤销。"))
        return redirect("api:clients")
    services.revoke_client(client)
    messages.success(
        request, _("已撤销“%(n)s”的访问令牌，该客户端不能再访问接口。") % {"n": client}
    )
    return redirect("api:clients")
