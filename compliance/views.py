import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from casemgmt.clock import today
from casemgmt.decorators import requires
from casemgmt.models import User
from casemgmt.once import REPLAYED_MESSAGE, TOKEN_FIELD, submit_once
from casenotes.models import NoteType
from casenotes.services import casenote_create
from compliance.csv_export import write_alerts_csv
from compliance.forms import AlertFilterForm, ContactLogForm
from compliance.selectors import (
    ON_TIME,
    PlannerFilters,
    TrendPoint,
    alert_drilldown,
    customers_on_time,
    office_roll_up,
    offices_supervised_by,
    overdue_trend,
    planner_alerts_page,
    planners_in_scope,
    supervisor_summary,
    today_for,
    tracker_dashboard,
)
from customers.selectors import customer_get_visible

PAGE_SIZE = 25
SUPERVISOR_PERMISSION = "customers.reassign_customer"
REENGAGEMENT_SUBJECT = "Re-engagement contact"


@require_GET
@requires("customers.view_customer")
def planner_dashboard_view(request: HttpRequest) -> HttpResponse:
    # The page's date is the user's office day; each customer's clock runs in its own office.
    on = today_for(request.user)
    dashboard = planner_alerts_page(
        request.user,
        number=request.GET.get("page"),
        filters=PlannerFilters.from_query(request.GET),
        per_page=PAGE_SIZE,
    )
    return render(
        request, "compliance/dashboard_planner.html", {"today": on, "dashboard": dashboard}
    )


# --- The trend chart, drawn on the server as SVG -----------------------------------


@dataclass(frozen=True)
class Bar:
    week_end: datetime.date
    value: int
    x: float
    y: float
    height: float
    label_x: float


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    top: int
    bottom: int
    bar_width: float
    bars: list[Bar]
    ticks: list[Tick]


def _nice_step(top: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000):
        if top / step <= 5:
            return step
    return max(1, -(-top // 5))


def trend_chart(points: list[TrendPoint]) -> Chart:
    """Bar geometry for the trend: a y axis of round numbers, one bar per week."""
    width, height, left, top, bottom = 640, 240, 44, 16, 200
    plot_width = width - left - 8
    step = _nice_step(max([p.overdue for p in points] or [0]) or 1)
    ceiling = step * max(1, -(-max([p.overdue for p in points] or [0]) // step))
    scale = (bottom - top) / ceiling
    slot = plot_width / max(len(points), 1)
    bar_width = round(slot * 0.62, 1)
    bars = []
    for i, point in enumerate(points):
        bar_height = round(point.overdue * scale, 1)
        x = round(left + i * slot + (slot - bar_width) / 2, 1)
        bars.append(
            Bar(
                week_end=point.week_end,
                value=point.overdue,
                x=x,
                y=round(bottom - bar_height, 1),
                height=bar_height,
                label_x=round(x + bar_width / 2, 1),
            )
        )
    ticks = [Tick(value=v, y=round(bottom - v * scale, 1)) for v in range(0, ceiling + 1, step)]
    return Chart(width, height, left, top, bottom, bar_width, bars, ticks)


@require_GET
@requires(SUPERVISOR_PERMISSION)
def supervisor_dashboard_view(request: HttpRequest) -> HttpResponse:
    """One office in full (its rules and each career planner's caseload); several (a
    region's director, an administrator) as one row per office, each opening in full
    (`?office=`), so that the page costs what one office shows."""
    offices = offices_supervised_by(request.user)
    chosen = request.GET.get("office", "")
    if chosen:
        if not (chosen.isascii() and chosen.isdigit() and len(chosen) <= 18):
            raise Http404("No such office.")
        offices = offices.filter(pk=int(chosen))
        if not offices.exists():  # another office's number is answered as if it did not exist
            raise Http404("No such office.")
    roll_up = not chosen and offices.count() > 1
    on = today_for(request.user)
    counted_on = trend_ended = None
    if roll_up:
        # Many offices: the counts the nightly run recorded, and the weeks it recorded.
        summaries, counted_on = office_roll_up(request.user, offices)
        trend_ended = on - datetime.timedelta(days=1)
        trend = overdue_trend(request.user, offices, on=trend_ended)
    else:
        summaries = supervisor_summary(request.user, offices)
        trend = overdue_trend(request.user, offices)
    context = {
        "today": on,
        "counted_on": counted_on,
        "trend_ended": trend_ended,
        "roll_up": roll_up,
        "chosen": bool(chosen),
        "summaries": summaries,
        "totals": {
            state: sum(getattr(s.total, state) for s in summaries)
            for state in ("overdue", "late", "due_soon", "active")
        },
        "trend": trend,
        "chart": trend_chart(trend),
    }
    return render(request, "compliance/dashboard_supervisor.html", context)


def _filter_form(request: HttpRequest, *, with_on_time: bool = True) -> AlertFilterForm:
    offices = offices_supervised_by(request.user)
    form = AlertFilterForm(
        request.GET,
        offices=offices,
        planners=planners_in_scope(request.user, offices),
        with_on_time=with_on_time,
    )
    if not form.is_valid():
        # An office or planner outside the user's scope is answered as if it did not exist.
        raise Http404("No such office, career planner, rule or state.")
    return form


def _describe(form: AlertFilterForm) -> str:
    """The filters in words, for the page's heading: "Overdue: 30-day contact, Office A"."""
    labels = {
        name: dict(form.fields[name].choices).get(form.cleaned_data.get(name) or "")
        for name in ("planner", "rule", "state")
    }
    state = labels["state"] if form.cleaned_data.get("state") else "Open alerts"
    parts = [
        labels["rule"] if form.cleaned_data.get("rule") else "",
        str(form.cleaned_data["office"]) if form.cleaned_data.get("office") else "",
        labels["planner"] if form.cleaned_data.get("planner") else "",
    ]
    where = ", ".join(p for p in parts if p)
    return f"{state}: {where}" if where else str(state)


@require_GET
@requires(SUPERVISOR_PERMISSION)
def alert_drilldown_view(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    filters = form.filters()
    offices = form.fields["office"].queryset
    if filters.state == ON_TIME:
        rows = customers_on_time(request.user, offices, filters)
    else:
        rows = alert_drilldown(request.user, offices, filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "description": _describe(form),
        "filters": filters,
        "on_time": filters.state == ON_TIME,
        "page": page,
        "query": query.urlencode(),
    }
    return render(request, "compliance/alert_list.html", context)


@require_GET
@requires(SUPERVISOR_PERMISSION)
def alert_export_view(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request, with_on_time=False)
    alerts = alert_drilldown(request.user, form.fields["office"].queryset, form.filters())
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"open-alerts-{today_for(request.user):%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    write_alerts_csv(alerts, response)
    return response


@require_GET
@requires("customers.view_customer", "casenotes.add_casenote")
def tracker_dashboard_view(request: HttpRequest) -> HttpResponse:
    dashboard = tracker_dashboard(request.user)
    context = {
        "today": today_for(request.user),
        "dashboard": dashboard,
        "page": dashboard.paginate(request.GET.get("page"), PAGE_SIZE),
        "form": ContactLogForm(),
    }
    return render(request, "compliance/dashboard_tracker.html", context)


def _back_to_tracker(user: User, customer_pk: int) -> str:
    """The tracker's lists at the customer's place: the page and list they are on."""
    url = reverse("compliance:tracker")
    place = tracker_dashboard(user).place_of(customer_pk, PAGE_SIZE)
    if place is None:  # off the lists now
        return url
    number, key = place
    return url + (f"?page={number}" if number > 1 else "") + f"#{key}-customer-{customer_pk}"


@require_POST
@requires("customers.view_customer", "casenotes.add_casenote")
def contact_log_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    form = ContactLogForm(request.POST, customer=customer)
    if not form.is_valid():
        problems = "; ".join(
            f"{form.fields[name].label}: {' '.join(errors)}"
            if name in form.fields
            else " ".join(errors)
            for name, errors in form.errors.items()
        )
        messages.error(request, f"Nothing was logged for {customer.full_name}. {problems}")
        return redirect(_back_to_tracker(request.user, customer.pk))
    data = form.cleaned_data
    two_way = data["two_way"] == "yes"
    try:
        done = submit_once(
            user=request.user,
            token=data[TOKEN_FIELD],
            record=lambda: casenote_create(
                customer=customer,
                author=request.user,
                contact_date=today(customer.office.time_zone),
                subject=REENGAGEMENT_SUBJECT,
                body=data["note"],
                contact_method=data["contact_method"],
                two_way=two_way,
                note_type=NoteType.FOLLOW_UP,
            ),
            location=lambda _note: _back_to_tracker(request.user, customer.pk),
        )
    except ValidationError as exc:
        messages.error(request, f"Nothing was logged for {customer.full_name}. {exc.messages[0]}")
        return redirect(_back_to_tracker(request.user, customer.pk))
    if done.replayed:
        messages.info(request, REPLAYED_MESSAGE)
        return redirect(done.location)
    kind = "a two-way contact" if two_way else "a contact attempt"
    messages.success(request, f"Logged {kind} with {customer.full_name} as a case note.")
    return redirect(done.location)
