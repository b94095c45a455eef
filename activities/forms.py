"""Forms for activities, participation, communications and 社情民意 (messages in Chinese)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.models import (
    Activity,
    ActivityType,
    AttendanceStatus,
    ContactMethod,
    ParticipationStatus,
    PublicOpinion,
)
from deputies.models import Delegation, Deputy, DeputyGroup, Organiser, Term
from jdrenda.params import ModelIdsField
from jdrenda.widgets import DeputyCodeInput, DeputySelect

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = [
            "term",
            "name",
            "type",
            "date",
            "organiser",
            "place",
            "topic",
            "group",
            "signin_opens_at",
            "signin_closes_at",
        ]
        widgets = {"date": DATE, "signin_opens_at": DATETIME, "signin_closes_at": DATETIME}
        help_texts = {"signin_opens_at": _("留空则不开放扫码签到。")}

    def __init__(self, *args, organisers=None, organiser_required=False, groups=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = (
            organisers if organisers is not None else (Organiser.objects.all())
        )
        self.fields["organiser"].required = organiser_required
        groups = DeputyGroup.objects.all() if groups is None else groups
        if self.instance.group_id:  # an attribution made by office staff stays selectable
            groups = groups | DeputyGroup.objects.filter(pk=self.instance.group_id)
        self.fields["group"].queryset = groups.select_related("delegation")
        if not self.instance.pk and not self.initial.get("term"):
            self.initial["term"] = Term.objects.order_by("-start_date").first()

    def clean(self):
        data = super().clean()
        term, day = data.get("term"), data.get("date")
        if term and day and not term.start_date <= day <= term.end_date:
            self.add_error("date", _("活动日期不在%(term)s任期内。") % {"term": term})
        opens, closes = data.get("signin_opens_at"), data.get("signin_closes_at")
        if bool(opens) != bool(closes):
            self.add_error("signin_closes_at", _("签到开始和截止时间须同时填写。"))
        elif opens and closes and closes <= opens:
            self.add_error("signin_closes_at", _("签到截止时间须晚于开始时间。"))
        group = data.get("group")
        if group and term and group.term_id != term.pk:
            self.add_error("group", _("代表小组不属于所选届次。"))
        return data


class DeputyCodeField(forms.CharField):
    """A deputy chosen by 代表编号 (or name) within a given queryset."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label", _("代表编号或姓名"))
        super().__init__(*args, **kwargs)


class ParticipantForm(forms.Form):
    deputy = DeputyCodeField(widget=DeputyCodeInput())
    status = forms.ChoiceField(
        label=_("参加情况"), choices=ParticipationStatus.choices, initial=AttendanceStatus.PRESENT
    )
    reception_notes = forms.CharField(
        label=_("接待情况"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    no_visitors = forms.BooleanField(label=_("无来访"), required=False)

    def __init__(self, *args, deputies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.deputies = deputies if deputies is not None else Deputy.objects.none()

    def clean_deputy(self):
        text = self.cleaned_data["deputy"].strip()
        matches = list(self.deputies.filter(code=text)[:2]) or list(
            self.deputies.filter(name=text)[:2]
        )
        if not matches:
            raise forms.ValidationError(_("未找到编号或姓名为“%(t)s”的代表。") % {"t": text})
        if len(matches) > 1:
            raise forms.ValidationError(_("有多名代表同名，请输入代表编号。"))
        return matches[0]


class BulkParticipantForm(forms.Form):
    group = forms.ModelChoiceField(
        label=_("代表小组"), queryset=DeputyGroup.objects.none(), required=False
    )
    delegation = forms.ModelChoiceField(
        label=_("代表团"), queryset=Delegation.objects.none(), required=False
    )

    def __init__(self, *args, groups=None, delegations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups if groups is not None else DeputyGroup.objects.none()
        self.fields["delegation"].queryset = (
            delegations if delegations is not None else Delegation.objects.none()
        )

    def clean(self):
        data = super().clean()
        if bool(data.get("group")) == bool(data.get("delegation")):
            raise forms.ValidationError(_("请选择一个代表小组或一个代表团（二选一）。"))
        return data


class ParticipationForm(forms.Form):
    status = forms.ChoiceField(label=_("参加情况"), choices=ParticipationStatus.choices)
    reception_notes = forms.CharField(
        label=_("接待情况"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    no_visitors = forms.BooleanField(label=_("无来访"), required=False)


class SetAllStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("全部设为"),
        choices=ParticipationStatus.choices,
        error_messages={"invalid_choice": _("请选择参加情况。"), "required": _("请选择参加情况。")},
    )


class ReceptionForm(forms.Form):
    reception_notes = forms.CharField(
        label=_("接待情况（来访人数、反映的问题等）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    no_visitors = forms.BooleanField(label=_("无来访"), required=False)


class ActivityFilterForm(forms.Form):
    type = forms.ChoiceField(
        label=_("活动类型"), choices=[("", _("全部类型")), *ActivityType.choices], required=False
    )
    organiser = forms.ModelChoiceField(
        label=_("组织单位"), queryset=Organiser.objects.all(), required=False
    )
    delegation = forms.ModelChoiceField(
        label=_("代表团"), queryset=Delegation.objects.all(), required=False
    )
    date_from = forms.DateField(label=_("开始日期"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("结束日期"), required=False, widget=DATE)
    q = forms.CharField(label=_("名称"), required=False)


# --- communications ---------------------------------------------------------------------


class CommunicationForm(forms.Form):
    deputy = forms.ModelChoiceField(
        label=_("代表"), queryset=Deputy.objects.none(), widget=DeputySelect()
    )
    date = forms.DateField(label=_("日期"), widget=DATE)
    method = forms.ChoiceField(label=_("联系方式"), choices=ContactMethod.choices)
    constituents = ModelIdsField(
        label=_("选民"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一名选民。")},
    )
    content = forms.CharField(
        label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, deputies=None, constituents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = deputies
        self.fields["constituents"].queryset = constituents
        self.fields["constituents"].label_from_instance = lambda c: c.name


class CommunicationEditForm(forms.Form):
    constituents = ModelIdsField(
        label=_("选民"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一名选民。")},
    )
    content = forms.CharField(
        label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, constituents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["constituents"].queryset = constituents
        self.fields["constituents"].label_from_instance = lambda c: c.name


class LiaisonForm(forms.Form):
    member = forms.ModelChoiceField(
        label=_("常委会组成人员"), queryset=Deputy.objects.none(), widget=DeputySelect()
    )
    deputy = forms.ModelChoiceField(
        label=_("联系的代表"), queryset=Deputy.objects.none(), widget=DeputySelect()
    )
    date = forms.DateField(label=_("日期"), widget=DATE)
    method = forms.ChoiceField(label=_("联系方式"), choices=ContactMethod.choices)
    content = forms.CharField(
        label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, members=None, deputies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["deputy"].queryset = deputies

    def clean(self):
        data = super().clean()
        member, deputy = data.get("member"), data.get("deputy")
        if member and deputy and member.pk == deputy.pk:
            self.add_error("deputy", _("常委会组成人员不能联系自己。"))
        return data


# --- 社情民意 ---------------------------------------------------------------------------


class OpinionForm(forms.ModelForm):
    class Meta:
        model = PublicOpinion
        fields = ["deputy", "date", "title", "content"]
        widgets = {"date": DATE, "content": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, deputies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = deputies


class ReferForm(forms.Form):
    hotline_ticket = forms.CharField(
        label=_("12345工单号"),
        max_length=50,
        error_messages={"required": _("转办12345须填写工单号。")},
    )


class OpinionStatusForm(forms.Form):
    hotline_status = forms.ChoiceField(
        label=_("工单状态"),
        choices=[c for c in PublicOpinion.HotlineStatus.choices if c[0]],
    )
    hotline_outcome = forms.CharField(
        label=_("办理结果"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
