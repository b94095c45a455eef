"""Forms for sending an invitation, replying, changing and cancelling it, deciding leave."""

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, Attendance, Meeting
from deputies.models import Delegation, Deputy, DeputyGroup
from jdrenda.params import ModelIdsField
from jdrenda.widgets import DeputySelectMultiple

from .models import Invitation, InvitedDeputy

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class InvitationForm(forms.Form):
    activity = forms.ModelChoiceField(
        label=_("履职活动"), queryset=Activity.objects.none(), required=False
    )
    meeting = forms.ModelChoiceField(
        label=_("大会会议"), queryset=Meeting.objects.none(), required=False
    )
    kind = forms.ChoiceField(
        label=_("邀请类型"),
        choices=Invitation.Kind.choices,
        widget=forms.RadioSelect,
        initial=Invitation.Kind.SIGNUP,
    )
    reply_deadline = forms.DateTimeField(
        label=_("回复截止时间"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"]
    )
    start_time = forms.TimeField(label=_("开始时间"), required=False, widget=TIME)
    place = forms.CharField(label=_("地点"), max_length=200, required=False)
    note = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    group = forms.ModelChoiceField(
        label=_("邀请整个代表小组"), queryset=DeputyGroup.objects.none(), required=False
    )
    delegation = forms.ModelChoiceField(
        label=_("邀请整个代表团"), queryset=Delegation.objects.none(), required=False
    )
    deputies = ModelIdsField(
        label=_("邀请名单"),
        queryset=Deputy.objects.none(),
        required=False,
        widget=DeputySelectMultiple(),
        help_text=_("输入姓名、代表编号或拼音首字母查找，可选多名；与代表小组、代表团合并邀请。"),
    )

    def __init__(self, *args, activities, meetings, groups, delegations, deputies, picker_scope,
                 term_id=None, shown_ids=(), **kwargs):  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = activities
        self.fields["meeting"].queryset = meetings
        self.fields["group"].queryset = groups
        self.fields["delegation"].queryset = delegations
        field = self.fields["deputies"]
        field.queryset = deputies
        # Only the chosen deputies become <option>s; the picker finds the others.
        chosen = set(shown_ids)
        if self.is_bound:
            chosen |= {v for v in self.data.getlist("deputies") if str(v).isascii()}
        ids = [int(v) for v in chosen if str(v).isdigit() and len(str(v)) < 10]
        field.widget.choices = [
            (d.pk, f"{d.name}（{d.code}）") for d in deputies.filter(pk__in=ids).order_by("code")
        ]
        field.widget.attrs["data-picker-scope"] = picker_scope
        if term_id:
            field.widget.attrs["data-picker-term"] = term_id

    def clean(self):
        data = super().clean()
        if bool(data.get("activity")) == bool(data.get("meeting")):
            raise forms.ValidationError(_("请选择一项履职活动或一次大会会议（二选一）。"))
        return data


class ReplyForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("回复"),
        choices=[
            (InvitedDeputy.Answer.ACCEPT, _("参加")),
            (InvitedDeputy.Answer.DECLINE, _("请假")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("请假事由"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("请假时必填。"),
    )

    def clean(self):
        data = super().clean()
        declined = data.get("answer") == InvitedDeputy.Answer.DECLINE
        if declined and not data.get("reason", "").strip():
            self.add_error("reason", _("请假须填写事由。"))
        return data


class ChangeForm(forms.ModelForm):
    reply_deadline = forms.DateTimeField(
        label=_("回复截止时间"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"]
    )

    class Meta:
        model = Invitation
        fields = ["start_time", "place", "reply_deadline", "note"]
        widgets = {"start_time": TIME, "note": forms.Textarea(attrs={"rows": 3})}


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200, required=False)


class LeaveDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("accept", _("同意请假")), ("refuse", _("不同意"))], widget=forms.RadioSelect
    )
    leave_reason = forms.ChoiceField(
        label=_("请假事由"),
        choices=[("", "—")] + list(Attendance.LeaveReason.choices),
        required=False,
    )
