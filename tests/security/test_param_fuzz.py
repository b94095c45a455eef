"""Garbage in every query parameter of every URL: never a 500 (issue 12, item 4).

Every route of tests/security/test_access_matrix.py (the whole URL resolver minus admin/,
accounts/, static/ and media/; test_every_route_has_a_parameter_entry fails for a new route)
is requested with each garbage value in VALUES put into every parameter its view reads. The
parameters are the table PARAMS, collected by reading the views (grep request.GET /
request.POST and the filter forms bound to request.GET); write pages are also POSTed the
names of every input their form renders, filled with garbage.

Roles: each value goes to the route as one of the roles that may use it (rotating, so every
such role sees the route several times and, across routes, every value); one of the roles
refused the route (rotating across routes) gets it with the 25-digit value. Each request
runs in its own savepoint, so an error (on PostgreSQL any database error aborts the
transaction) is reported and rolled back, and a POST that writes does not leak into the
next one.

Some failures show on one database only: a NUL character in a text filter (or in an export's
logged description) on PostgreSQL, a 25-digit id in a multiple choice (__in) on SQLite. CI
runs this file on PostgreSQL (.ci/run); nothing is marked or skipped, so it runs on SQLite
too. It costs about 2,000 requests (about 45 s of CPU here).
"""

import re

import pytest
from django.db import transaction
from django.urls import reverse

from tests.security import test_access_matrix as matrix
from tests.security.test_access_matrix import (
    ARGS,
    EXPECTED,
    PATTERNS,
    READ_ONLY,
    WRITERS,
    client_as,
    expected,
)
from tests.security.world import ROLES

# The matrix's world (built once for this module, rolled back at its end); pytest registers
# it under the name it is imported as.
matrix_world = matrix.world

LONG_ID = "1" * 25  # passes isdigit(), overflows any integer column
VALUES = [
    "abc",
    LONG_ID,
    "-7",
    "",
    "²",  # str.isdigit() says yes, int() says no
    "中文\u202e‮",
    "\x00",  # PostgreSQL refuses NUL in a text parameter
    ["3", "abc"],  # a repeated parameter
]
BAD_DATE = "2026-02-30"  # well formed, impossible: for the routes that read a date
XLSX_VALUES = [LONG_ID, "\x00", "²"]  # also sent with format=xlsx to the list pages
POST_VALUES = ["abc", LONG_ID, "-7", "²", "\x00", ["3", "abc"]]

LIST = ("sort", "page", "format")  # jdrenda.listing: every list page reads these
FILTERS = ("q", "method", "delegation", "date_from", "date_to")  # activities._date_method_filters

# {URL name: the parameters its view reads}, GET for pages, POST for POST-only endpoints
# (their GET is 405). Found by reading the views; routes reading nothing map to ().
PARAMS = {
    "home": (),
    "healthz": (),
    "deputies:list": ("q", "term", "delegation", "group", "status", "compliance", "year", *LIST),
    "deputies:mine": ("year",),
    "deputies:detail": ("year",),
    "deputies:history": ("page",),
    "deputies:my_history": ("year", "page"),
    "activities:session_list": ("term", "q", *LIST),
    "activities:attendance_grid": ("delegation", "group", "page"),
    "activities:attendance_cell": ("meeting", "deputy", "status", "reason"),
    "activities:meeting_mark_present": ("delegation", "group", "page"),
    "activities:leave_list": ("status", "session", "delegation", "q", *LIST),
    "activities:leave_queue": ("status", "session", "delegation", "q", *LIST),
    "activities:leave_head": ("approve", "comment"),
    "activities:leave_sg": ("approve", "comment"),
    "activities:speech_list": ("session", "delegation", "q", *LIST),
    "activities:speech_create": ("meeting",),
    "activities:activity_list": (
        "type",
        "organiser",
        "delegation",
        "date_from",
        "date_to",
        "q",
        *LIST,
    ),  # fmt: skip
    "activities:communication_list": (*FILTERS, *LIST),
    "activities:communication_create": ("deputy",),
    "activities:liaison_list": (*FILTERS, "member", *LIST),
    "activities:opinion_list": (*FILTERS, "status", *LIST),
    "activities:signin": ("action",),
    "proposals:proposal_list": ("term", "kind", "status", "unit", "delegation", "q", *LIST),
    "supervision:report_list": ("year", "delegation", "q", *LIST),
    "supervision:report_create": ("deputy",),
    "supervision:group_report_list": ("year", "status", *LIST),
    "supervision:candidates": ("year", "page", "format"),
    "supervision:interview_list": ("year", "kind", *LIST),
    "supervision:interview_create": ("year", "deputy"),
    "supervision:award_list": ("year", "kind", *LIST),
    "supervision:award_create": ("year", "kind", "deputy", "proposal"),
    "supervision:group_list": ("year", *LIST),
    "supervision:group_detail": ("year",),
    "supervision:award_candidates": ("year", "list", "page", "format"),
    "supervision:points": ("year", "delegation", "q", "sort", "page", "format"),
    "supervision:self_report_new": ("kind",),
    "supervision:flag_new": ("year", "rule", "record", "kind"),
    "supervision:my_feedback": ("year",),
    "supervision:review_list": ("status", "group", *LIST),
    "supervision:review_confirm": ("next",),
    "supervision:review_reject": ("next", "reason"),
    "supervision:flags": ("status", "format"),
    "supervision:flag_resolve": ("next", "resolution"),
    "supervision:close_year": ("year", "reason", "confirm"),
    "supervision:reopen_year": ("reason", "confirm"),
    "rulesets:list": ("page",),
    "rulesets:rejudge": ("year", "ruleset", "reason", "confirm"),
    "rulesets:publish": ("reason", "confirm"),
    "evaluation:index": ("year", "term"),
    "evaluation:download": ("year", "term"),
    "evaluation:feedback": ("year", "term"),
    "evaluation:workbook": ("year", "term"),
    "dashboard:index": ("year",),
    "supervision:export_log": ("user", "kind", "date_from", "date_to", "page", "format"),
    "notifications:inbox": ("show", "page"),
    "notifications:read_all": ("page", "show"),
    "notifications:read": ("page", "show"),
    "planner:plan": ("activity", "seats", "other_seats", "edited", "deputies", "page"),
    "planner:remind": ("deputies",),
    "invitations:list": ("page",),
    "invitations:create": ("activity", "meeting", "deputies"),
    "invitations:detail": ("page",),
    "invitations:replies": ("page",),
    "invitations:mine": ("page",),
    "invitations:leave_decide": ("decision", "leave_reason"),
    "briefings:list": ("page",),
    "briefings:detail": ("status", "delegation", "page"),
    "briefings:mine": ("page",),
    "citizens:inbox": ("status", "q", "page"),
    "citizens:place_poster": ("place",),
    "citizens:reply": ("reply",),
    "citizens:refer": ("hotline_ticket", "hotline_unit"),
    "citizens:hotline_status": ("hotline_status", "hotline_outcome"),
    "citizens:callback": ("callback_result", "satisfaction"),
    "citizens:hide": ("reason",),
    # The open API (api/filters.py; every list also reads page and page_size).
    **{f"api:{kind}-list": ("page", "page_size") for kind in matrix.API_KINDS},
    "api:group-list": ("term", "delegation", "page", "page_size"),
    "api:deputy-list": (
        "term",
        "delegation",
        "group",
        "is_sc_member",
        "code",
        "q",
        "page",
        "page_size",
    ),  # fmt: skip
    "api:meeting-list": (
        "term",
        "session",
        "kind",
        "delegation",
        "date_from",
        "date_to",
        "page",
        "page_size",
    ),  # fmt: skip
    "api:attendance-list": ("meeting", "deputy", "status", "deputy_code", "page", "page_size"),
    "api:activity-list": (
        "term",
        "type",
        "organiser",
        "group",
        "date_from",
        "date_to",
        "page",
        "page_size",
    ),  # fmt: skip
    "api:participation-list": (
        "activity",
        "deputy",
        "status",
        "deputy_code",
        "page",
        "page_size",
    ),  # fmt: skip
    "api:proposal-list": ("term", "kind", "status", "lead", "page", "page_size"),
    "api:evaluation": ("term", "delegation", "page", "page_size"),
    "api:signin": ("activity", "deputy_code"),
    "api:docs": ("script", "lang"),
    "api:schema": ("format", "lang", "version"),
}
# Every other route reads no parameter of its own (its form's fields are POSTed below).
PARAMS.update({name: () for name in PATTERNS if name not in PARAMS})

INPUT_NAME = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')
NOT_FIELDS = {"csrfmiddlewaretoken"}


def _allowed(name):
    """Roles that get past the permission check of the route (so its parameters are read)."""
    return [r for r in ROLES if expected(name, r) not in ("login", 404, 403)]


def _request(world, role, method, url, data):
    """(status or the exception's text); always rolled back."""
    client = client_as(world, role)
    try:
        with transaction.atomic():
            response = getattr(client, method)(url, data)
            transaction.set_rollback(True)
    except Exception as exc:  # noqa: BLE001 - the failure is what the test reports
        return f"{type(exc).__name__}: {str(exc)[:160]}"
    return response.status_code


def _fill(params, value):
    return {key: value for key in params}


def test_every_route_has_a_parameter_entry():
    assert set(PARAMS) == set(PATTERNS)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_garbage_parameters_never_give_500(matrix_world, name):
    world = matrix_world
    url = reverse(name, kwargs=ARGS[name](world))
    method = "post" if EXPECTED[name][0] == 405 else "get"
    params = PARAMS[name] or ("page",)  # a route that reads nothing still gets a stray one
    allowed = _allowed(name) or ["office"]
    start = sum(map(ord, name)) % len(allowed)  # across routes, every role meets every value
    failures = {}
    values = VALUES + ([BAD_DATE] if any(p.startswith("date") for p in params) else [])
    for i, value in enumerate(values):
        role = allowed[(start + i) % len(allowed)]
        got = _request(world, role, method, url, _fill(params, value))
        if not isinstance(got, int) or got >= 500:
            failures[(role, repr(value))] = got
        if "format" in params and value in XLSX_VALUES:  # the export reads the same filters
            data = {**_fill(params, value), "format": "xlsx"}
            got = _request(world, role, method, url, data)
            if not isinstance(got, int) or got >= 500:
                failures[(role, repr(value), "xlsx")] = got
    refused = [r for r in ROLES if r not in allowed]
    if refused:  # one refused role per route, rotating: its check must not read a value first
        role = refused[start % len(refused)]
        got = _request(world, role, method, url, _fill(params, LONG_ID))
        if not isinstance(got, int) or got >= 500:
            failures[(role, LONG_ID)] = got
    assert not failures, failures


WRITE_FORMS = sorted(n for n in PATTERNS if n not in READ_ONLY and EXPECTED[n][0] != 405)


@pytest.mark.django_db
@pytest.mark.parametrize("name", WRITE_FORMS)
def test_garbage_form_posts_never_give_500(matrix_world, name):
    """Each write page's form, every input it renders filled with garbage, POSTed by the
    roles that may write to it."""
    world = matrix_world
    url = reverse(name, kwargs=ARGS[name](world))
    writers = sorted(WRITERS[name]) or ["office"]
    failures = {}
    fields_of = {}
    for i, value in enumerate(POST_VALUES):
        role = writers[i % len(writers)]
        if role not in fields_of:  # the inputs the page renders for this role
            page = client_as(world, role).get(url)
            found = INPUT_NAME.findall(page.content.decode()) if page.status_code == 200 else []
            fields_of[role] = (set(PARAMS[name]) | set(found)) - NOT_FIELDS
        fields = fields_of[role]
        got = _request(world, role, "post", url, _fill(fields, value))
        if not isinstance(got, int) or got >= 500:
            failures[(role, repr(value))] = got
    assert not failures, failures


# --- what the user sees -----------------------------------------------------------------------

NOTE = "链接中的参数“%s”无效，已忽略。"


@pytest.mark.django_db
def test_an_ignored_parameter_is_named_on_the_page(matrix_world):
    """/evaluation/?term=abc was a 500; now the page shows the year for all terms and says
    which parameter it ignored. A valid term gives no note."""
    world = matrix_world
    office = client_as(world, "office")
    url = reverse("evaluation:index")
    html = office.get(url, {"term": "abc", "year": world["year"]}).content.decode()
    assert NOTE % "term" in html
    assert NOTE % "year" not in html
    html = office.get(url, {"term": world["term"].pk}).content.decode()
    assert "无效，已忽略" not in html


@pytest.mark.django_db
def test_deputy_list_ignores_an_overflowing_id_but_keeps_the_other_filters(matrix_world):
    """?delegation=<25 digits> is ignored (with the note); ?q= still narrows the list."""
    world = matrix_world
    response = client_as(world, "office").get(
        reverse("deputies:list"), {"delegation": LONG_ID, "q": "甲代表"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert NOTE % "delegation" in html
    assert "甲代表" in html and "乙代表" not in html


@pytest.mark.django_db
def test_workbook_job_with_a_bad_term_runs_for_all_terms(matrix_world):
    """POST /evaluation/workbook/ with term=abc was a 500; now the job is made for the year
    without a term (the invalid value ignored) and the user is sent to its progress page."""
    from supervision.models import ExportJob

    world = matrix_world
    with transaction.atomic():
        response = client_as(world, "office").post(
            reverse("evaluation:workbook"), {"term": "abc", "year": world["year"]}
        )
        job = ExportJob.objects.order_by("-pk").first()
        assert response.status_code == 302
        assert response["Location"] == reverse("evaluation:job", args=[job.pk])
        assert (job.year, job.term) == (world["year"], None)
        transaction.set_rollback(True)


# --- the open API, by client token: JSON 4xx, never a 500 -------------------------------------


def _api_request(world, role, method, url, data):
    """(status, content type) or the exception's text; always rolled back."""
    import json

    client = matrix.api_client_as(world, role)
    try:
        with transaction.atomic():
            if method == "post":
                body = json.dumps(data)
                response = client.post(url, body, content_type="application/json")
            else:
                response = client.get(url, data)
            transaction.set_rollback(True)
    except Exception as exc:  # noqa: BLE001 - the failure is what the test reports
        return f"{type(exc).__name__}: {str(exc)[:160]}"
    return response.status_code, response["Content-Type"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", matrix.API_NAMES)
def test_api_garbage_parameters_answer_json_never_500(matrix_world, name, settings):
    """Each API URL with garbage in every parameter it reads (the sign-in: in its JSON body),
    from each client role that gets past its scope check: a JSON answer below 500."""
    settings.API_RATE_LIMIT = "100000/minute"
    world = matrix_world
    url = reverse(name, kwargs=ARGS[name](world))
    method = "post" if name == "api:signin" else "get"
    roles = [r for r in matrix.API_ROLES if r != "anonymous"]
    if method == "get":
        roles = [r for r in roles if matrix.api_expected(name, r) == 200]
    start = sum(map(ord, name)) % len(roles)
    failures = {}
    values = VALUES + ([BAD_DATE] if any(p.startswith("date") for p in PARAMS[name]) else [])
    for i, value in enumerate(values):
        role = roles[(start + i) % len(roles)]
        got = _api_request(world, role, method, url, _fill(PARAMS[name], value))
        if not isinstance(got, tuple) or got[0] >= 500 or got[1] != "application/json":
            failures[(role, repr(value))] = got
    assert not failures, failures
