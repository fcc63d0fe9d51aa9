"""The office's money for supervisors: purchase orders awaiting approval, a program
year's obligations and payments by funding program, type and month, the purchase orders
behind every number, and the same rows as CSV (the figures: `supportive.reports`).

The filters come from the query string, and are only ids and codes: never a name or
anything personal. An office outside the user's scope answers 404 as if it did not
exist; any other bad value is a message on the page (400 for the CSV).
"""

import datetime
import re

from django import forms
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from casemgmt.access import offices_visible_to
from casemgmt.decorators import requires
from casemgmt.models import Office
from casemgmt.spreadsheet import spreadsheet_response
from compliance.selectors import today_for
from supportive.models import FundingProgram, SupportiveType
from supportive.reports import (
    MEASURES,
    MoneyFilters,
    awaiting_approval,
    money_list,
    money_list_totals,
    money_summary,
    write_money_csv,
)
from supportive.rules import program_year_label, program_year_of

MONEY = "supportive.view_supportive_money"
PAGE_SIZE = 25
AWAITING_SHOWN = 25
RECENT_YEARS = 6  # the current program year and the five before it
EVERY_YEAR = "all"
MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")
MONTH_FORMAT = "Give the month as YYYY-MM, for example 2026-11."


class MoneyFilterForm(forms.Form):
    """The report's program year (a recent one, the current by default) and office (of
    the user's scope)."""

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
    every_year = False

    def __init__(self, data: object, *, offices: QuerySet[Office], on: datetime.date) -> None:
        data = data.copy()  # type: ignore[attr-defined]
        current = program_year_of(on)
        data.setdefault("year", str(current))
        super().__init__(data)
        years = [
            (str(y), program_year_label(y)) for y in range(current, current - RECENT_YEARS, -1)
        ]
        if self.every_year:
            years.insert(0, (EVERY_YEAR, "Every program year"))
        self.fields["year"].choices = years
        self.fields["office"].queryset = offices.order_by("name")

    def clean_year(self) -> int | None:
        year = self.cleaned_data["year"]
        return None if year == EVERY_YEAR else int(year)

    def filters(self) -> MoneyFilters:
        data = self.cleaned_data
        return MoneyFilters(
            program_year=data["year"],
            office=data.get("office"),
            measure=data.get("status") or "",
            funding_program=data.get("program") or "",
            supportive_type=data.get("type") or "",
            month=data.get("month"),
        )


class MoneyListForm(MoneyFilterForm):
    """The drill-down's filters: the report's, and what a number counts (a measure, a
    funding program, a supportive type, a month); a program year may be every year."""

    status = forms.ChoiceField(
        required=False,
        label="Purchase orders",
        choices=[("", "Every status"), *((key, m.label) for key, m in MEASURES.items())],
        error_messages={"invalid_choice": "Choose obligations, payments or awaiting approval."},
    )
    program = forms.ChoiceField(
        required=False,
        label="Funding program",
        choices=[("", "Every program"), *FundingProgram.choices],
        error_messages={"invalid_choice": "Choose a funding program from the list."},
    )
    type = forms.ChoiceField(
        required=False,
        label="Supportive type",
        choices=[("", "Every type"), *SupportiveType.choices],
        error_messages={"invalid_choice": "Choose a supportive type from the list."},
    )
    month = forms.CharField(
        required=False,
        max_length=7,
        label="Month",
        help_text="YYYY-MM",
        error_messages={"max_length": MONTH_FORMAT},
    )
    every_year = True

    def clean_month(self) -> datetime.date | None:
        value = self.cleaned_data["month"].strip()
        if not value:
            return None
        match = MONTH.fullmatch(value)
        if not match or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2999:
            raise forms.ValidationError(MONTH_FORMAT)
        return datetime.date(int(match[1]), int(match[2]), 1)

    def clean(self) -> dict[str, object]:
        data = super().clean()
        month_field = MEASURES[data["status"]].month_field if data.get("status") else None
        if data.get("month") and month_field is None:
            self.add_error(
                "month",
                "A month goes with obligations (the month issued) or payments (the month "
                "paid): choose one of them.",
            )
        return data


def _form(request: HttpRequest, form_class: type[MoneyFilterForm]) -> MoneyFilterForm:
    form = form_class(
        request.GET, offices=offices_visible_to(request.user), on=today_for(request.user)
    )
    office = request.GET.get("office", "")
    if not form.is_valid() and "office" in form.errors and office.isascii() and office.isdigit():
        # Another office's id is answered as if it did not exist.
        raise Http404("No such office.")
    return form


def _query(filters: MoneyFilters, **more: str) -> str:
    """The query string of the filters (and more), for links to other numbers."""
    params: dict[str, object] = {
        "year": EVERY_YEAR if filters.program_year is None else filters.program_year
    }
    if filters.office is not None:
        params["office"] = filters.office.pk
    params.update(
        status=filters.measure,
        program=filters.funding_program,
        type=filters.supportive_type,
        month=f"{filters.month:%Y-%m}" if filters.month else "",
    )
    params.update(more)
    return urlencode({k: v for k, v in params.items() if v != ""})


def _problems(form: forms.Form) -> list[str]:
    return [message for messages in form.errors.values() for message in messages]


@require_GET
@requires(MONEY)
def money(request: HttpRequest) -> HttpResponse:
    form = _form(request, MoneyFilterForm)
    context: dict[str, object] = {"form": form, "problems": _problems(form)}
    if not form.errors:
        filters = form.filters()
        awaiting_count, awaiting = awaiting_approval(
            request.user, office=filters.office, limit=AWAITING_SHOWN
        )
        context.update(
            filters=filters,
            year_label=program_year_label(filters.program_year or 0),
            money=money_summary(request.user, filters),
            awaiting=awaiting,
            awaiting_count=awaiting_count,
            query=_query(filters),
            awaiting_query=_query(filters, year=EVERY_YEAR, status="awaiting"),
        )
    return render(request, "supportive/money.html", context)


@require_GET
@requires(MONEY)
def money_list_view(request: HttpRequest) -> HttpResponse:
    form = _form(request, MoneyListForm)
    context: dict[str, object] = {"form": form, "problems": _problems(form)}
    if not form.errors:
        filters = form.filters()
        page = Paginator(money_list(request.user, filters), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        totals = money_list_totals(request.user, filters)
        report_year = filters.program_year or program_year_of(today_for(request.user))
        context.update(
            filters=filters,
            description=filters.describe(),
            page=page,
            totals=totals,
            total=totals.of(filters.measure),
            query=_query(filters),
            back=_query(MoneyFilters(program_year=report_year, office=filters.office)),
        )
    return render(request, "supportive/money_list.html", context)


@require_GET
@requires(MONEY)
def money_export(request: HttpRequest) -> HttpResponse:
    form = _form(request, MoneyListForm)
    if form.errors:
        return HttpResponse(
            f"No CSV: {' '.join(_problems(form))}",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    filters = form.filters()
    year = (
        "every-year" if filters.program_year is None else program_year_label(filters.program_year)
    )
    filename = "-".join(p for p in ("purchase-orders", year, filters.measure) if p)
    response = spreadsheet_response(f"{filename}.csv")
    write_money_csv(money_list(request.user, filters), response)
    return response


urlpatterns: list[URLPattern] = [
    path("supportive/money/", money, name="money"),
    path("supportive/money/purchase-orders/", money_list_view, name="money_list"),
    path("supportive/money/purchase-orders.csv", money_export, name="money_export"),
]
