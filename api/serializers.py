"""What the API shows of each record. Deputies' contacts go through deputies.privacy (the one
masking rule) and proposals' evaluation through proposals.visibility (the one reading rule)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from activities.models import Activity, Attendance, Meeting, Participation
from deputies.models import Delegation, Deputy, DeputyGroup, Term
from deputies.privacy import can_see_personal, deputy_contact
from proposals.models import Proposal
from proposals.visibility import may_see_evaluation


class TermSerializer(serializers.ModelSerializer):
    class Meta:
        model = Term
        fields = ["id", "name", "start_date", "end_date"]


class DelegationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Delegation
        fields = ["id", "name", "kind", "order"]


class GroupSerializer(serializers.ModelSerializer):
    leader_code = serializers.CharField(source="leader.code", default=None, read_only=True)
    leader_name = serializers.CharField(source="leader.name", default=None, read_only=True)

    class Meta:
        model = DeputyGroup
        fields = ["id", "term", "delegation", "name", "number", "leader_code", "leader_name"]


class DeputySerializer(serializers.ModelSerializer):
    mobile = serializers.SerializerMethodField(help_text="手机号码；范围外的客户端见 138****1234")
    birth_date = serializers.SerializerMethodField(
        help_text="出生日期（YYYY-MM-DD）；范围外的客户端只见年份（如 1970年）"
    )
    contacts_masked = serializers.SerializerMethodField(help_text="手机号码与出生日期是否已遮蔽")

    class Meta:
        model = Deputy
        fields = [
            "id", "term", "code", "name", "delegation", "group", "gender", "birth_date",
            "ethnicity", "political_affiliation", "workplace_title", "constituency", "mobile",
            "is_sc_member", "contacts_masked",
        ]  # fmt: skip

    def _contact(self, deputy) -> tuple[str, str, bool]:
        cache = self.context.setdefault("_contacts", {})
        if deputy.pk not in cache:
            full = can_see_personal(self.context["request"].user, deputy)
            mobile, birth = deputy_contact(deputy, full)
            cache[deputy.pk] = (mobile, birth, full)
            if full and (deputy.mobile or deputy.birth_date):
                self.context["unmasked"] = True
        return cache[deputy.pk]

    def get_mobile(self, deputy) -> str:
        return self._contact(deputy)[0]

    def get_birth_date(self, deputy) -> str:
        return self._contact(deputy)[1]

    def get_contacts_masked(self, deputy) -> bool:
        return not self._contact(deputy)[2]


class MeetingSerializer(serializers.ModelSerializer):
    session_name = serializers.CharField(source="session.name", default=None, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "term", "session", "session_name", "name", "kind", "date", "delegation"]


class AttendanceSerializer(serializers.ModelSerializer):
    deputy_code = serializers.CharField(source="deputy.code", read_only=True)
    deputy_name = serializers.CharField(source="deputy.name", read_only=True)

    class Meta:
        model = Attendance
        fields = ["id", "meeting", "deputy", "deputy_code", "deputy_name", "status",
                  "leave_reason"]  # fmt: skip


class ActivitySerializer(serializers.ModelSerializer):
    organiser_name = serializers.CharField(source="organiser.name", default=None, read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id", "term", "name", "type", "date", "organiser", "organiser_name", "place",
            "topic", "group", "signin_opens_at", "signin_closes_at",
        ]  # fmt: skip


class ParticipationSerializer(serializers.ModelSerializer):
    deputy_code = serializers.CharField(source="deputy.code", read_only=True)
    deputy_name = serializers.CharField(source="deputy.name", read_only=True)

    class Meta:
        model = Participation
        fields = ["id", "activity", "deputy", "deputy_code", "deputy_name", "status",
                  "signed_in_at"]  # fmt: skip


class ProposalEvaluationSerializer(serializers.Serializer):
    attitude = serializers.CharField()
    result = serializers.CharField()
    overall = serializers.CharField()
    comment = serializers.CharField()


class ProposalSerializer(serializers.ModelSerializer):
    lead_code = serializers.CharField(source="lead.code", read_only=True)
    lead_name = serializers.CharField(source="lead.name", read_only=True)
    cosigner_codes = serializers.SerializerMethodField()
    handling_units = serializers.SerializerMethodField()
    evaluation = serializers.SerializerMethodField(
        help_text="领衔代表的办理评价：只对领衔代表本人、人事代表工委和常委会领导的客户端给出，"
        "其他客户端为 null"
    )

    class Meta:
        model = Proposal
        fields = [
            "id", "term", "number", "kind", "title", "content", "submitted_date", "lead",
            "lead_code", "lead_name", "cosigner_codes", "handling_units", "status", "reply",
            "reply_date", "reopened", "evaluation",
        ]  # fmt: skip

    def get_cosigner_codes(self, proposal) -> list[str]:
        return sorted(d.code for d in proposal.cosigners.all())

    def get_handling_units(self, proposal) -> list[str]:
        return [u.name for u in proposal.handling_units.all()]

    @extend_schema_field(ProposalEvaluationSerializer(allow_null=True))
    def get_evaluation(self, proposal):
        if not may_see_evaluation(self.context["request"].user, proposal):
            return None
        evaluation = getattr(proposal, "evaluation", None)
        if evaluation is None:
            return None
        return {
            "attitude": evaluation.attitude,
            "result": evaluation.result,
            "overall": evaluation.overall,
            "comment": evaluation.comment,
        }


# --- the year's evaluation (the workbook's figures) -----------------------------------------


class RuleResultSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text="规则代码，如 ART11_SC_ACTIVITY")
    short_name = serializers.CharField(help_text="工作簿的列名")
    achieved = serializers.IntegerField()
    required = serializers.IntegerField()
    applies = serializers.BooleanField()
    status = serializers.CharField()
    text = serializers.CharField(help_text="工作簿单元格：完成/要求，或 不适用")


class EvaluationRowSerializer(serializers.Serializer):
    deputy = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    delegation = serializers.CharField()
    group = serializers.CharField(allow_null=True)
    term = serializers.CharField()
    results = RuleResultSerializer(many=True)
    meets_all = serializers.BooleanField(help_text="是否达标")
    shortfalls = serializers.CharField(help_text="未达标项")
    interview_candidate = serializers.BooleanField(help_text="约谈告诫建议")
    interview_reasons = serializers.ListField(child=serializers.CharField())


def evaluation_row(row) -> dict:
    """One DeputyEvaluation as the workbook's row (supervision.reports.workbook): the same cells."""
    deputy = row.deputy
    return {
        "deputy": deputy.pk,
        "code": deputy.code,
        "name": deputy.name,
        "delegation": deputy.delegation.name,
        "group": deputy.group.name if deputy.group else None,
        "term": row.term.name,
        "results": [
            {
                "rule": r.rule.code,
                "short_name": r.rule.short_name,
                "achieved": r.achieved,
                "required": r.required,
                "applies": r.applies,
                "status": str(r.status),
                "text": r.text,
            }
            for r in row.results
        ],
        "meets_all": row.meets_all,
        "shortfalls": row.shortfall_names,
        "interview_candidate": row.interview_candidate,
        "interview_reasons": list(row.interview_reasons),
    }


class SignInRequestSerializer(serializers.Serializer):
    activity = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="活动 id")
    deputy_code = serializers.CharField(max_length=30, help_text="代表编号（活动所在届次）")
