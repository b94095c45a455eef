"""Forms of the supervision record pages; database checks are in supervision.records.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from deputies.forms import DateInput
from deputies.models import Deputy
from jdrenda.widgets import DeputySelect
from proposals.models import Proposal
from supervision.models import Award, ConstituencyReport, GroupAnnualReport, Interview, ReportDraft


def _deputy_label(d):
    return f"{d.code} {d.name}（{d.delegation}）"


class _DeputyChoiceForm(forms.ModelForm):
    """A form whose deputy is chosen among `deputies` (the user's scope)."""

    def __init__(self, *args, deputies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if "deputy" in self.fields:
            qs = deputies if deputies is not None else Deputy.objects.none()
            self.fields["deputy"].queryset = qs.select_related("delegation").order_by("code")
            self.fields["deputy"].label_from_instance = _deputy_label
            self.fields["deputy"].widget = DeputySelect()


class ConstituencyReportForm(_DeputyChoiceForm):
    class Meta:
        model = ConstituencyReport
        fields = ["deputy", "date", "form", "summary"]
        widgets = {"date": DateInput(), "summary": forms.Textarea(attrs={"rows": 4})}


class GroupAnnualReportForm(forms.ModelForm):
    class Meta:
        model = GroupAnnualReport
        fields = ["submitted_date", "content"]
        widgets = {"submitted_date": DateInput(), "content": forms.Textarea(attrs={"rows": 6})}
        help_texts = {"submitted_date": _("应于当年 12 月 31 日前报送人事代表工委。")}


class InterviewForm(_DeputyChoiceForm):
    class Meta:
        model = Interview
        fields = ["deputy", "year", "kind", "conducted_by", "date", "reasons", "follow_up"]
        widgets = {
            "date": DateInput(),
            "reasons": forms.Textarea(attrs={"rows": 3}),
            "follow_up": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, group_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        if group_only:
            # A group leader records the group's interviews only.
            self.fields["conducted_by"].choices = [
                (Interview.By.GROUP.value, Interview.By.GROUP.label)
            ]


class AwardForm(forms.ModelForm):
    class Meta:
        model = Award
        fields = ["year", "kind", "deputy", "proposal", "note"]
        help_texts = {
            "deputy": _("积极履职代表：选择代表。"),
            "proposal": _("优秀代表建议：选择议案建议。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = Deputy.objects.select_related("delegation").order_by(
            "-term__start_date", "code"
        )
        self.fields["deputy"].label_from_instance = _deputy_label
        self.fields["deputy"].widget = DeputySelect()
        self.fields["proposal"].queryset = Proposal.objects.order_by("-submitted_date")

    def clean(self):
        # The subject follows the kind: a deputy for 积极履职代表, a proposal otherwise.
        data = super().clean()
        if data.get("kind") == Award.Kind.ACTIVE_DEPUTY:
            if not data.get("deputy"):
                self.add_error("deputy", _("评选积极履职代表，请选择代表。"))
            data["proposal"] = None
        elif data.get("kind") == Award.Kind.EXCELLENT_PROPOSAL:
            if not data.get("proposal"):
                self.add_error("proposal", _("评选优秀代表建议，请选择议案建议。"))
            data["deputy"] = None
        return data


class ReportDraftForm(forms.ModelForm):
    class Meta:
        model = ReportDraft
        fields = list(ReportDraft.SECTIONS)
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in ReportDraft.SECTIONS}


class ReportGivenForm(forms.Form):
    """述职已进行: the date and form of the Art. 26 record the draft becomes."""

    date = forms.DateField(label=_("述职日期"), widget=DateInput())
    form = forms.ChoiceField(label=_("形式"), choices=ConstituencyReport.Form.choices)
