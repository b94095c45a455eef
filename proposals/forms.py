"""Forms for 议案/建议, their handling and the lead deputy's evaluation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from deputies.models import Delegation, Deputy, Term
from jdrenda.params import ModelIdsField
from jdrenda.widgets import DeputySelect, DeputySelectMultiple

from . import services
from .models import Assignment, HandlingUnit, Proposal, ProposalEvaluation, Satisfaction

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProposalForm(forms.ModelForm):
    cosigners = ModelIdsField(
        label=_("附议代表"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=DeputySelectMultiple(),
        help_text=_("输入姓名、代表编号或拼音首字母查找，可选多名（无脚本时按住 Ctrl 键多选）。"),
    )
    lead_units = ModelIdsField(
        label=_("主办单位"),
        queryset=HandlingUnit.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    assist_units = ModelIdsField(
        label=_("会办单位"),
        queryset=HandlingUnit.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("每个承办单位单独答复；主办单位均答复后，议案建议即为“答复”。"),
    )

    class Meta:
        model = Proposal
        fields = ["term", "number", "kind", "title", "content", "submitted_date", "lead"]
        widgets = {
            "submitted_date": DATE,
            "content": forms.Textarea(attrs={"rows": 8}),
            "lead": DeputySelect(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        deputies = Deputy.objects.select_related("delegation").order_by("term", "code")
        self.fields["lead"].queryset = deputies
        self.fields["cosigners"].queryset = deputies
        if self.instance.pk:
            self.initial["cosigners"] = list(
                self.instance.cosignatures.values_list("deputy_id", flat=True)
            )
            for role, field in (
                (Assignment.Role.LEAD, "lead_units"),
                (Assignment.Role.ASSIST, "assist_units"),
            ):
                self.initial[field] = list(
                    self.instance.assignments.filter(role=role).values_list("unit_id", flat=True)
                )
        elif not self.initial.get("term"):
            self.initial["term"] = Term.objects.order_by("-start_date").first()

    def clean(self):
        data = super().clean()
        term, day = data.get("term"), data.get("submitted_date")
        if term and day and not term.start_date <= day <= term.end_date:
            self.add_error("submitted_date", _("提出日期不在%(term)s任期内。") % {"term": term})
        errors = services.check_people(
            term, day, data.get("lead"), list(data.get("cosigners") or [])
        )
        for field, message in errors.items():
            self.add_error(field, message)
        both = set(data.get("lead_units") or []) & set(data.get("assist_units") or [])
        if both:
            self.add_error(
                "assist_units",
                _("%(names)s 不能既是主办单位又是会办单位。")
                % {"names": "、".join(u.name for u in both)},
            )
        return data


class TransitionForm(forms.Form):
    status = forms.ChoiceField(choices=Proposal.Status.choices)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("撤回理由"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写撤回理由。")},
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 4}))
    reply_date = forms.DateField(label=_("答复日期"), widget=DATE)


class UnitReplyForm(forms.Form):
    """One handling unit's reply, its 办理期限 and an optional 答复函."""

    due_date = forms.DateField(label=_("办理期限"), widget=DATE, required=False)
    reply = forms.CharField(
        label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    reply_date = forms.DateField(label=_("答复日期"), widget=DATE, required=False)
    letter = forms.FileField(
        label=_("答复函（PDF 或图片，可不上传）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.webp"}),
    )


class EvaluationForm(forms.ModelForm):
    """The lead's three choices start empty and each must be made: nothing is pre-selected,
    so an evaluation is never given by not looking (issue 11, item 6)."""

    class Meta:
        model = ProposalEvaluation
        fields = ["attitude", "result", "overall", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in CHOICES:
            field = self.fields[name]
            field.choices = [("", _("请选择")), *Satisfaction.choices]
            field.required = True
            field.error_messages["required"] = CHOICES[name]


# The choice fields of the evaluation and the message when one is not made.
CHOICES = {
    "attitude": _("请选择办理态度。"),
    "result": _("请选择办理结果。"),
    "overall": _("请选择满意度。"),
}


class ProposalFilterForm(forms.Form):
    term = forms.ModelChoiceField(label=_("届次"), queryset=Term.objects.all(), required=False)
    kind = forms.ChoiceField(
        label=_("类型"), choices=[("", _("全部")), *Proposal.Kind.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("办理状态"), choices=[("", _("全部")), *Proposal.Status.choices], required=False
    )
    unit = forms.ModelChoiceField(
        label=_("承办单位"), queryset=HandlingUnit.objects.all(), required=False
    )
    delegation = forms.ModelChoiceField(
        label=_("代表团"), queryset=Delegation.objects.all(), required=False
    )
    q = forms.CharField(label=_("编号或标题"), required=False)
    # The home page's to-do links (jdrenda.todo) open the list narrowed by these.
    overdue = forms.BooleanField(label=_("超期未答复"), required=False)
    to_evaluate = forms.BooleanField(label=_("待我评价"), required=False)
