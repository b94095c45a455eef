"""The invitation planner page (office staff) and a group leader's reminder (POST).

The planner is for the 人事代表工委 (office staff) only: it plans the district's SC meetings,
座谈会 and 一府一委两院 activities across every delegation; other roles get 404, as elsewhere.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deputies.models import Role
from deputies.scopes import user_scope
from jdrenda import listing
from jdrenda.params import choice_param, int_list_param, int_param, note_invalid

from . import selectors, services


def can_plan(user) -> bool:
    return user_scope(user).has(Role.OFFICE_STAFF)


def _ids_param(request, key: str) -> list[int]:
    """Ids given as repeated values (the checkboxes) or comma-separated (a link)."""
    parts = QueryDict(mutable=True)
    parts.setlist(key, [p for value in request.GET.getlist(key) for p in value.split(",")])
    return list(dict.fromkeys(int_list_param(request, key, source=parts)))


def invitation_url(activity, deputy_ids: list[int]) -> str:
    """The invitations app's create page prefilled with this list."""
    query = {"activity": activity.pk, "deputies": ",".join(map(str, deputy_ids))}
    return f"{reverse('invitations:create')}?{urlencode(query)}"


@login_required
def plan(request):
    if not can_plan(request.user):
        raise Http404
    term = selectors.current_term()
    activities = list(selectors.upcoming_activities(term)) if term else []
    wanted = int_param(request, "activity")
    activity = next((a for a in activities if a.pk == wanted), None)
    if wanted and activity is None:
        note_invalid(request, "activity")
    activity = activity or (activities[0] if activities else None)
    bounds = {"minimum": 1, "maximum": selectors.MAX_SEATS}
    seats = int_param(request, "seats", default=selectors.DEFAULT_SEATS, **bounds)
    other_seats = int_param(request, "other_seats", default=seats, **bounds)
    edited = choice_param(request, "edited", ("1",)) == "1"
    result = None
    if activity is not None:
        chosen = _ids_param(request, "deputies") if edited else None
        result = selectors.plan_for(term, activity, activities, seats, other_seats, chosen)
    context = {
        "term": term,
        "activities": activities,
        "activity": activity,
        "seats": seats,
        "other_seats": other_seats,
        "result": result,
        "edited": edited,
    }
    if result is not None:
        ids = result.proposed_ids
        context["invite_url"] = invitation_url(activity, ids)
        query = {"activity": activity.pk, "seats": seats, "other_seats": other_seats}
        if edited:
            query |= {"edited": "1", "deputies": ",".join(map(str, ids))}
        context["query"] = urlencode(query)
        context["unreachable"] = listing.paginate(request, result.cannot_reach)
    return render(request, "planner/plan.html", context)


@login_required
@require_POST
def remind(request, pk):
    """A group leader reminds the chosen members of their own group who are behind."""
    group = get_object_or_404(selectors.groups_led_by(request.user), pk=pk)
    ids = int_list_param(request, "deputies", source=request.POST)
    back = f"{reverse('supervision:group_detail', args=[group.pk])}#reminder"
    if not ids:
        messages.error(request, _("请至少选择一位要提醒的组员。"))
        return redirect(back)
    result = services.remind_behind_members(request.user, group, ids)
    if result.reminded:
        messages.success(request, _("已向 %(n)s 位组员发送履职提醒。") % {"n": result.reminded})
    if result.without_account:
        messages.warning(
            request,
            _("%(n)s 位组员没有系统账号，未能发送提醒，请电话联系。")
            % {"n": result.without_account},
        )
    if not result.reminded and not result.without_account:
        messages.error(request, _("所选组员当前没有落后的履职要求，未发送提醒。"))
    return redirect(back)
