"""The supervisor's download of the federal participant record (PIRL) of a calendar
quarter, for the customers of their offices only (an administrator's: every office),
with the breaches of the cross-field rules counted on the page first.

The quarter comes from the query string (YYYYQn, one of the last eight); anything else
is a message on the page and 400 for the CSV.
"""

import datetime

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from bulkdata.pirl import (
    COLUMNS,
    Problem,
    pirl_problems,
    pirl_rows,
    quarter_bounds,
    quarter_name,
    write_pirl_csv,
)
from casemgmt.access import offices_visible_to
from casemgmt.clock import today
from casemgmt.decorators import requires
from casemgmt.models import User
from customers.selectors import customer_list_visible

EXPORT = "employment.export_pirl"
QUARTERS_SHOWN = 8  # the current quarter and the seven before it
PROBLEMS_SHOWN = 200


def _today(user: User | AnonymousUser) -> datetime.date:
    """Today in the zone of the user's first office (the site's for a user without one)."""
    zone = offices_visible_to(user).order_by("pk").values_list("time_zone", flat=True).first()
    return today(zone)


def _recent_quarters(on: datetime.date) -> list[str]:
    """The quarter of the day and the seven before it, newest first."""
    names = []
    day = on
    for _ in range(QUARTERS_SHOWN):
        names.append(quarter_name(day))
        first_day, _last_day = quarter_bounds(names[-1])
        day = first_day - datetime.timedelta(days=1)
    return names


class QuarterForm(forms.Form):
    """A calendar quarter of the last eight; by default the last one that has ended."""

    quarter = forms.ChoiceField(
        label="Quarter",
        error_messages={
            "required": "Choose a quarter.",
            "invalid_choice": "Choose a quarter from the list (YYYYQn, one of the last eight).",
        },
    )

    def __init__(self, data: object, *, on: datetime.date) -> None:
        data = data.copy()  # type: ignore[attr-defined]
        quarters = _recent_quarters(on)
        data.setdefault("quarter", quarters[1])
        super().__init__(data)
        self.fields["quarter"].choices = [(q, q.replace("Q", " Q")) for q in quarters]

    def bounds(self) -> tuple[datetime.date, datetime.date]:
        return quarter_bounds(self.cleaned_data["quarter"])


def _rows(request: HttpRequest, form: QuarterForm, made_on: datetime.date) -> list[dict]:
    start, end = form.bounds()
    return pirl_rows(
        quarter_start=start,
        quarter_end=end,
        customers=customer_list_visible(request.user),
        made_on=made_on,
    )


@require_GET
@requires(EXPORT)
def pirl(request: HttpRequest) -> HttpResponse:
    on = _today(request.user)
    form = QuarterForm(request.GET, on=on)
    context: dict[str, object] = {"form": form, "columns": COLUMNS}
    if form.is_valid():
        rows = _rows(request, form, on)
        problems: list[Problem] = pirl_problems(rows, on)
        by_rule: dict[str, int] = {}
        for problem in problems:
            by_rule[problem.rule] = by_rule.get(problem.rule, 0) + 1
        context.update(
            quarter=form.cleaned_data["quarter"],
            made_on=on,
            rows=len(rows),
            problems=problems[:PROBLEMS_SHOWN],
            problem_count=len(problems),
            by_rule=sorted(by_rule.items()),
            offices=offices_visible_to(request.user).order_by("name"),
        )
    return render(request, "bulkdata/pirl.html", context)


@require_GET
@requires(EXPORT)
def pirl_export(request: HttpRequest) -> HttpResponse:
    on = _today(request.user)
    form = QuarterForm(request.GET, on=on)
    if not form.is_valid():
        problems = " ".join(" ".join(errors) for errors in form.errors.values())
        return HttpResponse(
            f"No CSV: {problems}", status=400, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"pirl-{form.cleaned_data['quarter']}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    write_pirl_csv(_rows(request, form, on), response)
    return response
