from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from deputies.models import Delegation, Organiser, Role

from .models import ApiClient
from .services import CLIENT_ROLES

NEEDS_DELEGATION = (Role.TOWN_STAFF, Role.DELEGATION_HEAD)


class ClientForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=80, help_text=_("如：安亭镇数据平台"))
    role = forms.ChoiceField(
        label=_("角色"),
        choices=[(r.value, r.label) for r in CLIENT_ROLES],
        help_text=_("客户端能看到的数据与该角色的工作人员相同"),
    )
    delegation = forms.ModelChoiceField(
        label=_("代表团"),
        queryset=Delegation.objects.all(),
        required=False,
        help_text=_("镇（街道）人大工作人员、代表团团长须选"),
    )
    organiser = forms.ModelChoiceField(
        label=_("组织单位"),
        queryset=Organiser.objects.all(),
        required=False,
        help_text=_("专委会/工委工作人员须选"),
    )
    note = forms.CharField(label=_("用途说明"), max_length=200, required=False)

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if ApiClient.objects.filter(name=name).exists():
            raise ValidationError(_("已有同名的接口客户端。"))
        return name

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role in NEEDS_DELEGATION and not data.get("delegation"):
            self.add_error("delegation", _("该角色须选择代表团。"))
        if role == Role.COMMITTEE_STAFF and not data.get("organiser"):
            self.add_error("organiser", _("该角色须选择组织单位。"))
        return data
