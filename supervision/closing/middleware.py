"""Turns a refused change to a closed year into a clear page, in one place for every view.

A POST runs in one transaction: when the guard refused anything during the request, the whole
request is rolled back (even if the view caught the error and carried on), and:
  - htmx requests keep the view's own answer (the attendance cell shows the refusal in its
    data-error) or get the message as a 403 fragment;
  - office staff get a form asking for 更正理由 that re-submits the same POST with the reason;
  - everyone else gets a 403 page saying the year is closed and whom to ask.
"""

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from supervision.closing.services import REASON_FIELD, ClosedYearError, is_office, request_state

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


class ClosedYearMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_state(request) as state:
            if request.method in SAFE_METHODS:
                return self.get_response(request)
            with transaction.atomic():
                response = self.get_response(request)
                if state.refusal is not None:
                    transaction.set_rollback(True)
            if state.refusal is None or getattr(response, "closed_year_page", False):
                return response
            view_response = None if getattr(response, "closed_year_deferred", False) else response
            return refusal_response(request, state.refusal, view_response)

    def process_exception(self, request, exception):
        if not isinstance(exception, ClosedYearError):
            return None
        if request.method in SAFE_METHODS:
            return refusal_response(request, exception, None)
        # Not rendered here: a refusal raised outside a savepoint (e.g. the admin's delete
        # action) leaves the transaction unusable until __call__ has rolled it back.
        response = HttpResponse(status=403)
        response.closed_year_deferred = True
        return response


def _back_url(request) -> str:
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return "/"


def refusal_response(request, error: ClosedYearError, view_response):
    back_url = _back_url(request)
    is_htmx = request.headers.get("HX-Request") == "true"
    if is_htmx:
        if view_response is not None and view_response.status_code < 400:
            return view_response  # the view showed the refusal in its fragment
        response = render(
            request, "supervision/closing/fragment.html", {"error": error}, status=403
        )
    elif is_office(request.user) and request.method == "POST":
        reason_given = REASON_FIELD in request.POST
        fields = [
            (name, value)
            for name, values in request.POST.lists()
            if name not in ("csrfmiddlewaretoken", REASON_FIELD)
            for value in values
        ]
        response = render(
            request,
            "supervision/closing/reason.html",
            {
                "error": error,
                "fields": fields,
                "reason_field": REASON_FIELD,
                "reason_missing": reason_given,
                "has_files": bool(request.FILES),
                "action": request.get_full_path(),
                "back_url": back_url,
            },
            status=409,
        )
    else:
        response = render(
            request,
            "supervision/closing/refused.html",
            {"error": error, "back_url": back_url},
            status=403,
        )
    response.closed_year_page = True
    return response
