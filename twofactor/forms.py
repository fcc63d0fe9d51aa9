import re

from django import forms

APP_CODE = re.compile(r"\d{6}")
RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")


def _normalise(value: str) -> str:
    # People copy codes with spaces ("123 456") and recovery codes with their dash.
    return re.sub(r"[\s-]", "", value).lower()


def _code_input(inputmode: str) -> forms.TextInput:
    return forms.TextInput(
        attrs={
            "autocomplete": "one-time-code",
            "inputmode": inputmode,
            "autocapitalize": "off",
            "spellcheck": "false",
            "class": "form-control-lg font-monospace",
        }
    )


class AppCodeForm(forms.Form):
    """The 6-digit code an authenticator app shows."""

    code = forms.CharField(
        label="Code from the app",
        max_length=20,
        widget=_code_input("numeric"),
        help_text="6 digits.",
    )

    def clean_code(self) -> str:
        code = _normalise(self.cleaned_data["code"])
        if not APP_CODE.fullmatch(code):
            raise forms.ValidationError("Enter the 6 digits the app shows, such as 123456.")
        return code


class CodeForm(forms.Form):
    """A code from the app, or one of the recovery codes."""

    error_summary_heading = "There is a problem: {fix}"  # checking a code saves nothing

    code = forms.CharField(
        label="Code",
        max_length=20,
        widget=_code_input("text"),
        help_text="The 6 digits your authenticator app shows, or one of your recovery codes.",
    )

    def clean_code(self) -> str:
        code = _normalise(self.cleaned_data["code"])
        if not (APP_CODE.fullmatch(code) or RECOVERY_CODE.fullmatch(code)):
            raise forms.ValidationError(
                "Enter the 6 digits your app shows, such as 123456, or a recovery code, "
                "such as abcd-2345."
            )
        return code
