"""The form that makes a personal API token."""

from __future__ import annotations

from django import forms

from api.models import MAX_LIVE_TOKENS, ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=100,
        error_messages={
            "required": "Enter a name for the token",
            "max_length": "Name must be 100 characters or fewer",
        },
    )
    can_write = forms.BooleanField(
        label="This token may record progress updates on actions I lead", required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if ApiToken.objects.live().filter(user=self.user, name__iexact=name).exists():
            raise forms.ValidationError(
                "You already have a token with this name: give this one a name that tells "
                "them apart"
            )
        return name

    def clean(self):
        if ApiToken.objects.live().filter(user=self.user).count() >= MAX_LIVE_TOKENS:
            raise forms.ValidationError(
                f"You already have {MAX_LIVE_TOKENS} tokens, the most one person may have. "
                "Revoke one you no longer use, then make a new one"
            )
        return super().clean()
