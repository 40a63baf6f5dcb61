"""The form that saves a calculation as a scenario."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class ScenarioSaveForm(forms.Form):
    """Title, notes and visibility of a scenario; the inputs travel as JSON."""

    title = forms.CharField(max_length=200, label=_("Title"))
    notes = forms.CharField(
        required=False,
        label=_("Notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What this scenario shows, sources, caveats."),
    )
    is_public = forms.BooleanField(
        required=False,
        label=_("Public"),
        help_text=_("Anyone with the link can see a public scenario."),
    )
    inputs = forms.JSONField(widget=forms.HiddenInput)

    def clean_inputs(self) -> dict[str, Any]:
        value = self.cleaned_data["inputs"]
        if not isinstance(value, dict):
            raise forms.ValidationError(gettext("The inputs must be an object."))
        return value
