"""The closed-years page: which years are closed, close one, re-open one. Who may is one rule,
closing.may_close_years (office staff); everyone else gets 404, as for other office pages.

Both changes ask for a reason and a confirmation (closing names what it will block); the
reason is kept in ClosedYear's history. A year that has not ended cannot be closed.
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
from supervision.closing.services import (
    close_year,
    close_year_refusal,
    may_close_years,
    reopen_year,
    what_closing_blocks,
)
from supervision.models import ClosedYear


def _require_closer(user):
    if not may_close_years(user):
        raise Http404


@login_required
def closed_years(request):
    _require_closer(request.user)
    closed = ClosedYear.objects.select_related("closed_by")
    history = ClosedYear.history.select_related("history_user").order_by("-history_date")[:50]
    # Only years that have ended are offered: the current year cannot be closed yet.
    last_ended = timezone.localdate().year - 1
    closed_set = {c.year for c in closed}
    return render(
        request,
        "supervision/closing/list.html",
        {
            "closed": closed,
            "history": history,
            "open_years": [y for y in range(last_ended, last_ended - 6, -1) if y not in closed_set],
            "this_year": last_ended + 1,
        },
    )


@login_required
@require_POST
def close_year_view(request):
    """Step 1 asks for the confirmation (naming what closing blocks); step 2 (confirm=1)
    closes. A year not yet ended, or already closed, is refused with no form to confirm."""
    _require_closer(request.user)
    year = year_param(request, source=request.POST)
    reason = (request.POST.get("reason") or "").strip()
    error, refused = close_year_refusal(year, reason)
    if not error and request.POST.get("confirm"):
        try:
            close_year(request.user, year, reason)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("%(year)s 年度已结账。") % {"year": year})
            return redirect("supervision:closed_years")
    blocks = [] if refused else what_closing_blocks(year)
    context = {"action": "close", "year": year, "reason": reason, "error": error,
               "refused": refused, "blocks": blocks}  # fmt: skip
    return render(request, "supervision/closing/confirm.html", context)


@login_required
@require_POST
def reopen_year_view(request, year):
    _require_closer(request.user)
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
        "supervision/closing/confirm.html",
        {"action": "reopen", "year": year, "reason": reason, "error": error},
    )
