"""Forms of the deputy pages. Checks that need the database live in deputies.services, which
the views call after is_valid(); jdrenda.views.apply_errors puts its messages on the form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import (
    Constituent,
    Delegation,
    Deputy,
    DeputyGroup,
    ServicePeriod,
    Suspension,
    Term,
    Termination,
)
from .scopes import Role, deputies_editable_by, user_scope


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DeputyForm(forms.ModelForm):
    service_start = forms.DateField(
        label=_("任职开始日期"),
        required=False,
        widget=DateInput(),
        help_text=_("留空为届次开始日期。"),
    )

    class Meta:
        model = Deputy
        fields = [
            "term",
            "code",
            "name",
            "delegation",
            "group",
            "gender",
            "birth_date",
            "ethnicity",
            "political_affiliation",
            "workplace_title",
            "constituency",
            "mobile",
            "is_sc_member",
        ]
        widgets = {"birth_date": DateInput()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = user_scope(user)
        delegations = Delegation.objects.all()
        if not scope.has(Role.OFFICE_STAFF):
            delegations = delegations.filter(pk__in=scope.town_staff_delegation_ids)
        self.fields["delegation"].queryset = delegations
        self.fields["group"].queryset = DeputyGroup.objects.filter(
            delegation__in=delegations
        ).select_related("term", "delegation")
        self.fields["group"].label_from_instance = lambda g: f"{g.term} · {g.delegation} · {g.name}"
        self.fields["term"].queryset = Term.objects.all()
        if self.instance.pk:
            # The term is the deputy's identity with the code; it is not changed here.
            self.fields["term"].disabled = True
            del self.fields["service_start"]


class ServicePeriodForm(forms.ModelForm):
    class Meta:
        model = ServicePeriod
        fields = ["start_date", "end_date", "note"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        help_texts = {"end_date": _("留空表示仍在任。")}


class SuspensionForm(forms.ModelForm):
    class Meta:
        model = Suspension
        fields = ["start_date", "end_date", "reason"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        help_texts = {"end_date": _("留空表示仍在暂停中。")}


class TerminationForm(forms.ModelForm):
    class Meta:
        model = Termination
        fields = ["date", "reason", "note"]
        widgets = {"date": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"date": _("保存后，该代表的任职期间在此日期结束。")}


class ConstituentForm(forms.ModelForm):
    """Who may not see phones in full edits with the phone blank: blank keeps the number."""

    class Meta:
        model = Constituent
        fields = ["name", "phone", "address"]

    def __init__(self, *args, show_phone: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.keeps_phone = bool(self.instance.pk and not show_phone and self.instance.phone)
        if self.keeps_phone:
            from .selectors import mask_phone

            self.initial["phone"] = ""
            self.fields["phone"].widget.attrs["placeholder"] = mask_phone(self.instance.phone)
            self.fields["phone"].help_text = _("留空则保持原号码不变。")

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "").strip()
        if not phone and self.keeps_phone:
            return self.instance.phone
        return phone


class LiaisonForm(forms.Form):
    deputy = forms.ModelChoiceField(label=_("联系代表"), queryset=Deputy.objects.none())

    def __init__(self, *args, member: Deputy, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = (
            Deputy.objects.filter(term_id=member.term_id, termination__isnull=True)
            .exclude(pk=member.pk)
            .select_related("delegation")
        )
        self.fields["deputy"].label_from_instance = lambda d: f"{d.code} {d.name}（{d.delegation}）"


def editable_deputy_choices(user, term=None):
    qs = deputies_editable_by(user).select_related("delegation")
    return qs.filter(term=term) if term else qs
