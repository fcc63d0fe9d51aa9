from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.core.exceptions import ValidationError


def attach_errors(
    form: forms.Form, exc: ValidationError, aliases: dict[str, str] | None = None
) -> None:
    """Show a service function's refusal on the form fields it names (else at the top)."""
    aliases = aliases or {}
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        target = aliases.get(field, field)
        form.add_error(target if target in form.fields else None, errors)


class InputModelForm(forms.ModelForm):
    """A model form that only reads and cleans the input.

    ModelForm's own `_post_clean` copies the input onto the bound instance while
    validating: a service handed that instance would compare the new values with
    themselves, find nothing changed, and save nothing. Here the instance is never
    touched; the service function compares, validates and saves.
    """

    def _post_clean(self) -> None:
        pass


def form_helper(*layout: object) -> FormHelper:
    """crispy's helper as our forms use it: the page gives the <form> and the CSRF token,
    and hidden fields (one-time token, version) are rendered even with a layout."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.render_hidden_fields = True
    if layout:
        helper.layout = Layout(*layout)
    return helper


def surface_hidden_errors(form: forms.Form, *names: str) -> None:
    """A hidden field's error is invisible where the field is: show it at the top."""
    errors = getattr(form, "_errors", None)
    if not errors:
        return
    for name in names:
        if name in errors:
            for message in errors.pop(name):
                form.add_error(None, message)
