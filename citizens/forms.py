import re

from django import forms
from django.utils.translation import gettext_lazy as _

from activities.models import PublicOpinion

from .models import Category, Satisfaction
from .services import MAX_CONTENT, MIN_CONTENT

PHONE = re.compile(r"[0-9+\- ]{5,20}")


class MessageForm(forms.Form):
    """A citizen's message. `website` is the honeypot: hidden from people by CSS and from
    screen readers, left blank by them; a form filler that fills every field fills it."""

    category = forms.ChoiceField(label=_("反映类别"), choices=Category.choices)
    content = forms.CharField(
        label=_("想对代表说的话"),
        min_length=MIN_CONTENT,
        max_length=MAX_CONTENT,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_CONTENT}),
        help_text=_("请勿填写身份证号等敏感信息。最多 1000 字。"),
        error_messages={
            "required": _("请填写留言内容。"),
            "min_length": _("留言内容至少 5 个字。"),
            "max_length": _("留言内容最多 1000 个字。"),
        },
    )
    name = forms.CharField(label=_("称呼（选填）"), max_length=30, required=False)
    phone = forms.CharField(
        label=_("联系电话（选填）"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        error_messages={"max_length": _("联系电话最多 20 位。")},
    )
    consent = forms.BooleanField(
        label=_("我已阅读并同意上述个人信息处理说明"),
        error_messages={"required": _("请勾选同意个人信息处理说明后再提交。")},
    )
    website = forms.CharField(
        label=_("请勿填写"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE.fullmatch(phone):
            raise forms.ValidationError(_("联系电话只能包含数字、空格、“+”和“-”。"))
        return phone

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))


class LookupForm(forms.Form):
    code = forms.CharField(
        label=_("查询码"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        error_messages={"required": _("请输入查询码。")},
    )


class ReplyForm(forms.Form):
    reply = forms.CharField(
        label=_("答复内容（留言人凭查询码可见）"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写答复内容。")},
    )


class ReferForm(forms.Form):
    hotline_ticket = forms.CharField(
        label=_("12345工单号"),
        max_length=50,
        error_messages={"required": _("转办12345须填写工单号。")},
    )
    hotline_unit = forms.CharField(
        label=_("承办单位"), max_length=100, error_messages={"required": _("请填写承办单位。")}
    )


class HotlineStatusForm(forms.Form):
    hotline_status = forms.ChoiceField(
        label=_("工单状态"),
        choices=[
            (PublicOpinion.HotlineStatus.REFERRED, _("受理")),
            (PublicOpinion.HotlineStatus.HANDLING, _("办理")),
            (PublicOpinion.HotlineStatus.CLOSED, _("办结")),
        ],
    )
    hotline_outcome = forms.CharField(
        label=_("办理结果（办结时必填，留言人可见）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CallbackForm(forms.Form):
    callback_result = forms.CharField(
        label=_("回访情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    satisfaction = forms.ChoiceField(
        label=_("满意度"),
        choices=[("", _("请选择")), *Satisfaction.choices],
        error_messages={"required": _("请选择满意度。")},
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("屏蔽原因"), max_length=200, error_messages={"required": _("请填写屏蔽原因。")}
    )
