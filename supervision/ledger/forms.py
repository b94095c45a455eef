"""The ledger upload form."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deputies.models import Term


class LedgerUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("台账工作簿（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
    )
    term = forms.CharField(
        label=gettext_lazy("届次"),
        max_length=50,
        help_text=gettext_lazy("记录所属的届次；工作簿中有「届次」表时可填写其中的新届次。"),
        widget=forms.TextInput(attrs={"class": "form-control", "list": "ledger-terms"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.term_names = list(Term.objects.values_list("name", flat=True))
        if self.term_names:
            self.fields["term"].initial = self.term_names[0]  # the latest (Term ordering)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.LEDGER_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件过大（%(size)s MB），上传的台账工作簿不能超过 %(limit)s MB。")
                % {
                    "size": round(upload.size / 1024 / 1024, 1),
                    "limit": round(limit / 1024 / 1024, 1),
                }
            )
        return upload

    def clean_term(self):
        return self.cleaned_data["term"].strip()


def _megabytes(size: int) -> float:
    return round(size / 1024 / 1024, 1)
