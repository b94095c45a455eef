"""Forms for sessions, meetings, leave requests and speeches. Messages in Chinese; the
regulation's checks live in session_services (forms only shape the input)."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import Attendance, Meeting, Session, Speech
from deputies.models import Term
from deputies.scopes import deputies_editable_by, user_scope

REQUIRED = {"required": _("此项为必填项。")}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = ["term", "name", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        error_messages = {
            "term": REQUIRED,
            "name": REQUIRED,
            "start_date": {**REQUIRED, "invalid": _("请输入正确的日期。")},
            "end_date": {**REQUIRED, "invalid": _("请输入正确的日期。")},
        }
        help_texts = {"name": _("例如：七届人大五次会议")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = Term.objects.all()

    def validate_unique(self):
        # The name rule is said in Chinese in clean(); the model's own message is generic.
        pass

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("闭幕日期不能早于开幕日期。"))
        term = data.get("term")
        if term and start and not term.start_date <= start <= term.end_date:
            self.add_error("start_date", _("开幕日期须在届次起止日期内。"))
        name = data.get("name")
        if term and name:
            same = Session.objects.filter(term=term, name=name).exclude(pk=self.instance.pk)
            if same.exists():
                self.add_error("name", _("本届已有同名的大会。"))
        return data


class CopySessionForm(SessionForm):
    """新建大会（沿用上次结构）: term, name and opening date; the closing date and every
    meeting's date follow from the shift of the opening date."""

    class Meta(SessionForm.Meta):
        fields = ["term", "name", "start_date"]

    def __init__(self, *args, source, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source

    def clean(self):
        data = forms.ModelForm.clean(self)
        start, term = data.get("start_date"), data.get("term")
        if start:
            self.instance.end_date = self.source.end_date + (start - self.source.start_date)
            if start == self.source.start_date:
                self.add_error("start_date", _("新大会的开幕日期须与原大会不同。"))
        if term and start and not term.start_date <= start <= term.end_date:
            self.add_error("start_date", _("开幕日期须在届次起止日期内。"))
        if term and start and not term.start_date <= self.instance.end_date <= term.end_date:
            self.add_error(
                "start_date",
                _("按原大会会期推算的闭幕日期（%(end)s）不在届次起止日期内。")
                % {"end": self.instance.end_date},
            )
        name = data.get("name")
        if term and name and Session.objects.filter(term=term, name=name).exists():
            self.add_error("name", _("本届已有同名的大会。"))
        return data


class MeetingForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["name", "kind", "date", "delegation"]
        widgets = {"date": DateInput()}
        error_messages = {
            "name": REQUIRED,
            "kind": REQUIRED,
            "date": {**REQUIRED, "invalid": _("请输入正确的日期。")},
        }

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.fields["delegation"].required = False

    def validate_unique(self):
        pass

    def clean(self):
        data = super().clean()
        name, day = data.get("name"), data.get("date")
        if name and day:
            same = Meeting.objects.filter(term_id=self.session.term_id, name=name, date=day)
            if same.exclude(pk=self.instance.pk).exists():
                self.add_error("name", _("同一日期已有同名的会议。"))
        return data


class LeaveRequestForm(forms.Form):
    """One request for one or several meetings of one session. The deputy and the session are
    chosen first (a GET on the same page), so the meetings offered are exactly those on that
    deputy's roll, from today on: a whole session is one "全选"."""

    meetings = forms.ModelMultipleChoiceField(
        label=_("请假会议"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={
            "required": _("请至少选择一次会议。"),
            "invalid_choice": _("所选会议不在可请假的会议中（已举行或不在该代表的应出席名单）。"),
            "invalid_pk_value": _("请从列表中选择会议。"),
        },
    )
    reason = forms.ChoiceField(
        label=_("请假事由"),
        choices=[("", "---------"), *Attendance.LeaveReason.choices],
        error_messages={**REQUIRED, "invalid_choice": _("请选择请假事由。")},
        help_text=_("《办法》第五条：公务出国出境、重要会议活动、因病或特殊情况。"),
    )
    explanation = forms.CharField(
        label=_("具体说明"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=REQUIRED,
    )

    def __init__(self, *args, deputy=None, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meetings"].queryset = askable_meetings(deputy, session)
        self.fields["meetings"].label_from_instance = lambda m: (
            f"{m.date:%m月%d日} {m.name}（{m.get_kind_display()}）"
        )


def askable_meetings(deputy, session):
    """Meetings of the session on the deputy's roll (term, own delegation's 代表团会议) held
    today or later, in time order. Service periods are checked on submission."""
    if deputy is None or session is None:
        return Meeting.objects.none()
    return (
        session.meetings.filter(term_id=deputy.term_id, date__gte=timezone.localdate())
        .filter(Q(delegation__isnull=True) | Q(delegation_id=deputy.delegation_id))
        .select_related("delegation")
        .in_time_order()
    )


def askable_sessions(deputy):
    """Sessions of the deputy's term not yet over, the next one first."""
    if deputy is None:
        return Session.objects.none()
    return Session.objects.filter(
        term_id=deputy.term_id, end_date__gte=timezone.localdate()
    ).order_by("start_date")


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("意见"),
        choices=[("1", _("同意")), ("0", _("不同意"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={**REQUIRED, "invalid_choice": _("请选择同意或不同意。")},
    )
    comment = forms.CharField(label=_("意见说明"), max_length=200, required=False)


class SpeechForm(forms.ModelForm):
    class Meta:
        model = Speech
        fields = ["meeting", "deputy", "topic"]
        error_messages = {"meeting": REQUIRED, "deputy": REQUIRED, "topic": REQUIRED}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        deputies = deputies_editable_by(user).select_related("delegation")
        self.fields["deputy"].queryset = deputies.order_by("-term__start_date", "code")
        self.fields["deputy"].label_from_instance = lambda d: f"{d.code} {d.name}（{d.delegation}）"
        meetings = Meeting.objects.filter(kind=Meeting.Kind.DELEGATION).select_related("delegation")
        if not user_scope(user).has("office"):
            meetings = meetings.filter(delegation__in=deputies.values("delegation"))
        self.fields["meeting"].queryset = meetings.order_by("-date", "name")
        self.fields["meeting"].required = True
        self.fields["topic"].required = True
        for name in ("meeting", "deputy"):
            self.fields[name].error_messages["invalid_choice"] = _("请从列表中选择。")

    def validate_unique(self):
        # save_speech says it in Chinese with the meeting's name and date filled in.
        pass
