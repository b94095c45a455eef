"""Access control as a matrix: every URL the project serves × every role.

The world (tests/security/world.py) gives deputy A one record of every kind; each URL is filled
with A's object of the kind it takes. For each (URL name, role) the table EXPECTED says what a
GET must answer:

    200      the page
    302      a redirect by design: the home page sends deputies (group leaders are deputies too)
             to their own file; pages that only take a POST (participants, proposal status,
             reply and evaluation, 社情民意 referral and status) send a GET back to the object
    "login"  a redirect to the login page (anonymous)
    404      out of scope, or a page the role may not use at all (the project's convention)
    403      only the ledger import, which refuses non-importers with 403 on purpose
    405      POST-only endpoints (require_POST)

WRITERS names, per write URL, the roles that may POST to it (for A's objects); every other role's
POST must be refused (404/403/login) and change nothing in the database. A new URL without an
entry in ARGS, EXPECTED and (if it writes) WRITERS fails test_every_url_is_in_the_matrix.
"""

import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection, transaction
from django.shortcuts import resolve_url
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security import world as world_module
from tests.security.world import ROLES

# Prefixes the matrix does not cover: Django's admin (its own permission system), allauth's
# account pages, static and media files.
EXCLUDED_PREFIXES = ("admin/", "accounts/", "static/", "media/")


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            full = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _walk(entry.url_patterns, route, full)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield route, name


def served_patterns():
    """{url name: route} for every pattern the matrix covers."""
    found = {}
    for route, name in _walk(get_resolver().url_patterns):
        if route.startswith(EXCLUDED_PREFIXES):
            continue
        assert name, f"an unnamed URL pattern cannot be checked: {route}"
        found[name] = route
    return found


PATTERNS = served_patterns()

# The open API's router lists (api/urls.py): each has a -list and a -detail URL.
API_KINDS = ("term", "delegation", "group", "deputy", "meeting", "attendance", "activity",
             "participation", "proposal")  # fmt: skip

# Pages that only read; every other URL writes on POST and is listed in WRITERS.
READ_ONLY = {
    "home",
    "healthz",
    "favicon",
    "deputies:list",
    "deputies:pick",
    "deputies:mine",
    "deputies:detail",
    "deputies:history",
    "deputies:my_history",
    "deputies:constituents_xlsx",
    "activities:session_list",
    "activities:session_detail",
    "activities:attendance_grid",
    "activities:signin_sheet",
    "activities:leave_list",
    "activities:leave_queue",
    "activities:leave_queue_count",
    "activities:leave_detail",
    "activities:speech_list",
    "activities:activity_list",
    "activities:activity_detail",
    "activities:attachment_download",
    "activities:communication_list",
    "activities:liaison_list",
    "activities:opinion_list",
    "activities:opinion_detail",
    "proposals:proposal_list",
    "proposals:proposal_detail",
    "proposals:unit_letter",
    "supervision:ledger_template",
    "supervision:ledger_issues",
    "supervision:ledger_job",
    "supervision:report_list",
    "supervision:group_report_list",
    "supervision:interview_list",
    "supervision:candidates",
    "supervision:award_list",
    "supervision:group_list",
    "supervision:group_detail",
    "supervision:award_candidates",
    "supervision:points",
    "supervision:my_feedback",
    "supervision:my_feedback_pdf",
    "supervision:my_file_pdf",
    "supervision:deputy_file_pdf",
    "supervision:my_report_draft_download",
    "supervision:report_draft_download",
    "supervision:review_list",
    "supervision:review_count",
    "supervision:flags",
    "supervision:closed_years",
    "evaluation:index",
    "evaluation:download",
    "evaluation:job",
    "evaluation:job_download",
    "dashboard:index",
    "notifications:inbox",
    "supervision:export_log",
    "rulesets:list",
    "rulesets:detail",
    "rulesets:export",
    "planner:plan",
    "invitations:list",
    "invitations:detail",
    "invitations:replies",
    "invitations:mine",
    "briefings:list",
    "briefings:detail",
    "briefings:export",
    "briefings:mine",
    # A GET records the deputy's read receipt (idempotent); nothing is POSTed to it.
    "briefings:read",
    "briefings:attachment",
    "citizens:lookup",
    "citizens:inbox",
    "citizens:detail",
    "citizens:poster",
    "citizens:place_poster",
    *(f"api:{kind}-{view}" for kind in API_KINDS for view in ("list", "detail")),
    "api:evaluation",
    "api:schema",
    "api:docs",
}


def pk(kind):
    return lambda world: {"pk": world[kind].pk}


NONE = lambda world: {}  # noqa: E731
ARGS = {name: NONE for name, route in PATTERNS.items() if "<" not in route}
ARGS.update(
    {
        "deputies:detail": pk("deputy"),
        "supervision:deputy_file_pdf": pk("deputy"),
        "supervision:report_draft": pk("deputy"),
        "supervision:report_draft_download": lambda world: {
            "pk": world["deputy"].pk,
            "fmt": "docx",
        },
        "supervision:my_report_draft_download": lambda world: {"fmt": "docx"},
        "deputies:history": pk("deputy"),
        "rulesets:detail": pk("ruleset"),
        "rulesets:copy": pk("ruleset"),
        "rulesets:edit": pk("ruleset"),
        "rulesets:publish": pk("ruleset"),
        "rulesets:export": pk("ruleset"),
        "deputies:edit": pk("deputy"),
        "deputies:service_create": pk("deputy"),
        "deputies:service_edit": pk("service"),
        "deputies:service_delete": pk("service"),
        "deputies:suspension_create": pk("deputy"),
        "deputies:suspension_edit": pk("suspension"),
        "deputies:suspension_delete": pk("suspension"),
        "deputies:termination": lambda world: {"pk": world["termination_deputy"].pk},
        "deputies:termination_delete": lambda world: {"pk": world["termination_deputy"].pk},
        "deputies:constituents_xlsx": pk("deputy"),
        "deputies:constituent_create": pk("deputy"),
        "deputies:constituent_edit": pk("constituent"),
        "deputies:constituent_delete": pk("constituent"),
        "deputies:liaison_create": lambda world: {"pk": world["member"].pk},
        "deputies:liaison_delete": pk("liaison"),
        "activities:session_detail": pk("session"),
        "activities:session_edit": pk("session"),
        "activities:session_copy": pk("session"),
        "activities:session_delete": pk("session"),
        "activities:meeting_create": pk("session"),
        "activities:attendance_grid": pk("session"),
        "activities:attendance_cell": pk("session"),
        "activities:meeting_edit": pk("meeting"),
        "activities:meeting_delete": pk("meeting"),
        "activities:signin_sheet": pk("meeting"),
        "activities:meeting_mark_present": pk("meeting"),
        "activities:leave_detail": pk("leave"),
        "activities:leave_head": pk("leave"),
        "activities:leave_sg": pk("leave"),
        "activities:speech_edit": pk("speech"),
        "activities:speech_delete": pk("speech"),
        "activities:activity_detail": pk("activity"),
        "activities:activity_edit": pk("activity"),
        "activities:activity_delete": pk("activity"),
        "activities:participant_add": pk("activity"),
        "activities:attachment_upload": pk("activity"),
        "activities:attachment_download": pk("attachment"),
        "activities:attachment_delete": pk("attachment"),
        "activities:participant_bulk": pk("activity"),
        "activities:participant_set_all": pk("activity"),
        "activities:signin": lambda world: {
            "pk": world["activity"].pk,
            "token": world["signin_token"],
        },
        "activities:participation_update": pk("participation"),
        "activities:participation_delete": pk("participation"),
        "activities:communication_edit": pk("communication"),
        "activities:communication_delete": pk("communication"),
        "activities:liaison_delete": pk("liaison_comm"),
        "activities:opinion_detail": pk("opinion"),
        "activities:opinion_edit": pk("opinion"),
        "activities:opinion_refer": pk("opinion"),
        "activities:opinion_status": pk("opinion"),
        "activities:opinion_delete": pk("opinion"),
        "proposals:proposal_detail": pk("proposal"),
        "proposals:proposal_edit": pk("proposal"),
        "proposals:proposal_delete": pk("proposal"),
        "proposals:proposal_transition": pk("proposal"),
        "proposals:proposal_withdraw": pk("proposal"),
        "proposals:proposal_restore": pk("proposal"),
        "proposals:proposal_reply": pk("proposal"),
        "proposals:proposal_evaluate": pk("proposal"),
        "proposals:unit_reply": pk("assignment"),
        "proposals:unit_letter": pk("assignment"),
        "supervision:ledger_preview": lambda world: {"token": "0123456789abcdef"},
        "supervision:ledger_issues": lambda world: {"token": "0123456789abcdef"},
        "supervision:ledger_job": pk("ledger_job"),
        "supervision:report_edit": pk("report"),
        "supervision:report_delete": pk("report"),
        "supervision:group_report_submit": lambda world: {
            "group_pk": world["group1"].pk,
            "year": world["year"],
        },
        "supervision:group_report_delete": pk("group_report"),
        "supervision:interview_edit": pk("interview"),
        "supervision:interview_delete": pk("interview"),
        "supervision:award_edit": pk("award"),
        "supervision:award_delete": pk("award"),
        "supervision:group_detail": lambda world: {"pk": world["group1"].pk},
        "supervision:self_report_edit": pk("self_report"),
        "supervision:review_confirm": pk("self_report"),
        "supervision:review_reject": pk("self_report"),
        "supervision:flag_resolve": pk("flag"),
        "supervision:reopen_year": lambda world: {"year": 2024},
        "evaluation:job": pk("job"),
        "evaluation:job_download": pk("job"),
        "notifications:read": pk("notification"),
        "planner:remind": lambda world: {"pk": world["group1"].pk},
        "invitations:detail": pk("invitation"),
        "invitations:replies": pk("invitation"),
        "invitations:chase": pk("invitation"),
        "invitations:edit": pk("invitation"),
        "invitations:cancel": pk("invitation"),
        "invitations:leave_decide": pk("invitee"),
        "invitations:reply": pk("invitee"),
        "briefings:detail": pk("briefing"),
        "briefings:export": pk("briefing"),
        "briefings:read": pk("briefing"),
        "briefings:attachment": pk("briefing_attachment"),
        # 代表码: the public page of deputy B (a public page names its deputy to everyone,
        # so it is B's: the out-of-scope roles must still see nothing of A).
        "citizens:page": lambda world: {"token": world["citizen_page_b"].token},
        "citizens:detail": pk("citizen_message"),
        "citizens:reply": pk("citizen_message"),
        "citizens:make_opinion": pk("citizen_message"),
        "citizens:refer": pk("citizen_message"),
        "citizens:hotline_status": pk("citizen_message"),
        "citizens:callback": pk("citizen_message"),
        "citizens:hide": pk("citizen_message"),
        "citizens:poster": pk("deputy"),
        "api:term-detail": pk("term"),
        "api:delegation-detail": lambda world: {"pk": world["del1"].pk},
        "api:group-detail": lambda world: {"pk": world["group1"].pk},
        "api:deputy-detail": pk("deputy"),
        "api:meeting-detail": pk("meeting"),
        "api:attendance-detail": pk("attendance"),
        "api:activity-detail": pk("activity"),
        "api:participation-detail": pk("participation"),
        "api:proposal-detail": pk("proposal"),
        "api:evaluation": lambda world: {"year": world["year"]},
        "api:client_revoke": pk("api_client"),
    }
)


def login_url():
    return resolve_url(settings.LOGIN_URL)


def outcome(response):
    """The outcome of a request as the matrix names it."""
    if response.status_code in (301, 302):
        if response["Location"].split("?")[0] == login_url():
            return "login"
        return 302
    return response.status_code


# (default outcome, {role: outcome that differs}); anonymous is "login" unless listed.
EXPECTED = {
    "home": (200, {"deputy": 302, "other_deputy": 302, "group_leader": 302}),
    "deputies:list": (200, {}),
    "deputies:pick": (200, {}),  # JSON scoped to each role: tests/pickers/
    "deputies:mine": (404, {"deputy": 200, "other_deputy": 200, "group_leader": 200}),
    "deputies:create": (404, {"other_town": 200, "office": 200}),
    "deputies:detail": (200, {"other_deputy": 404, "other_town": 404, "committee": 404}),
    "deputies:history": (200, {"other_deputy": 404, "other_town": 404, "committee": 404}),
    "deputies:my_history": (404, {"deputy": 200, "other_deputy": 200, "group_leader": 200}),
    "deputies:edit": (404, {"office": 200}),
    "deputies:service_create": (404, {"office": 200}),
    "deputies:service_edit": (404, {"office": 200}),
    "deputies:service_delete": (404, {"office": 200}),
    "deputies:suspension_create": (404, {"office": 200}),
    "deputies:suspension_edit": (404, {"office": 200}),
    "deputies:suspension_delete": (404, {"office": 200}),
    "deputies:termination": (404, {"office": 200}),
    "deputies:termination_delete": (404, {"office": 200}),
    "deputies:constituents_xlsx": (200, {"other_deputy": 404, "other_town": 404, "committee": 404}),
    "deputies:constituent_create": (404, {"office": 200}),
    "deputies:constituent_edit": (404, {"office": 200}),
    "deputies:constituent_delete": (404, {"office": 200}),
    "deputies:liaison_create": (404, {"office": 200}),
    "deputies:liaison_delete": (404, {"office": 200}),
    "activities:session_list": (
        200,
        {"deputy": 404, "other_deputy": 404, "group_leader": 404, "committee": 404},
    ),
    "activities:session_create": (404, {"office": 200}),
    "activities:session_detail": (
        200,
        {"deputy": 404, "other_deputy": 404, "group_leader": 404, "committee": 404},
    ),
    "activities:session_edit": (404, {"office": 200}),
    "activities:session_copy": (404, {"office": 200}),
    "activities:session_delete": (404, {"office": 200}),
    "activities:meeting_create": (404, {"office": 200}),
    "activities:attendance_grid": (
        200,
        {"deputy": 404, "other_deputy": 404, "group_leader": 404, "committee": 404},
    ),
    "activities:attendance_cell": (405, {}),
    "activities:meeting_edit": (404, {"office": 200}),
    "activities:meeting_delete": (404, {"office": 200}),
    "activities:signin_sheet": (
        404,
        {"head": 200, "secretary": 200, "office": 200, "leadership": 200},
    ),
    "activities:meeting_mark_present": (405, {}),
    "activities:leave_list": (200, {"committee": 404}),
    "activities:leave_queue": (404, {"head": 200, "secretary": 200}),
    "activities:leave_queue_count": (200, {}),
    "activities:leave_queue_approve": (405, {}),
    "activities:leave_create": (
        200,
        {"head": 404, "secretary": 404, "committee": 404, "leadership": 404},
    ),
    "activities:leave_detail": (200, {"other_deputy": 404, "other_town": 404, "committee": 404}),
    "activities:leave_head": (405, {}),
    "activities:leave_sg": (405, {}),
    "activities:speech_list": (200, {"committee": 404}),
    "activities:speech_create": (404, {"other_town": 200, "office": 200}),
    "activities:speech_edit": (404, {"office": 200}),
    "activities:speech_delete": (404, {"office": 200}),
    "activities:activity_list": (200, {}),
    "activities:activity_create": (404, {"committee": 200, "office": 200}),
    "activities:activity_detail": (200, {"other_deputy": 404, "other_town": 404, "committee": 404}),
    "activities:activity_edit": (404, {"office": 200}),
    "activities:activity_delete": (404, {"office": 200}),
    "activities:participant_add": (404, {"office": 302}),
    "activities:attachment_upload": (405, {}),
    "activities:attachment_download": (
        200,
        {"other_deputy": 404, "other_town": 404, "committee": 404},
    ),
    "activities:attachment_delete": (404, {"office": 200}),
    "activities:participant_bulk": (404, {"office": 302}),
    "activities:participant_set_all": (404, {"office": 302}),
    "activities:signin": (200, {}),
    "activities:participation_update": (404, {"office": 302}),
    "activities:participation_delete": (404, {"office": 200}),
    "activities:communication_list": (200, {}),
    # Deputies are sent to 填报 (their own communications count only once reviewed).
    "activities:communication_create": (
        200,
        {
            "deputy": 302,
            "other_deputy": 302,
            "group_leader": 302,
            "head": 404,
            "secretary": 404,
            "committee": 404,
            "leadership": 404,
        },
    ),  # fmt: skip
    "activities:communication_edit": (404, {"office": 200}),
    "activities:communication_delete": (404, {"office": 200}),
    "activities:liaison_list": (200, {}),
    "activities:liaison_create": (404, {"office": 200}),
    "activities:liaison_delete": (404, {"office": 200}),
    "activities:opinion_list": (200, {}),
    "activities:opinion_create": (
        200,
        {"head": 404, "secretary": 404, "committee": 404, "leadership": 404},
    ),
    "activities:opinion_detail": (200, {"other_deputy": 404, "other_town": 404, "committee": 404}),
    "activities:opinion_edit": (404, {"deputy": 200, "office": 200}),
    "activities:opinion_refer": (404, {"deputy": 302, "office": 302}),
    "activities:opinion_status": (404, {"deputy": 302, "office": 302}),
    "activities:opinion_delete": (404, {"deputy": 200, "office": 200}),
    "proposals:proposal_list": (200, {}),
    "proposals:proposal_create": (404, {"office": 200}),
    "proposals:proposal_detail": (200, {"other_deputy": 404, "other_town": 404, "committee": 404}),
    "proposals:proposal_edit": (404, {"office": 200}),
    "proposals:proposal_delete": (404, {"office": 200}),
    "proposals:proposal_transition": (404, {"office": 302}),
    "proposals:proposal_withdraw": (404, {"office": 200}),
    "proposals:proposal_restore": (404, {"office": 200}),
    "proposals:proposal_reply": (404, {"office": 302}),
    "proposals:proposal_evaluate": (404, {"deputy": 302}),
    "proposals:unit_reply": (405, {}),
    "proposals:unit_letter": (200, {"other_deputy": 404, "other_town": 404, "committee": 404}),
    "supervision:ledger_import": (403, {"other_town": 200, "office": 200}),
    "supervision:ledger_preview": (403, {"other_town": 404, "office": 404}),
    "supervision:ledger_issues": (403, {"other_town": 404, "office": 404}),
    # A job is seen by its starter (here the office) and office staff; town staff 404.
    "supervision:ledger_job": (403, {"other_town": 404, "office": 200}),
    "supervision:ledger_template": (403, {"other_town": 200, "office": 200}),
    "supervision:report_list": (200, {}),
    "supervision:report_create": (404, {"other_town": 200, "office": 200}),
    "supervision:report_edit": (404, {"office": 200}),
    "supervision:report_delete": (404, {"office": 200}),
    "supervision:group_report_list": (200, {}),
    "supervision:group_report_submit": (404, {"group_leader": 200, "office": 200}),
    "supervision:group_report_delete": (404, {"group_leader": 200, "office": 200}),
    "supervision:interview_list": (
        200,
        {"deputy": 404, "other_deputy": 404, "secretary": 404, "committee": 404},
    ),
    "supervision:candidates": (
        200,
        {"deputy": 404, "other_deputy": 404, "secretary": 404, "committee": 404},
    ),
    "supervision:interview_create": (404, {"group_leader": 200, "office": 200}),
    "supervision:interview_edit": (404, {"group_leader": 200, "office": 200}),
    "supervision:interview_delete": (404, {"group_leader": 200, "office": 200}),
    "supervision:award_list": (200, {}),
    "supervision:award_create": (404, {"office": 200}),
    "supervision:award_edit": (404, {"office": 200}),
    "supervision:award_delete": (404, {"office": 200}),
    "supervision:group_list": (
        200,
        {"deputy": 404, "other_deputy": 404, "secretary": 404, "committee": 404},
    ),
    "supervision:group_detail": (
        404,
        {"group_leader": 200, "head": 200, "office": 200, "leadership": 200},
    ),
    "supervision:award_candidates": (404, {"office": 200, "leadership": 200}),
    "supervision:points": (404, {"office": 200, "leadership": 200}),
    "supervision:self_report_new": (404, {"deputy": 200, "other_deputy": 200, "group_leader": 200}),
    "supervision:self_report_edit": (404, {"deputy": 200}),
    "supervision:flag_new": (404, {"deputy": 200, "other_deputy": 200, "group_leader": 200}),
    "supervision:my_feedback": (404, {"deputy": 200, "other_deputy": 200, "group_leader": 200}),
    "supervision:my_feedback_pdf": (
        404,
        {"deputy": 200, "other_deputy": 200, "group_leader": 200},
    ),
    "supervision:my_file_pdf": (404, {"deputy": 200, "other_deputy": 200, "group_leader": 200}),
    "supervision:deputy_file_pdf": (
        200,
        {"other_deputy": 404, "other_town": 404, "committee": 404},
    ),
    "supervision:my_report_draft": (404, {"deputy": 200, "other_deputy": 200, "group_leader": 200}),
    "supervision:my_report_draft_download": (
        404,
        {"deputy": 200, "other_deputy": 200, "group_leader": 200},
    ),
    "supervision:report_draft": (404, {"office": 200}),
    "supervision:report_draft_download": (404, {"office": 200}),
    "supervision:review_list": (404, {"group_leader": 200, "other_town": 200, "office": 200}),
    "supervision:review_count": (200, {}),
    "supervision:review_confirm": (405, {}),
    "supervision:review_reject": (405, {}),
    "supervision:flags": (404, {"other_town": 200, "office": 200}),
    "supervision:flag_resolve": (405, {}),
    "supervision:closed_years": (404, {"office": 200}),
    "supervision:close_year": (405, {}),
    "supervision:reopen_year": (405, {}),
    "rulesets:list": (404, {"office": 200}),
    "rulesets:detail": (404, {"office": 200}),
    "rulesets:copy": (404, {"office": 200}),
    "rulesets:edit": (404, {"office": 200}),
    "rulesets:publish": (405, {}),
    "rulesets:export": (404, {"office": 200}),
    "rulesets:import": (404, {"office": 200}),
    "rulesets:rejudge": (405, {}),
    "evaluation:index": (404, {"office": 200, "leadership": 200}),
    "evaluation:download": (404, {"office": 200, "leadership": 200}),
    "evaluation:feedback": (405, {}),
    "evaluation:workbook": (405, {}),
    "evaluation:job": (404, {"office": 200}),
    "evaluation:job_download": (404, {}),
    "dashboard:index": (404, {"office": 200, "leadership": 200}),
    "supervision:export_log": (404, {"office": 200, "leadership": 200}),
    "notifications:inbox": (200, {}),
    "notifications:read_all": (405, {}),
    "notifications:read": (405, {}),
    "notifications:settings": (200, {}),
    "planner:plan": (404, {"office": 200}),  # office staff only (planner/views.py)
    "planner:remind": (405, {}),
    # Invitations (issue 16): staff who send them (office, town, committee) and the deputy's
    # own reply page. A's invitation is to an activity of A's town, sent by the office.
    "invitations:list": (404, {"other_town": 200, "committee": 200, "office": 200}),
    "invitations:create": (404, {"other_town": 200, "committee": 200, "office": 200}),
    "invitations:detail": (404, {"office": 200}),
    "invitations:replies": (404, {"office": 200}),
    "invitations:chase": (404, {"office": 302}),
    "invitations:edit": (404, {"office": 200}),
    "invitations:cancel": (404, {"office": 200}),
    "invitations:leave_decide": (404, {"office": 302}),
    "invitations:mine": (404, {"deputy": 200, "other_deputy": 200, "group_leader": 200}),
    "invitations:reply": (404, {"deputy": 200}),
    # Briefings (通报) to A's delegation: staff pages for office, leadership and town staff
    # (other_town is of the other delegation: the list is empty, the briefing 404); the
    # deputies addressed read it; attachments for both.
    "briefings:list": (404, {"other_town": 200, "office": 200, "leadership": 200}),
    "briefings:create": (404, {"office": 200}),
    "briefings:detail": (404, {"office": 200, "leadership": 200}),
    "briefings:export": (404, {"office": 200, "leadership": 200}),
    "briefings:mine": (404, {"deputy": 200, "other_deputy": 200, "group_leader": 200}),
    "briefings:read": (404, {"deputy": 200, "group_leader": 200}),
    "briefings:attachment": (
        404,
        {"deputy": 200, "group_leader": 200, "office": 200, "leadership": 200},
    ),
    # The open API takes a client's token, never a session: 401 to every signed-in person
    # (the API's own matrix by client role is API_EXPECTED below).
    **{
        name: (401, {"anonymous": 401})
        for name in (
            *(f"api:{kind}-{view}" for kind in API_KINDS for view in ("list", "detail")),
            "api:evaluation",
            "api:signin",
        )
    },  # fmt: skip
    "api:schema": (200, {"anonymous": 200}),  # the OpenAPI document and its docs are public
    "api:docs": (200, {"anonymous": 200}),
    "api:clients": (404, {"office": 200}),
    "api:client_revoke": (405, {}),
    "healthz": (200, {"anonymous": 200}),
    "favicon": (302, {"anonymous": 302}),  # to the static file
    # 代表码: public pages (no login); the inbox for deputies, town and office staff.
    "citizens:page": (200, {"anonymous": 200}),
    "citizens:lookup": (200, {"anonymous": 200}),
    "citizens:inbox": (
        404,
        {"deputy": 200, "other_deputy": 200, "group_leader": 200, "other_town": 200, "office": 200},
    ),
    "citizens:detail": (404, {"deputy": 200, "office": 200}),
    "citizens:reply": (405, {}),
    "citizens:make_opinion": (405, {}),
    "citizens:refer": (405, {}),
    "citizens:hotline_status": (405, {}),
    "citizens:callback": (405, {}),
    "citizens:hide": (405, {}),
    "citizens:poster": (404, {"deputy": 200, "office": 200}),
    "citizens:place_poster": (404, {}),  # without ?place= there is no poster
}

# Own-data endpoints every signed-in user may write (their inbox, their settings).
LOGGED_IN = set(ROLES) - {"anonymous"}

WRITERS = {
    "rulesets:copy": {"office"},
    "rulesets:edit": {"office"},
    "rulesets:publish": {"office"},
    "rulesets:import": {"office"},
    "rulesets:rejudge": {"office"},
    "deputies:create": {"other_town", "office"},
    "deputies:edit": {"office"},
    "supervision:report_draft": {"office"},
    "supervision:my_report_draft": {"deputy", "other_deputy", "group_leader"},
    "deputies:service_create": {"office"},
    "deputies:service_edit": {"office"},
    "deputies:service_delete": {"office"},
    "deputies:suspension_create": {"office"},
    "deputies:suspension_edit": {"office"},
    "deputies:suspension_delete": {"office"},
    "deputies:termination": {"office"},
    "deputies:termination_delete": {"office"},
    "deputies:constituent_create": {"office"},
    "deputies:constituent_edit": {"office"},
    "deputies:constituent_delete": {"office"},
    "deputies:liaison_create": {"office"},
    "deputies:liaison_delete": {"office"},
    "activities:session_create": {"office"},
    "activities:session_edit": {"office"},
    "activities:session_copy": {"office"},
    "activities:session_delete": {"office"},
    "activities:meeting_create": {"office"},
    "activities:attendance_cell": set(),
    "activities:meeting_edit": {"office"},
    "activities:meeting_delete": {"office"},
    "activities:meeting_mark_present": {"office"},
    "activities:leave_create": {"deputy", "other_deputy", "group_leader", "other_town", "office"},
    "activities:leave_head": {"head"},
    "activities:leave_sg": {"secretary"},
    "activities:leave_queue_approve": {"head", "secretary"},
    "activities:speech_create": {"other_town", "office"},
    "activities:speech_edit": {"office"},
    "activities:speech_delete": {"office"},
    "activities:activity_create": {"committee", "office"},
    "activities:activity_edit": {"office"},
    "activities:activity_delete": {"office"},
    "activities:participant_add": {"office"},
    "activities:attachment_upload": {"office"},
    "activities:attachment_delete": {"office"},
    "activities:participant_bulk": {"office"},
    "activities:participant_set_all": {"office"},
    "activities:signin": set(),
    "activities:participation_update": {"office"},
    "activities:participation_delete": {"office"},
    "activities:communication_create": {"other_town", "office"},
    "activities:communication_edit": {"office"},
    "activities:communication_delete": {"office"},
    "activities:liaison_create": {"office"},
    "activities:liaison_delete": {"office"},
    "activities:opinion_create": {"deputy", "other_deputy", "group_leader", "other_town", "office"},
    "activities:opinion_edit": {"deputy", "office"},
    "activities:opinion_refer": {"deputy", "office"},
    "activities:opinion_status": {"deputy", "office"},
    "activities:opinion_delete": {"deputy", "office"},
    "proposals:proposal_create": {"office"},
    "proposals:proposal_edit": {"office"},
    "proposals:proposal_delete": {"office"},
    "proposals:proposal_transition": {"office"},
    "proposals:proposal_withdraw": {"office"},
    "proposals:proposal_restore": {"office"},
    "proposals:proposal_reply": {"office"},
    "proposals:proposal_evaluate": {"deputy"},
    "proposals:unit_reply": {"office"},
    "supervision:ledger_import": {"other_town", "office"},
    "supervision:ledger_preview": set(),
    "supervision:report_create": {"other_town", "office"},
    "supervision:report_edit": {"office"},
    "supervision:report_delete": {"office"},
    "supervision:group_report_submit": {"group_leader", "office"},
    "supervision:group_report_delete": {"group_leader", "office"},
    "supervision:interview_create": {"group_leader", "office"},
    "supervision:interview_edit": {"group_leader", "office"},
    "supervision:interview_delete": {"group_leader", "office"},
    "supervision:award_create": {"office"},
    "supervision:award_edit": {"office"},
    "supervision:award_delete": {"office"},
    "supervision:self_report_new": {"deputy", "other_deputy", "group_leader"},
    "supervision:self_report_edit": {"deputy"},
    "supervision:flag_new": {"deputy", "other_deputy", "group_leader"},
    "supervision:review_confirm": {"group_leader", "office"},
    "supervision:review_reject": {"group_leader", "office"},
    "supervision:flag_resolve": {"office"},
    "supervision:close_year": {"office"},
    "supervision:reopen_year": {"office"},
    "evaluation:feedback": {"office", "leadership"},
    "evaluation:workbook": {"office", "leadership"},
    "notifications:read_all": LOGGED_IN,
    "notifications:read": {"deputy"},
    "notifications:settings": LOGGED_IN,
    "planner:remind": {"group_leader"},  # the leader of group1, for group1's members only
    "invitations:create": {"other_town", "committee", "office"},
    "invitations:chase": {"office"},
    "invitations:edit": {"office"},
    "invitations:cancel": {"office"},
    "invitations:leave_decide": {"office"},
    "invitations:reply": {"deputy"},
    "briefings:create": {"office"},
    "citizens:page": set(ROLES),  # anyone may leave a message
    "citizens:reply": {"deputy"},
    "citizens:make_opinion": {"deputy", "office"},
    "citizens:refer": {"deputy", "office"},
    "citizens:hotline_status": {"deputy", "office"},
    "citizens:callback": {"deputy", "office"},
    "citizens:hide": {"office"},
    "api:clients": {"office"},
    "api:client_revoke": {"office"},
    "api:signin": set(),  # by token only: API_SIGNIN_WRITERS
}


# --- the world: built once for the module, rolled back at the end -------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """One world for every test of the module. It lives in an outer transaction that is
    rolled back at the end; each test's own transaction nests inside it as a savepoint, so
    a POST that slips through is undone before the next test. Its files (an activity's
    photo) go to a temporary MEDIA_ROOT."""
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    with media, django_db_blocker.unblock(), transaction.atomic():
        built = world_module.build()
        built.update(api_clients(built["users"]))
        built["sessions"] = {}
        for role, user in built["users"].items():
            if user is not None:
                client = Client()
                client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
                built["sessions"][role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield built
        transaction.set_rollback(True)


def client_as(world, role):
    """A client signed in as the role, reusing the session made once for the world."""
    client = Client()
    cookie = world["sessions"].get(role)
    if cookie is not None:
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    return client


def url_for(world, name):
    return reverse(name, kwargs=ARGS[name](world))


def expected(name, role):
    default, exceptions = EXPECTED[name]
    if role in exceptions:
        return exceptions[role]
    return "login" if role == "anonymous" else default


def refusal(name, role):
    """What a POST by a role that may not write must answer."""
    outcome = expected(name, role)
    if name in REDIRECTED_WRITERS and role in REDIRECTED_WRITERS[name]:
        return 302  # sent elsewhere (to 填报) with nothing recorded
    return outcome if outcome in ("login", 401, 403, 404) else 404


# Write pages that send some roles to another page instead of refusing them.
REDIRECTED_WRITERS = {"activities:communication_create": {"deputy", "other_deputy", "group_leader"}}


# Every table of the domain apps: the models, their history and their many-to-many tables.
ALL_MODELS = [
    model
    for label in (
        "deputies",
        "activities",
        "proposals",
        "supervision",
        "planner",
        "invitations",
        "briefings",
        "citizens",
        "api",
    )  # fmt: skip
    for model in apps.get_app_config(label).get_models(include_auto_created=True)
]
# A change to a model with history adds a history row, which the row counts catch; the few
# models without history are compared value by value.
UNTRACKED = [
    model
    for model in ALL_MODELS
    if not model._meta.auto_created
    and not model.__name__.startswith("Historical")
    and not hasattr(model, "history")
]


def snapshot():
    """Row counts of every table in one query, plus the untracked models' values."""
    quote = connection.ops.quote_name
    counts = ", ".join(
        f"(SELECT COUNT(*) FROM {quote(model._meta.db_table)})" for model in ALL_MODELS
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        row = cursor.fetchone()
    return row, [list(model.objects.order_by("pk").values()) for model in UNTRACKED]


# Roles that must see nothing of deputy A (another delegation's deputy and town staff, and
# committee staff: A takes part in none of their activities).
OUT_OF_SCOPE = ("other_deputy", "other_town", "committee")
A_NAMES = ("甲代表", "选民甲")  # deputy A's name and A's constituent's name


# --- the tests ----------------------------------------------------------------------------


def test_every_url_is_in_the_matrix():
    """A URL added without deciding who may use it fails here."""
    assert set(ARGS) == set(PATTERNS), "URL names without path arguments in ARGS"
    assert set(EXPECTED) == set(PATTERNS), "URL names without an expected outcome"
    writes = {name for name in PATTERNS if name not in READ_ONLY}
    assert set(WRITERS) == writes, "write URLs without WRITERS"
    for name, (default, exceptions) in EXPECTED.items():
        assert set(exceptions) <= set(ROLES), name
        assert {default, *exceptions.values()} <= {200, 302, "login", 401, 403, 404, 405}, name


def get_as(world, name, role):
    """The outcome of a GET, or a note when a page shows deputy A to a role that must not
    see A. For those roles the query string also names A, A's delegation and A's group:
    changing an id never reveals another deputy."""
    query = {}
    if role in OUT_OF_SCOPE:
        query = {
            "deputy": world["deputy"].pk,
            "delegation": world["del1"].pk,
            "group": world["group1"].pk,
        }
    response = client_as(world, role).get(url_for(world, name), query)
    result = outcome(response)
    if role in OUT_OF_SCOPE and result == 200 and "Content-Disposition" not in response:
        text = response.content.decode()
        for leaked in A_NAMES:
            if leaked in text:
                return f"200 naming {leaked}"
    return result


# One test per URL (the roles in a loop, every mismatch reported at once): ~2,000 single
# requests as separate tests cost more in pytest's bookkeeping than in the requests.
@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_get(world, name):
    """Every URL answers every role as the table says."""
    wrong = {}
    for role in ROLES:
        got = get_as(world, name, role)
        if got != expected(name, role):
            wrong[role] = f"expected {expected(name, role)}, got {got}"
    assert not wrong, wrong


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(name for name in PATTERNS if name not in READ_ONLY))
def test_post_refused(world, name):
    """Every role that may not write to the URL is refused on the server, and nothing in
    the database changes."""
    wrong = {}
    for role in ROLES:
        if role in WRITERS[name]:
            continue
        before = snapshot()
        with transaction.atomic():
            response = client_as(world, role).post(url_for(world, name), {})
            changed = snapshot() != before
            transaction.set_rollback(True)  # a POST that got through must not leak into others
        got = outcome(response)
        if got != refusal(name, role):
            wrong[role] = f"expected {refusal(name, role)}, got {got}"
        elif changed:
            wrong[role] = "refused, but the database changed"
    assert not wrong, wrong


def _for_a(world, **fields):
    return {"deputy": world["deputy"].pk, "date": world["speech"].date.isoformat(), **fields}


# Create pages a role may use for its own deputies, posted with deputy A's id by a role whose
# scope does not hold A: (URL name, model, attacker role, the form's data).
CROSS_SCOPE = {
    "activities:communication_create": (
        "activities.Communication",
        "other_deputy",
        lambda world: _for_a(
            world, method="phone", content="电话联系", constituents=[world["constituent"].pk]
        ),
    ),
    "activities:opinion_create": (
        "activities.PublicOpinion",
        "other_town",
        lambda world: _for_a(world, title="另一条", content="内容"),
    ),
    "supervision:report_create": (
        "supervision.ConstituencyReport",
        "other_town",
        lambda world: _for_a(world, form="written", summary="书面报告"),
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CROSS_SCOPE))
def test_create_for_a_deputy_out_of_scope_is_refused(world, name):
    """The same form data that records a row for A when office staff send it records
    nothing when a role outside A's scope sends it."""
    label, attacker, data = CROSS_SCOPE[name]
    rows = apps.get_model(label).objects.filter(deputy=world["deputy"])
    before = rows.count()
    client_as(world, attacker).post(reverse(name), data(world))
    assert rows.count() == before
    client_as(world, "office").post(reverse(name), data(world))
    assert rows.count() == before + 1  # the data was valid: only the scope refused it


# --- the open API, by client token (api/) ---------------------------------------------------

# Client roles: the staff roles of the world, each client holding the same role and scope as
# the world's person; "anonymous" sends no token.
API_ROLES = ["anonymous", "other_town", "head", "secretary", "committee", "office", "leadership"]
API_NAMES = sorted(name for name, (default, _) in EXPECTED.items() if default == 401)
A_SCOPED = {"other_town": 404, "committee": 404}  # A is outside their scope: a 404
# (default outcome for a token, {role: outcome that differs}); anonymous is 401 throughout.
API_EXPECTED = {
    **{f"api:{kind}-list": (200, {}) for kind in API_KINDS},
    **{f"api:{kind}-detail": (200, {}) for kind in ("term", "delegation", "group", "meeting")},
    **{
        f"api:{kind}-detail": (200, A_SCOPED)
        for kind in ("deputy", "attendance", "activity", "participation", "proposal")
    },
    # The Art. 29 candidates' readers (supervision.records.services.can_read_candidates).
    "api:evaluation": (200, {"secretary": 404, "committee": 404}),
    "api:signin": (405, {}),  # POST only
}
# Who may sign deputy A in to A's activity (organised by 安亭镇人大): office staff only here
# (the world's town staff are 南翔镇's).
API_SIGNIN_WRITERS = {"office"}


def api_clients(users):
    """A client per API role, with the role and scope of the world's person of that role."""
    from api.services import create_client

    tokens = {"anonymous": None}
    for role in API_ROLES[1:]:
        assignment = users[role].role_assignments.get()
        _, tokens[role] = create_client(
            f"matrix-{role}",
            assignment.role,
            delegation=assignment.delegation,
            organiser=assignment.organiser,
        )
    spare, _ = create_client("matrix-spare", "office")
    return {"api_tokens": tokens, "api_client": spare}


def api_client_as(world, role):
    token = world["api_tokens"][role]
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}") if token else Client()


def api_expected(name, role):
    if role == "anonymous":
        return 401
    default, exceptions = API_EXPECTED[name]
    return exceptions.get(role, default)


def test_every_api_url_is_in_the_api_matrix():
    assert set(API_EXPECTED) == set(API_NAMES)


@pytest.fixture
def _no_rate_limit(settings):
    settings.API_RATE_LIMIT = "100000/minute"


@pytest.mark.django_db
@pytest.mark.usefixtures("_no_rate_limit")
@pytest.mark.parametrize("name", API_NAMES)
def test_api_get(world, name):
    """Every API URL answers every client role as API_EXPECTED says, in JSON; a client out
    of A's scope never sees A's name, even naming A's delegation and group in the query."""
    wrong = {}
    for role in API_ROLES:
        query = {}
        if role in OUT_OF_SCOPE:
            query = {"delegation": world["del1"].pk, "group": world["group1"].pk}
        response = api_client_as(world, role).get(url_for(world, name), query)
        got = response.status_code
        if response["Content-Type"] != "application/json":
            got = f"{got} {response['Content-Type']}"
        elif role in OUT_OF_SCOPE and got == 200:
            text = response.content.decode()
            got = next((f"200 naming {n}" for n in A_NAMES if n in text), 200)
        if got != api_expected(name, role):
            wrong[role] = f"expected {api_expected(name, role)}, got {got}"
    assert not wrong, wrong


@pytest.mark.django_db
@pytest.mark.usefixtures("_no_rate_limit")
def test_api_signin_refused_out_of_scope(world):
    """Every client role but the writers is refused signing A in to A's activity (404, or
    401 without a token), and nothing in the database changes."""
    import json

    data = json.dumps({"activity": world["activity"].pk, "deputy_code": world["deputy"].code})
    wrong = {}
    for role in API_ROLES:
        if role in API_SIGNIN_WRITERS:
            continue
        before = snapshot()
        with transaction.atomic():
            response = api_client_as(world, role).post(
                reverse("api:signin"), data, content_type="application/json"
            )
            changed = snapshot() != before
            transaction.set_rollback(True)
        want = 401 if role == "anonymous" else 404
        if response.status_code != want:
            wrong[role] = f"expected {want}, got {response.status_code}"
        elif changed:
            wrong[role] = "refused, but the database changed"
    assert not wrong, wrong
