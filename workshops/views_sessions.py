"""Sessions and bookings: the session list, scheduling (a weekly series in one step),
cancelling, the roster with booking, cancelling and moving a booking, a customer's
"schedule into a session" page, the facilitator's page, and the supervisor's attendance
and no-show rates with their drill-downs and CSV.

A facilitator sees only the sessions they run, and of the customers only names and
customer numbers (SPEC 1): the roster pages show nothing else to anyone, and every
booking form needs a planner's permissions.
"""

import datetime
import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from casemgmt.access import offices_visible_to
from casemgmt.clock import today, today_for_office
from casemgmt.conflicts import EditConflict, rebind_at_current_version
from casemgmt.decorators import requires
from casemgmt.forms import attach_errors
from casemgmt.once import REPLAYED_MESSAGE, Submission, submit_once
from customers.models import Customer
from customers.selectors import customer_get_visible, customer_list_visible, customer_search_q
from customers.views import recorded
from workshops.forms_sessions import (
    BookCustomerForm,
    BookingCancelForm,
    BookingMoveForm,
    BookSessionForm,
    RatesFilterForm,
    SessionCancelForm,
    SessionFilterForm,
    SessionForm,
)
from workshops.models import Booking, BookingStatus, Session, SessionStatus
from workshops.reports import (
    MEASURES,
    RateRow,
    RatesFilters,
    attendance_rates,
    facilitator_summary,
    rates_bookings,
    rates_sessions,
    write_rates_csv,
)
from workshops.selectors import (
    roster,
    sees_case_files,
    session_get_visible,
    sessions_visible,
    with_seats,
)
from workshops.services import (
    Booked,
    booking_cancel,
    booking_create,
    booking_move,
    session_cancel,
    session_create,
)

VIEW = "workshops.view_session"
SCHEDULE = ("workshops.view_session", "workshops.add_session")
CHANGE_SESSION = ("workshops.view_session", "workshops.change_session")
BOOK = ("workshops.view_session", "workshops.add_booking", "customers.view_customer")
CHANGE_BOOKING = ("workshops.view_session", "workshops.change_booking", "customers.view_customer")
RATES = "workshops.view_attendance_rates"
PAGE_SIZE = 25
LIST_DAYS_BACK = 14
CUSTOMER_DAYS_AHEAD = 90
SEARCH_RESULTS = 20
CUSTOMER_NUMBER = re.compile(r"[Cc]\d+")


def _detail_url(session: Session, anchor: str = "") -> str:
    url = reverse("workshops:session_detail", kwargs={"session_pk": session.pk})
    return f"{url}#{anchor}" if anchor else url


def _bookable(user: object, office_id: int, day: datetime.date) -> QuerySet[Session]:
    """Scheduled sessions of the office from `day` on that the user may see, with seats."""
    return with_seats(
        sessions_visible(user).filter(  # type: ignore[arg-type]
            office_id=office_id, status=SessionStatus.SCHEDULED, on__gte=day
        )
    ).select_related("workshop")


def _booking(session: Session, booking_pk: int) -> Booking:
    """A booking of a session already fetched through session_get_visible."""
    return get_object_or_404(
        Booking.objects.filter(session=session).select_related("customer"), pk=booking_pk
    )


def _booked_messages(request: HttpRequest, submission: Submission[Booked]) -> None:
    """Tell the planner where the customer landed: a seat or the waiting list, and any
    overlap with the customer's other bookings that day."""
    if submission.replayed:
        messages.info(request, REPLAYED_MESSAGE)
        return
    booked = submission.record
    booking = booked.booking
    customer = booking.customer
    who = f"{customer.full_name} ({customer.customer_number})"
    if booking.status == BookingStatus.WAITING:
        place = (
            Booking.objects.filter(session=booking.session_id, status=BookingStatus.WAITING)
            .filter(
                Q(booked_at__lt=booking.booked_at)
                | Q(booked_at=booking.booked_at, pk__lte=booking.pk)
            )
            .count()
        )
        messages.warning(
            request,
            f"The session is full: {who} is number {place} on the waiting list, and takes "
            "a seat when a booked customer cancels.",
        )
    else:
        messages.success(request, f"Booked {who} into {booking.session}.")
    if booked.warning:
        messages.warning(request, booked.warning)


# --- The session list and scheduling ------------------------------------------------


@require_GET
@requires(VIEW)
def session_list(request: HttpRequest) -> HttpResponse:
    """Sessions from two weeks back on, by date, with their seats: one query a page."""
    offices = offices_visible_to(request.user)
    form = SessionFilterForm(
        request.GET or None,
        offices=offices,
        initial={"start": today() - datetime.timedelta(days=LIST_DAYS_BACK)},
    )
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if form.is_bound and (form.errors.get("office") or form.errors.get("workshop")):
        raise Http404("No such office or workshop.")
    office = data.get("office")
    start = data.get("start") or today(office.time_zone if office else None) - datetime.timedelta(
        days=LIST_DAYS_BACK
    )
    sessions = sessions_visible(request.user).filter(on__gte=start)
    if office is not None:
        sessions = sessions.filter(office=office)
    if data.get("workshop") is not None:
        sessions = sessions.filter(workshop=data["workshop"])
    sessions = with_seats(sessions).select_related("workshop", "office", "facilitator")
    page = Paginator(sessions.order_by("on", "starts_at", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "start": start, "query": query.urlencode()}
    return render(request, "workshops/session_list.html", context)


@require_http_methods(["GET", "POST"])
@requires(*SCHEDULE)
def session_create_view(request: HttpRequest) -> HttpResponse:
    form = SessionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            submission = submit_once(
                user=request.user,
                token=form.cleaned_data["submission_token"],
                record=lambda: session_create(created_by=request.user, **form.values()),
                location=lambda sessions: _detail_url(sessions[0]),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            sessions = submission.record or []
            if len(sessions) > 1:
                message = (
                    f"Scheduled {len(sessions)} weekly sessions of {sessions[0].workshop}, "
                    f"{sessions[0].on:%m/%d/%Y} to {sessions[-1].on:%m/%d/%Y}."
                )
            else:
                message = "Session scheduled."
            return recorded(request, submission, message)
    return render(request, "workshops/session_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@requires(*CHANGE_SESSION)
def session_cancel_view(request: HttpRequest, session_pk: int) -> HttpResponse:
    session = session_get_visible(request.user, session_pk)
    form = SessionCancelForm(request.POST or None, session=session)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            session_cancel(
                session=session,
                reason=form.cleaned_data["reason"],
                user=request.user,
                expected_version=form.cleaned_data["lock_version"],
            )
        except EditConflict as exc:
            conflict = exc
            rebind_at_current_version(form, exc)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(request, "Session cancelled; its bookings are cancelled with it.")
            return redirect(_detail_url(session))
    context = {"session": session, "form": form, "conflict": conflict}
    return render(
        request, "workshops/session_cancel.html", context, status=409 if conflict else 200
    )


# --- A session's roster and its bookings --------------------------------------------


@require_GET
@requires(VIEW)
def session_detail(request: HttpRequest, session_pk: int) -> HttpResponse:
    session = session_get_visible(request.user, session_pk)
    bookings = roster(session)
    day = today_for_office(session.office)
    open_for_booking = (
        session.status == SessionStatus.SCHEDULED and not session.is_submitted and session.on >= day
    )
    context = {
        "session": session,
        "seated": [b for b in bookings if b.status == BookingStatus.BOOKED],
        "waiting": sorted(
            (b for b in bookings if b.status == BookingStatus.WAITING),
            key=lambda b: (b.booked_at, b.pk),
        ),
        "case_files": sees_case_files(request.user),
        "open_for_booking": open_for_booking,
        "book_form": BookCustomerForm()
        if open_for_booking and request.user.has_perms(BOOK)
        else None,
        "today": day,
    }
    return render(request, "workshops/session_detail.html", context)


@require_http_methods(["GET", "POST"])
@requires(*BOOK)
def booking_create_view(request: HttpRequest, session_pk: int) -> HttpResponse:
    """Book by customer number; other text searches the customers of the session's office
    the user may see, and each match is booked with one click (the search is posted, so
    it never lands in a URL)."""
    session = session_get_visible(request.user, session_pk)
    form = BookCustomerForm(request.POST or None)
    matches: list[tuple[Customer, BookCustomerForm]] | None = None
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["customer"].strip()
        found = customer_list_visible(request.user).filter(
            customer_search_q(text, case_file=request.user.has_perm("customers.view_case_file")),
            office=session.office_id,
        )
        if CUSTOMER_NUMBER.fullmatch(text):
            customer = found.first()
            if customer is None:
                form.add_error(
                    "customer",
                    f"No customer of {session.office} has the customer number {text.upper()}.",
                )
            else:
                try:
                    submission = submit_once(
                        user=request.user,
                        token=form.cleaned_data["submission_token"],
                        record=lambda: booking_create(
                            session=session, customer=customer, booked_by=request.user
                        ),
                        location=lambda booked: _detail_url(
                            session, f"booking-{booked.booking.pk}"
                        ),
                    )
                except ValidationError as exc:
                    attach_errors(form, exc)
                else:
                    _booked_messages(request, submission)
                    return redirect(submission.location)
        else:
            matches = [
                (c, BookCustomerForm(initial={"customer": c.customer_number}, auto_id=False))
                for c in found.order_by("last_name", "first_name", "pk")[:SEARCH_RESULTS]
            ]
            if not matches:
                form.add_error(
                    "customer",
                    f"No customer of {session.office} you may see matches {text!r}. "
                    "Try the customer number, or a last name.",
                )
    context = {"session": session, "form": form, "matches": matches, "limit": SEARCH_RESULTS}
    return render(request, "workshops/session_book.html", context)


@require_http_methods(["GET", "POST"])
@requires(*CHANGE_BOOKING)
def booking_cancel_view(request: HttpRequest, session_pk: int, booking_pk: int) -> HttpResponse:
    session = session_get_visible(request.user, session_pk)
    booking = _booking(session, booking_pk)
    form = BookingCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        was_seated = booking.status == BookingStatus.BOOKED
        try:
            booking_cancel(booking=booking, reason=form.cleaned_data["reason"], user=request.user)
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            promoted = ""
            if was_seated:
                promoted = " The first on the waiting list, if any, now has the seat."
            messages.success(
                request, f"The booking of {booking.customer.full_name} is cancelled.{promoted}"
            )
            return redirect(_detail_url(session))
    context = {"session": session, "booking": booking, "form": form, "action": "cancel"}
    return render(request, "workshops/session_booking_action.html", context)


@require_http_methods(["GET", "POST"])
@requires(*CHANGE_BOOKING, "workshops.add_booking")
def booking_move_view(request: HttpRequest, session_pk: int, booking_pk: int) -> HttpResponse:
    session = session_get_visible(request.user, session_pk)
    booking = _booking(session, booking_pk)
    sessions = (
        _bookable(request.user, session.office_id, today_for_office(session.office))
        .exclude(pk=session.pk)
        .order_by("on", "starts_at", "pk")
    )
    form = BookingMoveForm(request.POST or None, sessions=sessions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            submission = submit_once(
                user=request.user,
                token=data["submission_token"],
                record=lambda: booking_move(
                    booking=booking, to=data["to"], reason=data["reason"], user=request.user
                ),
                location=lambda booked: _detail_url(
                    booked.booking.session, f"booking-{booked.booking.pk}"
                ),
            )
        except ValidationError as exc:
            attach_errors(form, exc, {"session": "to"})
        else:
            _booked_messages(request, submission)
            return redirect(submission.location)
    context = {"session": session, "booking": booking, "form": form, "action": "move"}
    return render(request, "workshops/session_booking_action.html", context)


@require_http_methods(["GET", "POST"])
@requires(*BOOK)
def customer_sessions(request: HttpRequest, pk: int) -> HttpResponse:
    """Schedule a customer into a session: the coming sessions of the customer's office
    open to the customer's programs, with seats left and the waiting list, one click each."""
    customer = customer_get_visible(request.user, pk)
    day = today_for_office(customer.office)
    sessions = (
        _bookable(request.user, customer.office_id, day)
        .filter(on__lte=day + datetime.timedelta(days=CUSTOMER_DAYS_AHEAD))
        .filter(Q(workshop__programs=[]) | Q(workshop__programs__overlap=customer.programs))
        .annotate(
            mine=Subquery(
                Booking.objects.filter(session=OuterRef("pk"), customer=customer)
                .exclude(status=BookingStatus.CANCELLED)
                .values("status")[:1]
            )
        )
        .select_related("facilitator")
        .order_by("on", "starts_at", "pk")
    )
    form = BookSessionForm(request.POST or None, sessions=sessions)
    here = reverse("workshops:customer_sessions", kwargs={"pk": customer.pk})
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["session"]
        try:
            submission = submit_once(
                user=request.user,
                token=form.cleaned_data["submission_token"],
                record=lambda: booking_create(
                    session=chosen, customer=customer, booked_by=request.user
                ),
                location=lambda _booked: f"{here}#session-{chosen.pk}",
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            _booked_messages(request, submission)
            return redirect(submission.location)
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        (
            s,
            max(s.capacity - s.booked, 0),
            None
            if s.mine
            else BookSessionForm(sessions=sessions, initial={"session": s.pk}, auto_id=False),
        )
        for s in page
    ]
    context = {
        "customer": customer,
        "form": form,
        "page": page,
        "rows": rows,
        "days_ahead": CUSTOMER_DAYS_AHEAD,
        "tab": "sessions",
    }
    return render(request, "workshops/session_customer_list.html", context)


# --- The facilitator's page ---------------------------------------------------------


@require_GET
@requires(VIEW, "workshops.enter_attendance")
def facilitator_home(request: HttpRequest) -> HttpResponse:
    """Today's sessions, the recent ones with their sheets, and the coming ones."""
    context = {"summary": facilitator_summary(request.user)}
    return render(request, "workshops/facilitator_home.html", context)


# --- Attendance and no-show rates ---------------------------------------------------


def _rates_form(request: HttpRequest) -> RatesFilterForm:
    offices = offices_visible_to(request.user)
    first = offices.order_by("pk").first()
    form = RatesFilterForm(
        request.GET,
        offices=offices,
        sessions=sessions_visible(request.user),
        measures=list(MEASURES),
        on=today(first.time_zone if first else None),
    )
    if not form.is_valid() and (form.errors.keys() & {"office", "workshop", "session", "measure"}):
        # An office or session outside the user's scope is answered as if it did not exist.
        raise Http404("No such office, workshop, session or number.")
    return form


def _filters(form: RatesFilterForm) -> RatesFilters | None:
    if form.errors:
        return None
    data = form.cleaned_data
    return RatesFilters(
        start=data["start"],
        end=data["end"],
        office=data.get("office"),
        workshop=data.get("workshop"),
    )


def _query(filters: RatesFilters, **more: object) -> str:
    params: dict[str, object] = {"start": filters.start, "end": filters.end}
    if filters.office is not None:
        params["office"] = filters.office.pk
    if filters.workshop is not None:
        params["workshop"] = filters.workshop.pk
    params.update({k: v for k, v in more.items() if v is not None})
    return urlencode(params)


@require_GET
@requires(RATES)
def rates(request: HttpRequest) -> HttpResponse:
    form = _rates_form(request)
    filters = _filters(form)
    context: dict[str, object] = {"form": form, "filters": filters}
    if filters is not None:
        result = attendance_rates(request.user, filters)
        context.update(
            rates=result,
            query=_query(filters),
            by_workshop=[(row, _query(filters, workshop=row.key)) for row in result.by_workshop],
            by_office=[(row, _query(filters, office=row.key)) for row in result.by_office],
        )
    return render(request, "workshops/rates.html", context)


@require_GET
@requires(RATES)
def rates_sessions_view(request: HttpRequest) -> HttpResponse:
    form = _rates_form(request)
    filters = _filters(form)
    context: dict[str, object] = {"form": form, "filters": filters}
    if filters is not None:
        page = Paginator(rates_sessions(request.user, filters), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context.update(
            page=page,
            rows=[
                (s, RateRow.of(s.pk, s.workshop.title, s), _query(filters, session=s.pk))
                for s in page
            ],
            query=_query(filters),
        )
    return render(request, "workshops/rates_sessions.html", context)


@require_GET
@requires(RATES)
def rates_bookings_view(request: HttpRequest) -> HttpResponse:
    form = _rates_form(request)
    filters = _filters(form)
    data = form.cleaned_data if filters else {}
    measure = data.get("measure") or "booked"
    session = data.get("session")
    context: dict[str, object] = {
        "form": form,
        "filters": filters,
        "session": session,
        "measure": MEASURES[measure][0],
        "case_files": sees_case_files(request.user),
    }
    if filters is not None:
        page = Paginator(
            rates_bookings(request.user, filters, session=session, measure=measure), PAGE_SIZE
        ).get_page(request.GET.get("page"))
        context.update(
            page=page,
            query=_query(filters, session=session.pk if session else None, measure=measure),
            back=_query(filters),
        )
    return render(request, "workshops/rates_bookings.html", context)


@require_GET
@requires(RATES)
def rates_export(request: HttpRequest) -> HttpResponse:
    form = _rates_form(request)
    filters = _filters(form)
    if filters is None:
        problems = "; ".join(" ".join(errors) for errors in form.errors.values())
        return HttpResponse(
            f"No CSV: {problems}", status=400, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"attendance-rates-{filters.start:%Y-%m-%d}-to-{filters.end:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    write_rates_csv(attendance_rates(request.user, filters), response)
    return response


urlpatterns: list[URLPattern] = [
    path("sessions/", session_list, name="sessions"),
    path("sessions/new/", session_create_view, name="session_create"),
    path("sessions/mine/", facilitator_home, name="facilitator"),
    path("sessions/<int:session_pk>/", session_detail, name="session_detail"),
    path("sessions/<int:session_pk>/cancel/", session_cancel_view, name="session_cancel"),
    path("sessions/<int:session_pk>/book/", booking_create_view, name="booking_create"),
    path(
        "sessions/<int:session_pk>/bookings/<int:booking_pk>/cancel/",
        booking_cancel_view,
        name="booking_cancel",
    ),
    path(
        "sessions/<int:session_pk>/bookings/<int:booking_pk>/move/",
        booking_move_view,
        name="booking_move",
    ),
    path("customers/<int:pk>/sessions/book/", customer_sessions, name="customer_sessions"),
    path("sessions/rates/", rates, name="rates"),
    path("sessions/rates/sessions/", rates_sessions_view, name="rates_sessions"),
    path("sessions/rates/bookings/", rates_bookings_view, name="rates_bookings"),
    path("sessions/rates.csv", rates_export, name="rates_export"),
]
