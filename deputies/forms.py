"""Forms of the deputy pages. Checks that need the database live in deputies.services, which
the views call after is_valid(); jdrenda.views.apply_errors puts its messages on the form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from jdrenda.widgets import DeputySelect

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
    """Who may not see contacts in full (deputies.privacy) edits with the phone and address
    blank: a blank field keeps what is there."""

    class Meta:
        model = Constituent
        fields = ["name", "phone", "address"]

    def __init__(self, *args, show_contact: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.keeps = set()
        self.erased_phone = self.instance.phone if self.instance.contact_erased_on else None
        if self.erased_phone is not None:
            # Erased (retention): the field starts blank; blank keeps the unique placeholder.
            self.initial["phone"] = ""
            self.keeps.add("phone")
            return
        if not self.instance.pk or show_contact:
            return
        from .privacy import mask_address, mask_phone

        for name, mask in (("phone", mask_phone), ("address", mask_address)):
            value = getattr(self.instance, name)
            if value:
                self.keeps.add(name)
                self.initial[name] = ""
                self.fields[name].widget.attrs["placeholder"] = mask(value)
                self.fields[name].help_text = _("留空则保持原内容不变。")

    def _kept(self, name):
        value = (self.cleaned_data.get(name) or "").strip()
        if not value and name in self.keeps:
            return getattr(self.instance, name)
        return value

    def clean_phone(self):
        return self._kept("phone")

    def clean_address(self):
        return self._kept("address")

    def clean(self):
        data = super().clean()
        typed = data.get("address") or data.get("phone", self.erased_phone) != self.erased_phone
        if self.erased_phone is not None and typed:
            self.instance.contact_erased_on = None  # new contact details were given
        return data


class LiaisonForm(forms.Form):
    deputy = forms.ModelChoiceField(
        label=_("联系代表"), queryset=Deputy.objects.none(), widget=DeputySelect()
    )

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
