"""The open API's endpoints (/api/v1/). Each list is the pages' own scoped QuerySet
(deputies.scopes), ordered by pk, paginated, filterable, with an ETag; each answer holding
personal data writes one export-log row (supervision.export_log.services.log_export)."""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers as drf_serializers
from rest_framework import status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from activities.models import Activity, Attendance, Meeting, Participation
from deputies.models import Delegation, Deputy, DeputyGroup, Term
from deputies.scopes import (
    activities_visible_to,
    deputies_visible_to,
    proposals_visible_to,
    records_visible_to,
    user_scope,
)
from proposals.models import Proposal
from supervision.evaluation.compliance import evaluate_year
from supervision.export_log.services import describe_query, evaluation_description, log_export
from supervision.records.services import can_read_candidates

from . import filters, serializers
from .pagination import Pagination
from .services import api_sign_in, signin_targets

LOG_KIND = "api"


def _etag(data) -> str:
    body = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    return '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'


def _with_etag(request, response: Response) -> Response:
    """ETag on a list's answer; If-None-Match with the same tag answers 304 with no body."""
    tag = _etag(response.data)
    matches = [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]
    if tag in matches or "*" in matches:
        response = Response(status=status.HTTP_304_NOT_MODIFIED)
    response["ETag"] = tag
    return response


def _private(response):
    # Answers depend on the token: no shared cache may keep one for another client.
    response["Cache-Control"] = "private, no-cache"
    response["Vary"] = "Authorization"
    return response


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    """A read-only list and detail, scoped to the client as a person of its role would be."""

    pagination_class = Pagination
    lookup_value_regex = "[0-9]+"
    personal_data = True  # names deputies: each answer is logged
    log_title = ""

    def scoped(self, queryset):
        return queryset

    def get_queryset(self):
        return self.scoped(self.queryset.all()).order_by("pk")

    def get_serializer_context(self):
        if not hasattr(self, "_context"):
            self._context = super().get_serializer_context()
        return self._context

    def list(self, request, *args, **kwargs):
        return _with_etag(request, super().list(request, *args, **kwargs))

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if response.status_code == 200 and self.personal_data and request.user.is_authenticated:
            data = response.data
            rows = len(data.get("results", [])) if "results" in data else 1
            log_export(
                request,
                LOG_KIND,
                describe_query(f"{_('开放接口')}：{self.log_title}", request),
                rows,
                masked=not self.get_serializer_context().get("unmasked", False),
            )
        return _private(response)


@extend_schema(tags=["届次"])
class TermViewSet(ScopedViewSet):
    """届次."""

    queryset = Term.objects.all()
    serializer_class = serializers.TermSerializer
    personal_data = False


@extend_schema(tags=["代表团"])
class DelegationViewSet(ScopedViewSet):
    """代表团."""

    queryset = Delegation.objects.all()
    serializer_class = serializers.DelegationSerializer
    personal_data = False


@extend_schema(tags=["代表小组"])
class GroupViewSet(ScopedViewSet):
    """代表小组 (with the leader's code and name)."""

    queryset = DeputyGroup.objects.select_related("leader")
    serializer_class = serializers.GroupSerializer
    filterset_class = filters.GroupFilter
    log_title = "代表小组"


@extend_schema(tags=["代表"])
class DeputyViewSet(ScopedViewSet):
    """代表: the deputies the client's scope may see; mobile and birth date masked as for a
    person of the client's role (deputies.privacy)."""

    queryset = Deputy.objects.all()
    serializer_class = serializers.DeputySerializer
    filterset_class = filters.DeputyFilter
    log_title = "代表"

    def scoped(self, queryset):
        return deputies_visible_to(self.request.user, queryset)


@extend_schema(tags=["大会会议"])
class MeetingViewSet(ScopedViewSet):
    """大会会议."""

    queryset = Meeting.objects.select_related("session")
    serializer_class = serializers.MeetingSerializer
    filterset_class = filters.MeetingFilter
    personal_data = False


@extend_schema(tags=["大会会议出席情况"])
class AttendanceViewSet(ScopedViewSet):
    """大会会议出席情况 of the deputies in scope."""

    queryset = Attendance.objects.select_related("deputy")
    serializer_class = serializers.AttendanceSerializer
    filterset_class = filters.AttendanceFilter
    log_title = "大会会议出席情况"

    def scoped(self, queryset):
        return records_visible_to(self.request.user, queryset)


@extend_schema(tags=["履职活动"])
class ActivityViewSet(ScopedViewSet):
    """履职活动 the client may see."""

    queryset = Activity.objects.select_related("organiser")
    serializer_class = serializers.ActivitySerializer
    filterset_class = filters.ActivityFilter
    personal_data = False

    def scoped(self, queryset):
        return activities_visible_to(self.request.user, queryset)


@extend_schema(tags=["履职活动参加情况"])
class ParticipationViewSet(ScopedViewSet):
    """履职活动参加情况: of the deputies in scope, in the activities the client may see."""

    queryset = Participation.objects.select_related("deputy")
    serializer_class = serializers.ParticipationSerializer
    filterset_class = filters.ParticipationFilter
    log_title = "履职活动参加情况"

    def scoped(self, queryset):
        user = self.request.user
        queryset = queryset.filter(activity__in=activities_visible_to(user))
        return records_visible_to(user, queryset)


@extend_schema(tags=["议案建议"])
class ProposalViewSet(ScopedViewSet):
    """议案建议; the lead deputy's 办理评价 only for the scopes that may read it
    (proposals.visibility)."""

    queryset = Proposal.objects.select_related("lead", "evaluation").prefetch_related(
        "cosigners", "handling_units"
    )
    serializer_class = serializers.ProposalSerializer
    filterset_class = filters.ProposalFilter
    log_title = "议案建议"

    def scoped(self, queryset):
        return proposals_visible_to(self.request.user, queryset)


# --- the year's evaluation ------------------------------------------------------------------


class EvaluationQuery(drf_serializers.Serializer):
    term = drf_serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    delegation = drf_serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1)


@extend_schema(tags=["年度履职评价"])
class EvaluationView(APIView):
    """The year-end evaluation per deputy and rule: the figures of the evaluation workbook
    (supervision.reports.workbook: evaluate_year without an as-of date), for the deputies in
    scope."""

    @extend_schema(
        parameters=[
            OpenApiParameter("term", OpenApiTypes.INT, description="届次 id"),
            OpenApiParameter("delegation", OpenApiTypes.INT, description="代表团 id"),
            OpenApiParameter("page", OpenApiTypes.INT, description="页码"),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="每页条数（最多 200）"),
        ],
        responses=serializers.EvaluationRowSerializer(many=True),
    )
    def get(self, request, year: int):
        user = request.user
        if not can_read_candidates(user):
            raise NotFound
        if not 2000 <= year <= 2100:
            raise NotFound
        query = EvaluationQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        term = None
        if "term" in query.validated_data:
            term = Term.objects.filter(pk=query.validated_data["term"]).first()
            if term is None:
                raise NotFound
        ids = None
        if not user_scope(user).district_wide:
            ids = list(deputies_visible_to(user).values_list("pk", flat=True))
        evaluation = evaluate_year(year, term, deputy_ids=ids)
        rows = evaluation.rows
        delegation = query.validated_data.get("delegation")
        if delegation is not None:
            rows = [row for row in rows if row.deputy.delegation.pk == delegation]
        paginator = Pagination()
        page = paginator.paginate_queryset(rows, request, view=self)
        response = paginator.get_paginated_response([serializers.evaluation_row(r) for r in page])
        response = _with_etag(request, response)
        if response.status_code == 200:
            log_export(
                request,
                LOG_KIND,
                f"{_('开放接口')}：{_('年度履职评价')}，{evaluation_description(year, term)}",
                len(page),
            )
        return _private(response)


# --- the gateway's sign-in ------------------------------------------------------------------


@extend_schema(tags=["扫码签到"])
class SignInView(APIView):
    """扫码签到 from an outside app (a gateway for 随申办/政务微信): the deputy by code, the
    activity by id. Idempotent: the first request answers 201 with the participation, a retry
    200 with the same body (and the header Idempotent-Replayed: true). Refused with 409
    outside the activity's sign-in window."""

    @extend_schema(
        request=serializers.SignInRequestSerializer,
        responses={
            201: serializers.ParticipationSerializer,
            200: serializers.ParticipationSerializer,
            409: inline_serializer(
                "SignInRefused",
                {"detail": drf_serializers.CharField(), "code": drf_serializers.CharField()},
            ),
        },
    )
    def post(self, request):
        form = serializers.SignInRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            activity, deputy = signin_targets(
                request.user, form.validated_data["activity"], form.validated_data["deputy_code"]
            )
        except (Activity.DoesNotExist, Deputy.DoesNotExist) as exc:
            raise NotFound from exc
        try:
            result = api_sign_in(request.user, activity, deputy)
        except ValidationError as exc:
            response = Response(
                {"detail": "；".join(exc.messages), "code": "signin_refused"},
                status=status.HTTP_409_CONFLICT,
            )
            response.closed_year_page = True  # our JSON, not the closed-year middleware's page
            return _private(response)
        participation = result.participation
        participation.deputy = deputy
        body = serializers.ParticipationSerializer(participation).data
        response = Response(body, status=status.HTTP_201_CREATED if result.created else 200)
        if not result.created:
            response["Idempotent-Replayed"] = "true"
        log_export(
            request,
            LOG_KIND,
            f"{_('开放接口')}：{_('扫码签到')}（{activity.name}，{deputy.code}）",
            1,
        )
        return _private(response)
