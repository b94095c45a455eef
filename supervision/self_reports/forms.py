"""Forms of 填报→审核 and 错重漏反馈 (the checks themselves live in self_reports.py)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import ContactMethod
from deputies.models import Constituent
from jdrenda.params import ModelIdsField
from supervision.models import RecordFlag, SelfReport
from supervision.rules import RULES
from supervision.self_reports.services import SELF_ACTIVITY_TYPES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SelfReportForm(forms.ModelForm):
    """One form for the three kinds; the fields a kind does not use are hidden by the page."""

    method = forms.ChoiceField(
        label=_("联系方式"), choices=[("", "——"), *ContactMethod.choices], required=False
    )
    activity_type = forms.ChoiceField(
        label=_("活动类型"), choices=[("", "——"), *SELF_ACTIVITY_TYPES], required=False
    )
    constituents = ModelIdsField(
        label=_("联系的选民"),
        queryset=Constituent.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = SelfReport
        fields = ["date", "method", "constituents", "title", "activity_type", "content",
                  "no_visitors"]  # fmt: skip
        widgets = {"date": DATE, "content": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, deputy, kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.deputy = deputy
        self.instance.kind = kind
        self.fields["constituents"].queryset = Constituent.objects.filter(deputy=deputy)
        self.fields["constituents"].label_from_instance = lambda c: c.name
        keep = {
            SelfReport.Kind.COMMUNICATION: ["date", "method", "constituents", "content"],
            SelfReport.Kind.RECEPTION: ["date", "title", "content", "no_visitors"],
            SelfReport.Kind.ACTIVITY: ["date", "activity_type", "title", "content"],
        }[kind]
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if kind == SelfReport.Kind.COMMUNICATION:
            self.fields["method"].required = True
            self.fields["constituents"].required = True
            self.fields["constituents"].error_messages["required"] = _("请至少选择一名选民。")
        if kind == SelfReport.Kind.ACTIVITY:
            self.fields["activity_type"].required = True
        if not self.instance.pk:
            self.initial.setdefault("date", timezone.localdate())
        if "title" in self.fields:
            self.fields["title"].required = True
            self.fields["title"].label = (
                _("接待地点（家站点名称）") if kind == SelfReport.Kind.RECEPTION else _("活动名称")
            )
        if "content" in self.fields:
            self.fields["content"].label = {
                SelfReport.Kind.COMMUNICATION: _("联系内容"),
                SelfReport.Kind.RECEPTION: _("接待情况（来访人数、反映的问题等）"),
                SelfReport.Kind.ACTIVITY: _("活动内容"),
            }[kind]


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("退回原因"), widget=forms.Textarea(attrs={"rows": 2}), max_length=1000
    )


class FlagForm(forms.Form):
    kind = forms.ChoiceField(label=_("反馈类型"), choices=RecordFlag.Kind.choices)
    rule_code = forms.ChoiceField(label=_("考核项目"), required=False)
    record = forms.CharField(label=_("涉及记录"), required=False, max_length=300)
    comment = forms.CharField(
        label=_("具体说明"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule_code"].choices = [("", _("（不限）"))] + [
            (r.code, r.short_name) for r in RULES
        ]


class ResolveForm(forms.Form):
    resolution = forms.CharField(
        label=_("处理结果"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
