"""The closed-years page (office staff): which years are closed, close one, re-open one.

Both changes ask for a reason and a confirmation; the reason is kept in ClosedYear's history.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jdrenda.params import year_param

from .closing import close_year, is_office, reopen_year
from .models import ClosedYear


def _require_office(user):
    if not is_office(user):
        raise Http404


@login_required
def closed_years(request):
    _require_office(request.user)
    closed = ClosedYear.objects.select_related("closed_by")
    history = ClosedYear.history.select_related("history_user").order_by("-history_date")[:50]
    this_year = timezone.localdate().year
    closed_set = {c.year for c in closed}
    return render(
        request,
        "supervision/closed_years.html",
        {
            "closed": closed,
            "history": history,
            "open_years": [y for y in range(this_year, this_year - 6, -1) if y not in closed_set],
        },
    )


@login_required
@require_POST
def close_year_view(request):
    _require_office(request.user)
    year = year_param(request, source=request.POST)
    reason = (request.POST.get("reason") or "").strip()
    error = ""
    if year is None:
        error = _("请选择年度。")
    elif not reason:
        error = _("请填写结账理由。")
    elif ClosedYear.objects.filter(year=year).exists():
        error = _("%(year)s 年度已结账。") % {"year": year}
    if not error and request.POST.get("confirm"):
        try:
            close_year(request.user, year, reason)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("%(year)s 年度已结账。") % {"year": year})
            return redirect("supervision:closed_years")
    return render(
        request,
        "supervision/closed_year_confirm.html",
        {"action": "close", "year": year, "reason": reason, "error": error},
    )


@login_required
@require_POST
def reopen_year_view(request, year):
    _require_office(request.user)
    if not ClosedYear.objects.filter(year=year).exists():
        raise Http404
    reason = (request.POST.get("reason") or "").strip()
    error = "" if reason else _("请填写重新开放的理由。")
    if not error and request.POST.get("confirm"):
        try:
            reopen_year(request.user, year, reason)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("%(year)s 年度已重新开放。") % {"year": year})
            return redirect("supervision:closed_years")
    return render(
        request,
        "supervision/closed_year_confirm.html",
        {"action": "reopen", "year": year, "reason": reason, "error": error},
    )
