"""Pages of 代表码.

Public (no login): the deputy's page with the message form, the receipt, the lookup. They
carry their own strict Content-Security-Policy (no script at all, styles from our files only,
forms only to us), are never cached, and are rate limited per address and per deputy.

Signed in: the inbox (the deputy's own messages; town staff their delegation's, masked;
office staff all), a message's page with its actions, and the QR posters.
"""

from functools import wraps

from allauth.core.internal import ratelimit
from csp.decorators import csp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from activities.models import PublicOpinion
from jdrenda.listing import paginate
from jdrenda.params import choice_param, text_param

from . import forms, selectors, services
from .models import CitizenMessage, DeputyPage

# The public pages' own policy: nothing but our own stylesheet and images; no script, no
# frames, forms post to us only.
PUBLIC_CSP = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
MAX_BODY = 16 * 1024  # a message form is a few kB at most


def _body_size(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return MAX_BODY + 1  # a length that is not a number: refused as too long


def public(view):
    """A public page: strict CSP, never cached, a body beyond MAX_BODY refused."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST" and _body_size(request) > MAX_BODY:
            response = render(request, "citizens/refused.html", {"reason": _("提交的内容过长。")})
            response.status_code = 413
            return response
        return view(request, *args, **kwargs)

    return csp(PUBLIC_CSP["DIRECTIVES"])(never_cache(wrapped))


def _limited(request, action: str, key=None) -> bool:
    """True when the rate limit for `action` (settings.CITIZEN_RATE_LIMITS) is used up; counts
    this request otherwise. The counts live in the cache, as the login lock-out's do."""
    return (
        ratelimit.consume(
            request, app="citizens", action=action, config=settings.CITIZEN_RATE_LIMITS, key=key
        )
        is None
    )


def _too_many(request):
    response = render(
        request,
        "citizens/refused.html",
        {"reason": _("提交过于频繁，请稍后再试。如有急事，请拨打12345市民服务热线。")},
    )
    response.status_code = 429
    return response


@public
def page(request, token):
    deputy_page = get_object_or_404(
        DeputyPage.objects.select_related("deputy__delegation", "deputy__group"), token=token
    )
    deputy = deputy_page.deputy
    form = forms.MessageForm(request.POST or None)
    if request.method == "POST":
        if form.is_bot:
            response = render(request, "citizens/refused.html", {"reason": _("提交失败。")})
            response.status_code = 400
            return response
        if form.is_valid():
            if _limited(request, "message") or _limited(
                request, "message_deputy", key=str(deputy.pk)
            ):
                return _too_many(request)
            try:
                message, code = services.submit_message(
                    deputy_page,
                    category=form.cleaned_data["category"],
                    content=form.cleaned_data["content"],
                    name=form.cleaned_data["name"],
                    phone=form.cleaned_data["phone"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return render(
                    request,
                    "citizens/receipt.html",
                    {"deputy": deputy, "code": services.format_code(code), "message": message},
                )
    today = timezone.localdate()
    return render(
        request,
        "citizens/page.html",
        {
            "deputy": deputy,
            "page": deputy_page,
            "accepting": services.accepts(deputy_page, today),
            "form": form,
            "places": selectors.reception_places(deputy),
            "receptions": selectors.coming_receptions(deputy, today),
            "retention_days": settings.CITIZEN_CONTACT_RETENTION_DAYS,
        },
    )


@public
def lookup(request):
    """The code is POSTed (not in the address: it would stay in histories and logs)."""
    form = forms.LookupForm(request.POST or None)
    view = None
    if request.method == "POST" and form.is_valid():
        if _limited(request, "lookup"):
            return _too_many(request)
        message = services.message_for_code(form.cleaned_data["code"])
        if message is None:
            form.add_error("code", _("查询码不正确，请核对后重新输入。"))
        else:
            view = selectors.citizen_view(message)
    return render(request, "citizens/lookup.html", {"form": form, "view": view})


# --- signed in -----------------------------------------------------------------------------


def _inbox_user(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not selectors.may_use_inbox(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


STATUS_FILTERS = ("open", "overdue", "answered", "referred", "hidden", "all")


def _filtered(request, qs):
    status = choice_param(request, "status", STATUS_FILTERS, default="open")
    today = timezone.localdate()
    if status == "open":
        qs = qs.shown().filter(first_answer_at__isnull=True)
    elif status == "overdue":
        qs = selectors.unanswered(qs, today)
    elif status == "answered":
        qs = qs.shown().filter(first_answer_at__isnull=False)
    elif status == "referred":
        qs = qs.shown().filter(referred_at__isnull=False)
    elif status == "hidden":
        qs = qs.filter(hidden_at__isnull=False)
    query = text_param(request, "q", max_length=50)
    if query:
        qs = qs.filter(deputy__name__contains=query)
    return qs, status, query


@_inbox_user
def inbox(request):
    qs = selectors.messages_visible_to(
        request.user, CitizenMessage.objects.select_related("deputy__delegation", "opinion")
    )
    qs, status, query = _filtered(request, qs)
    page_obj = paginate(request, qs)
    for message in page_obj:
        message.shown_name, message.shown_phone = selectors.shown_contact(
            message, selectors.full_contact(request.user, message)
        )
    own = [services.page_for(d) for d in selectors.own_deputies(request.user)]
    return render(
        request,
        "citizens/inbox.html",
        {
            "page_obj": page_obj,
            "status": status,
            "query": query,
            "statuses": [
                ("open", _("待处理")),
                ("overdue", _("超期未答复")),
                ("answered", _("已答复或转办")),
                ("referred", _("已转12345")),
                ("hidden", _("已屏蔽")),
                ("all", _("全部")),
            ],
            "own_pages": [(p, services.public_url(p)) for p in own],
            "places": selectors.reception_places_for(request.user),
            "overdue_days": settings.CITIZEN_UNANSWERED_DAYS,
        },
    )


def _message(request, pk):
    return get_object_or_404(
        selectors.messages_visible_to(
            request.user,
            CitizenMessage.objects.select_related("deputy__delegation", "opinion", "hidden_by"),
        ),
        pk=pk,
    )


@_inbox_user
def detail(request, pk):
    message = _message(request, pk)
    name, phone = selectors.shown_contact(message, selectors.full_contact(request.user, message))
    return render(
        request,
        "citizens/detail.html",
        {
            "message": message,
            "shown_name": name,
            "shown_phone": phone,
            "citizen": selectors.citizen_view(message),
            "may_reply": selectors.may_reply(request.user, message) and not message.hidden_at,
            "may_handle": selectors.may_handle(request.user, message) and not message.hidden_at,
            "may_hide": selectors.may_hide(request.user, message) and not message.hidden_at,
            "reply_form": forms.ReplyForm(initial={"reply": message.reply}),
            "refer_form": forms.ReferForm(
                initial={
                    "hotline_ticket": message.opinion.hotline_ticket if message.opinion else "",
                    "hotline_unit": message.hotline_unit,
                }
            ),
            "status_form": forms.HotlineStatusForm(
                initial={
                    "hotline_status": message.hotline_status,
                    "hotline_outcome": message.opinion.hotline_outcome if message.opinion else "",
                }
            ),
            "callback_form": forms.CallbackForm(
                initial={
                    "callback_result": message.callback_result,
                    "satisfaction": message.satisfaction,
                }
            ),
            "hide_form": forms.HideForm(),
            "closed": message.hotline_status == PublicOpinion.HotlineStatus.CLOSED,
        },
    )


def _action(check, form_class, apply, done):
    """A POST-only action on one message: scope (404), permission (404), form, service."""

    @login_required
    @require_POST
    def view(request, pk):
        if not selectors.may_use_inbox(request.user):
            raise Http404
        message = _message(request, pk)
        if not check(request.user, message):
            raise Http404
        form = form_class(request.POST) if form_class else None
        try:
            if form is not None and not form.is_valid():
                raise ValidationError([str(e) for errors in form.errors.values() for e in errors])
            apply(request, message, form.cleaned_data if form is not None else {})
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, done)
        return redirect("citizens:detail", pk)

    return view


reply = _action(
    selectors.may_reply,
    forms.ReplyForm,
    lambda request, m, data: services.reply(m, request.user, data["reply"]),
    _("已答复，留言人凭查询码可以看到。"),
)
make_opinion = _action(
    selectors.may_handle,
    None,
    lambda request, m, data: services.make_opinion(m, request.user),
    _("已登记为社情民意。"),
)
refer = _action(
    selectors.may_handle,
    forms.ReferForm,
    lambda request, m, data: services.refer(
        m, request.user, data["hotline_ticket"], data["hotline_unit"]
    ),
    _("已转办12345热线。"),
)
hotline_status = _action(
    selectors.may_handle,
    forms.HotlineStatusForm,
    lambda request, m, data: services.update_hotline(
        m, data["hotline_status"], data["hotline_outcome"]
    ),
    _("已更新工单状态。"),
)
callback = _action(
    selectors.may_handle,
    forms.CallbackForm,
    lambda request, m, data: services.record_callback(
        m, data["callback_result"], data["satisfaction"]
    ),
    _("已登记回访情况。"),
)
hide = _action(
    selectors.may_hide,
    forms.HideForm,
    lambda request, m, data: services.hide(m, request.user, data["reason"]),
    _("已屏蔽该留言。"),
)


# --- posters -------------------------------------------------------------------------------


def _pdf(data: bytes, filename: str) -> HttpResponse:
    from urllib.parse import quote

    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    return response


@_inbox_user
def poster(request, pk):
    """The A4 poster of one deputy the user may see messages of."""
    from . import posters

    deputy = get_object_or_404(selectors.deputies_with_inbox(request.user), pk=pk)
    return _pdf(posters.deputy_poster(deputy), _("代表码-%(n)s.pdf") % {"n": deputy.name})


@_inbox_user
def place_poster(request):
    """The A4 poster of one 家站点 (?place=…): its deputies the user may see, each with a QR."""
    from . import posters

    place = text_param(request, "place", max_length=200)
    deputies = list(
        selectors.deputies_at_place(place, selectors.deputies_with_inbox(request.user))
        .select_related("delegation", "group")
        .order_by("code")
    ) if place else []  # fmt: skip
    if not deputies:
        raise Http404
    return _pdf(posters.place_poster(place, deputies), _("家站点代表码.pdf"))
