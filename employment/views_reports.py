"""The reports of the end of the path: the data completeness list of planners and
supervisors (which reportable elements their participants miss, and where each is
fixed), and the supervisor's outcomes of a program year (exits, employment at exit,
credentials) with the customers behind every number and the same table as CSV. The
figures are `employment.reports`'.

Filters come from the query string and are only ids and codes. An office outside the
user's scope answers 404 as if it did not exist; any other bad value is a message on
the page (400 for the CSV).
"""

import datetime

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from casemgmt.access import offices_visible_to
from casemgmt.clock import program_year_label, program_year_of, today
from casemgmt.decorators import requires
from casemgmt.models import Office, User
from casemgmt.spreadsheet import spreadsheet_response
from customers.models import Program
from employment.reports import (
    GAPS,
    MEASURES,
    CompletenessFilters,
    OutcomeFilters,
    completeness_counts,
    gaps_of,
    outcome_periods,
    outcomes,
    participants_checked,
    with_gaps,
    write_outcomes_csv,
)

COMPLETENESS = ("customers.view_customer", "employment.view_period")
OUTCOMES = "employment.view_outcomes"
PAGE_SIZE = 25
RECENT_YEARS = 6  # the current program year and the five before it


def _today(user: User | AnonymousUser) -> datetime.date:
    """Today in the zone of the user's first office (the site's for a user without one)."""
    zone = offices_visible_to(user).order_by("pk").values_list("time_zone", flat=True).first()
    return today(zone)


def _office_or_404(form: forms.Form, request: HttpRequest) -> None:
    office = request.GET.get("office", "")
    if "office" in form.errors and office.isascii() and office.isdigit():
        # Another office's id is answered as if it did not exist.
        raise Http404("No such office.")


# --- Data completeness ----------------------------------------------------------------


class CompletenessFilterForm(forms.Form):
    scope = forms.ChoiceField(
        choices=[("mine", "My customers"), ("office", "My offices")],
        required=False,
        error_messages={"invalid_choice": "Choose my customers or my offices."},
    )
    office = forms.ModelChoiceField(
        queryset=Office.objects.none(),
        required=False,
        empty_label="Every office",
        error_messages={"invalid_choice": "Choose an office from the list."},
    )
    gap = forms.ChoiceField(
        required=False,
        label="Missing or contradictory",
        choices=[("", "Anything"), *((key, gap.label) for key, gap in GAPS.items())],
        error_messages={"invalid_choice": "Choose a kind of gap from the list."},
    )

    def __init__(self, data: object, *, offices: QuerySet[Office]) -> None:
        super().__init__(data)
        self.fields["office"].queryset = offices.order_by("name")


@require_GET
@requires(*COMPLETENESS)
def completeness(request: HttpRequest) -> HttpResponse:
    """Participants of the user's scope whose reportable elements are missing or
    contradictory, each gap with a link to where it is fixed: a planner's own caseload
    by default (and first, in their offices'), a supervisor's offices."""
    user = request.user
    form = CompletenessFilterForm(request.GET, offices=offices_visible_to(user))
    valid = form.is_valid()
    _office_or_404(form, request)
    data = form.cleaned_data if valid else {}
    default_scope = "mine" if user.caseload.exists() else "office"
    filters = CompletenessFilters(
        scope=data.get("scope") or default_scope,
        office=data.get("office"),
        gap=data.get("gap") or "",
    )
    checked = participants_checked(user, filters)
    page = Paginator(with_gaps(checked, filters.gap), PAGE_SIZE).get_page(request.GET.get("page"))
    params = {"scope": filters.scope, "gap": filters.gap}
    if filters.office is not None:
        params["office"] = filters.office.pk
    context = {
        "form": form,
        "filters": filters,
        "counts": completeness_counts(checked),
        "gaps": [(key, gap.label) for key, gap in GAPS.items()],
        "page": page,
        "rows": [(customer, gaps_of(customer)) for customer in page],
        "query": urlencode({k: v for k, v in params.items() if v}),
    }
    return render(request, "employment/completeness.html", context)


# --- Outcomes of a program year ----------------------------------------------------------


class OutcomesFilterForm(forms.Form):
    """The report's program year (a recent one, the current by default) and office (of
    the user's scope); the drill-down adds the number (measure) and program."""

    year = forms.ChoiceField(
        label="Program year",
        error_messages={
            "required": "Choose a program year.",
            "invalid_choice": "Choose a program year from the list.",
        },
    )
    office = forms.ModelChoiceField(
        queryset=Office.objects.none(),
        required=False,
        empty_label="Every office",
        error_messages={"invalid_choice": "Choose an office from the list."},
    )
    measure = forms.ChoiceField(
        required=False,
        choices=[("", ""), *((key, m.label) for key, m in MEASURES.items())],
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Choose a number of the table."},
    )
    program = forms.ChoiceField(
        required=False,
        choices=[("", "Every program"), *Program.choices],
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Choose a program of the table."},
    )

    def __init__(self, data: object, *, offices: QuerySet[Office], on: datetime.date) -> None:
        data = data.copy()  # type: ignore[attr-defined]
        current = program_year_of(on)
        data.setdefault("year", str(current))
        super().__init__(data)
        self.fields["year"].choices = [
            (str(y), f"{program_year_label(y)} (July {y} to June {y + 1})")
            for y in range(current, current - RECENT_YEARS, -1)
        ]
        self.fields["office"].queryset = offices.order_by("name")

    def filters(self) -> OutcomeFilters:
        return OutcomeFilters(
            year=int(self.cleaned_data["year"]), office=self.cleaned_data.get("office")
        )


def _outcomes_form(request: HttpRequest) -> OutcomesFilterForm:
    form = OutcomesFilterForm(
        request.GET, offices=offices_visible_to(request.user), on=_today(request.user)
    )
    form.is_valid()
    _office_or_404(form, request)
    return form


def _query(filters: OutcomeFilters, **more: object) -> str:
    params: dict[str, object] = {"year": filters.year}
    if filters.office is not None:
        params["office"] = filters.office.pk
    params.update({k: v for k, v in more.items() if v})
    return urlencode(params)


def _problems(form: forms.Form) -> list[str]:
    return [message for errors in form.errors.values() for message in errors]


@require_GET
@requires(OUTCOMES)
def outcomes_view(request: HttpRequest) -> HttpResponse:
    form = _outcomes_form(request)
    context: dict[str, object] = {"form": form, "problems": _problems(form)}
    if not form.errors:
        filters = form.filters()
        result = outcomes(request.user, filters)
        context.update(
            filters=filters,
            result=result,
            offices=[
                (office, _query(OutcomeFilters(year=filters.year, office=office.office)))
                for office in result.offices
            ],
            query=_query(filters),
            start=filters.bounds[0],
            end=filters.bounds[1],
        )
    return render(request, "employment/outcomes.html", context)


@require_GET
@requires(OUTCOMES)
def outcomes_list(request: HttpRequest) -> HttpResponse:
    form = _outcomes_form(request)
    context: dict[str, object] = {"form": form, "problems": _problems(form)}
    if not form.errors:
        filters = form.filters()
        measure = form.cleaned_data.get("measure") or "exits"
        program = form.cleaned_data.get("program") or ""
        page = Paginator(
            outcome_periods(request.user, filters, measure=measure, program=program), PAGE_SIZE
        ).get_page(request.GET.get("page"))
        context.update(
            filters=filters,
            measure=MEASURES[measure].label,
            program=Program(program).label if program else "",
            page=page,
            query=_query(filters, measure=measure, program=program),
            back=_query(filters),
        )
    return render(request, "employment/outcomes_list.html", context)


@require_GET
@requires(OUTCOMES)
def outcomes_export(request: HttpRequest) -> HttpResponse:
    form = _outcomes_form(request)
    if form.errors:
        return HttpResponse(
            f"No CSV: {' '.join(_problems(form))}",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    filters = form.filters()
    response = spreadsheet_response(f"outcomes-{filters.label}.csv")
    write_outcomes_csv(outcomes(request.user, filters), response)
    return response


urlpatterns: list[URLPattern] = [
    path("employment/completeness/", completeness, name="completeness"),
    path("employment/outcomes/", outcomes_view, name="outcomes"),
    path("employment/outcomes/customers/", outcomes_list, name="outcomes_list"),
    path("employment/outcomes.csv", outcomes_export, name="outcomes_export"),
]
