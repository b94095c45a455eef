from django import forms
from django.utils.translation import gettext_lazy as _

from deputies.models import Delegation, DeputyGroup, Organiser, Role
from deputies.scopes import user_scope

from .models import Briefing
from .services import current_term


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name; their content is checked by services.check_pdf."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class BriefingForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 10}))
    organiser = forms.ModelChoiceField(
        label=_("发布单位"), queryset=Organiser.objects.none(), required=False
    )
    audience = forms.ChoiceField(
        label=_("通报对象"), choices=Briefing.Audience.choices, widget=forms.RadioSelect
    )
    delegation = forms.ModelChoiceField(
        label=_("代表团"),
        queryset=Delegation.objects.all(),
        required=False,
        help_text=_("通报对象为“一个代表团”时选择。"),
    )
    group = forms.ModelChoiceField(
        label=_("代表小组"),
        queryset=DeputyGroup.objects.none(),
        required=False,
        help_text=_("通报对象为“一个代表小组”时选择。"),
    )
    attachments = MultipleFileField(label=_("附件（PDF，可多选）"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = user_scope(user)
        organiser = self.fields["organiser"]
        if scope.has(Role.OFFICE_STAFF):
            organiser.queryset = Organiser.objects.all()
            organiser.empty_label = _("区人大常委会")
            organiser.help_text = _("不选即以区人大常委会名义发布（第二十二条）。")
        else:
            organiser.queryset = Organiser.objects.filter(pk__in=scope.liaison_organiser_ids)
            organiser.required = True
            organiser.empty_label = None
        term = current_term()
        self.fields["group"].queryset = (
            DeputyGroup.objects.filter(term=term).select_related("delegation")
            if term
            else DeputyGroup.objects.none()
        )

    def clean(self):
        cleaned = super().clean()
        audience = cleaned.get("audience")
        if audience == Briefing.Audience.DELEGATION and not cleaned.get("delegation"):
            self.add_error("delegation", _("请选择代表团。"))
        if audience == Briefing.Audience.GROUP and not cleaned.get("group"):
            self.add_error("group", _("请选择代表小组。"))
        return cleaned
