"""Searchable people pickers: plain form widgets that static/js/pickers.js turns into Tom
Select boxes (vendored; no inline script, so the CSP stays strict). Without JavaScript they
are the ordinary <select> / text input, and the form validates the choice against its own
scoped queryset either way: the JSON endpoint only helps to find a name."""

from django import forms
from django.urls import reverse_lazy

PICKER_MEDIA = forms.Media(
    css={"all": ["vendor/tom-select/css/tom-select.bootstrap5.min.css", "css/pickers.css"]},
    js=["vendor/tom-select/js/tom-select.complete.min.js", "js/pickers.js"],
)


def _picker_attrs(scope, attrs, value="value"):
    data = {
        "data-picker": "deputy",
        "data-picker-url": reverse_lazy("deputies:pick"),
        "data-picker-scope": scope,
        "data-picker-value": value,
    }
    return {**data, **(attrs or {})}


class DeputySelect(forms.Select):
    """One deputy, searched by name, 代表编号 or 拼音首字母."""

    def __init__(self, scope="visible", attrs=None):
        super().__init__(attrs=_picker_attrs(scope, attrs))

    @property
    def media(self):
        return PICKER_MEDIA


class DeputySelectMultiple(forms.SelectMultiple):
    """Several deputies; chosen ones stay as removable tags (a stray click keeps them)."""

    def __init__(self, scope="visible", attrs=None):
        super().__init__(attrs=_picker_attrs(scope, {"size": 8, **(attrs or {})}))

    @property
    def media(self):
        return PICKER_MEDIA


class DeputyCodeInput(forms.TextInput):
    """A text box for a 代表编号 that the picker fills from the search (value = code)."""

    def __init__(self, scope="visible", attrs=None):
        super().__init__(attrs=_picker_attrs(scope, attrs, value="code"))

    @property
    def media(self):
        return PICKER_MEDIA
