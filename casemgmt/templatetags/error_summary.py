"""The error summary at the top of a refused form (the GOV.UK pattern): how many problems
there are, each linked to its field, focused on load by static/js/app.js.

`{% error_summary form %}` draws it where a page wants it (at the top of the page); the
crispy templates (templates/bootstrap5/errors.html) draw it at the top of the form for
every page that does not. A form's summary is drawn once, wherever it comes first.
"""

from dataclasses import dataclass

from django import forms, template
from django.contrib.auth.forms import AuthenticationForm

register = template.Library()

SHOWN = "_error_summary_shown"


@dataclass(frozen=True)
class Problem:
    text: str
    href: str  # "#<id of the field's first input>", or "" for a problem of the whole form


def _field_order(form: forms.BaseForm) -> list[str]:
    """The fields in the order the page shows them: the crispy layout's, then the rest."""
    names: list[str] = []
    layout = getattr(getattr(form, "helper", None), "layout", None)
    if layout is not None:
        names = [
            pointer.name for pointer in layout.get_field_names() if pointer.name in form.fields
        ]
    return list(dict.fromkeys([*names, *form.fields]))


def _target(bound: forms.BoundField) -> str:
    """The id of the element a link focuses: the input, or a group's first radio or box."""
    if bound.id_for_label:
        return bound.id_for_label
    for widget in bound.subwidgets:
        if widget.id_for_label:
            return widget.id_for_label
    return bound.auto_id or ""


def form_problems(form: forms.BaseForm) -> list[Problem]:
    """Every error of the form: those of the whole form first, then each field's."""
    problems = [Problem(str(error), "") for error in form.non_field_errors()]
    for name in _field_order(form):
        bound = form[name]
        label = str(bound.label or name.replace("_", " ").capitalize())
        for error in bound.errors:
            text = str(error)
            if bound.is_hidden:
                problems.append(Problem(text, ""))
                continue
            # A message that names its field already is not prefixed with the label again.
            if label.casefold() not in text.casefold():
                text = f"{label}: {text}"
            target = _target(bound)
            problems.append(Problem(text, f"#{target}" if target else ""))
    return problems


def _heading(form: forms.BaseForm, context: template.Context, count: int, own: str) -> str:
    """What the page says first: "Nothing was saved: fix 2 problems" after a refused save,
    "There is a problem: ..." for a search or a sign-in; a page or form may say its own,
    with "{fix}" for the count."""
    fix = f"fix {count} problem{'' if count == 1 else 's'}"
    own = own or getattr(form, "error_summary_heading", None)
    if own:
        return str(own).replace("{fix}", fix)
    request = context.get("request")
    signing_in = isinstance(form, AuthenticationForm)
    if signing_in or (request is not None and request.method != "POST"):
        return f"There is a problem: {fix}"
    return f"Nothing was saved: {fix}"


@register.inclusion_tag("partials/error_summary.html", takes_context=True)
def error_summary(
    context: template.Context, form: forms.BaseForm | None, heading: str = ""
) -> dict[str, object]:
    """The form's error summary, once per form and page; nothing when the form is fine."""
    if form is None or not getattr(form, "is_bound", False) or getattr(form, SHOWN, False):
        return {"problems": []}
    problems = form_problems(form) if form.errors else []
    if problems:
        setattr(form, SHOWN, True)
    prefix = getattr(form, "prefix", None)
    return {
        "problems": problems,
        "heading": _heading(form, context, len(problems), heading) if problems else "",
        "summary_id": f"error-summary-{prefix}" if prefix else "error-summary",
    }
