"""Forms of the rule-set pages: a version's fields, one rule (a formset of them), a reason."""

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.models import ActivityType
from supervision.rulesets.models import ART29_CHOICES, COUNTS_CHOICES, PERIOD_CHOICES, RuleSet

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由（记入修改历史）"),
        max_length=500,
        error_messages={"required": _("请填写理由：它记入修改历史。")},
    )


class CopyForm(ReasonForm):
    name = forms.CharField(label=_("新版本名称"), max_length=200)
    effective_date = forms.DateField(label=_("生效日期"), widget=DATE)


class VersionForm(forms.ModelForm):
    class Meta:
        model = RuleSet
        fields = ["name", "source_document", "effective_date", "reason"]
        widgets = {"effective_date": DATE, "reason": forms.Textarea(attrs={"rows": 2})}
        labels = {"reason": _("制定或修订说明")}


class RuleForm(forms.Form):
    code = forms.CharField(label=_("代码"), max_length=40)
    articles = forms.CharField(label=_("条款"), max_length=40)
    short_name = forms.CharField(label=_("简称"), max_length=20)
    # A blank first choice: the empty row for a new rule stays unchanged (and is skipped)
    # when the browser submits every select.
    period = forms.ChoiceField(label=_("周期"), choices=[("", "—"), *PERIOD_CHOICES])
    counts = forms.ChoiceField(label=_("统计内容"), choices=[("", "—"), *COUNTS_CHOICES])
    quota = forms.IntegerField(label=_("要求数"), required=False, min_value=1, max_value=999)
    activity_types = forms.MultipleChoiceField(
        label=_("活动类型"),
        choices=ActivityType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    times = forms.IntegerField(label=_("每人次数"), required=False, min_value=1, max_value=20)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)
    art29 = forms.ChoiceField(
        label=_("约谈告诫事由"), choices=[("", "—"), *ART29_CHOICES], required=False
    )


RuleFormSet = forms.formset_factory(RuleForm, extra=1, can_delete=True, max_num=40)


class RejudgeForm(ReasonForm):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    ruleset = forms.ModelChoiceField(
        label=_("按此版本评定"),
        queryset=RuleSet.objects.filter(status=RuleSet.Status.PUBLISHED),
    )


class ImportForm(ReasonForm):
    file = forms.FileField(label=_("规则版本文件（JSON）"))
