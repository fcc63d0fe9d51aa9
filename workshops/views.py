"""The attendance sheet: the facilitator marks the whole room in one submission, adds
walk-ins found by name or customer number, and amends a mark afterwards with a reason."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from casemgmt.clock import today
from casemgmt.conflicts import EditConflict, rebind_at_current_version
from casemgmt.decorators import requires
from casemgmt.forms import attach_errors
from casemgmt.once import REPLAYED_MESSAGE, submit_once, submitted_location
from customers.models import Customer
from customers.selectors import customer_list_visible, customer_search_q
from workshops.forms import AmendForm, SheetForm, sheet_marks, sheet_walk_ins
from workshops.models import Attendance, Booking, BookingStatus, Session
from workshops.selectors import roster, session_get_visible
from workshops.services import SheetRefused, attendance_amend, attendance_submit

WALK_IN_RESULTS = 20


def _sheet_url(session: Session) -> str:
    return reverse("workshops:attendance", kwargs={"session_pk": session.pk})


def _walk_in_candidates(request: HttpRequest, session: Session) -> QuerySet[Customer]:
    """Customers of the session's office the user may see: only names and numbers are read."""
    return (
        customer_list_visible(request.user)
        .filter(office=session.office)
        .only("pk", "first_name", "last_name", "customer_number", "programs", "office_id")
    )


@require_http_methods(["GET", "POST"])
@requires("workshops.view_session", "workshops.enter_attendance")
def attendance_sheet(request: HttpRequest, session_pk: int) -> HttpResponse:
    session = session_get_visible(request.user, session_pk)
    bookings = roster(session)
    seated = [b for b in bookings if b.status == BookingStatus.BOOKED]
    waiting = [b for b in bookings if b.status == BookingStatus.WAITING]
    if session.is_submitted:
        if request.method == "POST":
            form = SheetForm(request.POST)
            replayed = (
                form.is_valid()
                and form.cleaned_data["submission_token"]
                and (
                    submitted_location(
                        user=request.user, token=form.cleaned_data["submission_token"]
                    )
                )
            )
            if replayed:
                messages.info(request, REPLAYED_MESSAGE)
            else:
                messages.error(
                    request,
                    "The attendance of this session was entered already; nothing new was "
                    "recorded. To correct a mark, amend it.",
                )
            return redirect(_sheet_url(session))
        return render(
            request,
            "workshops/attendance_sheet.html",
            {"session": session, "rows": seated, "submitted": True},
        )
    form = SheetForm(request.POST or None)
    data = request.POST
    seated_ids = {b.customer_id for b in seated}
    walk_in_ids = [i for i in sheet_walk_ins(data) if i not in seated_ids]
    candidates = _walk_in_candidates(request, session)
    walk_ins = {c.pk: c for c in candidates.filter(pk__in=walk_in_ids)}
    walk_in_ids = [i for i in walk_in_ids if i in walk_ins]  # unknown ids drop silently
    found: list[Customer] = []
    row_errors: dict[int, list[str]] = {}
    shown: dict[int, str] | None = None  # the marks as submitted, to show after a refusal
    if request.method == "POST" and form.is_valid():
        action = form.cleaned_data["action"] or "submit"
        added, removed = form.cleaned_data["add"], form.cleaned_data["remove"]
        if added:
            customer = candidates.filter(pk=added).first()
            if customer is None:
                messages.error(request, "That customer is not one of this office's customers.")
            elif customer.pk not in seated_ids and customer.pk not in walk_ins:
                walk_ins[customer.pk] = customer
                walk_in_ids.append(customer.pk)
        elif removed:
            if removed in walk_ins:
                walk_in_ids.remove(removed)
                del walk_ins[removed]
        elif action == "find":
            text = form.cleaned_data["find"]
            if text:
                found = list(
                    candidates.filter(customer_search_q(text, case_file=False))
                    .exclude(pk__in=[*seated_ids, *walk_in_ids])
                    .order_by("last_name", "first_name", "pk")[:WALK_IN_RESULTS]
                )
                if not found:
                    messages.info(request, "Nobody of this office matches that name or number.")
            else:
                messages.info(
                    request,
                    "Nothing was saved yet: type a name or customer number to find a walk-in, "
                    "or use a save button to save the sheet.",
                )
        elif action in ("submit", "submit_all"):
            customer_ids = [b.customer_id for b in seated] + walk_in_ids
            marks, bad = sheet_marks(data, customer_ids)
            if action == "submit_all":
                marks = {i: marks.get(i, Attendance.ATTENDED) for i in customer_ids if i not in bad}
            if bad:
                row_errors = {i: ["Mark attended, no-show or excused."] for i in bad}
                messages.error(
                    request,
                    "Nothing was saved: a mark on the sheet is not one of attended, no-show or excused.",
                )
            else:
                try:
                    done = submit_once(
                        user=request.user,
                        token=form.token,
                        record=lambda: attendance_submit(
                            session=session,
                            user=request.user,
                            marks=marks,
                            walk_ins=[walk_ins[i] for i in walk_in_ids],
                        ),
                        location=lambda _result: _sheet_url(session),
                    )
                except SheetRefused as exc:
                    # The sheet's own alert names the rows; every mark comes back as sent.
                    row_errors = exc.rows
                    shown = marks
                    for message in exc.general:
                        messages.error(request, message)
                except ValidationError as exc:
                    for message in exc.messages:
                        messages.error(request, message)
                else:
                    if done.replayed:
                        messages.info(request, REPLAYED_MESSAGE)
                    else:
                        result = done.record
                        late = (
                            " They are marked late: the sheet came in after the entry deadline."
                            if result.late
                            else ""
                        )
                        messages.success(
                            request,
                            f"Attendance saved: {result.attended} attended, {result.no_shows} "
                            f"no-show{'s' if result.no_shows != 1 else ''}, {result.excused} excused. "
                            "Each attendee's file has the workshop's service and case note."
                            f"{late}",
                        )
                    return redirect(done.location)
    elif request.method == "POST":
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    if shown is None:
        shown, _bad = sheet_marks(data, [b.customer_id for b in seated] + walk_in_ids)
    marks = shown
    rows = [
        {
            "customer": b.customer,
            "walk_in": False,
            "mark": marks.get(b.customer_id, ""),
            "errors": row_errors.get(b.customer_id, []),
        }
        for b in seated
    ] + [
        {
            "customer": walk_ins[i],
            "walk_in": True,
            "mark": marks.get(i, ""),
            "errors": row_errors.get(i, []),
        }
        for i in walk_in_ids
    ]
    return render(
        request,
        "workshops/attendance_sheet.html",
        {
            "session": session,
            "rows": rows,
            "waiting": waiting,
            "found": found,
            "find": form.cleaned_data.get("find", "") if form.is_bound and form.is_valid() else "",
            "token": form.token if form.is_bound and form.is_valid() else SheetForm().token,
            "choices": Attendance.choices,
            "not_yet": session.on > today(session.office.time_zone),
            "failing": len(row_errors),
            "walk_in_ids": walk_in_ids,
        },
    )


@require_http_methods(["GET", "POST"])
@requires("workshops.view_session", "workshops.amend_attendance")
def attendance_amend_view(request: HttpRequest, session_pk: int, booking_pk: int) -> HttpResponse:
    session = session_get_visible(request.user, session_pk)
    booking = get_object_or_404(
        Booking.objects.select_related("customer__office", "service"),
        session=session,
        pk=booking_pk,
        attendance__in=Attendance.values,
    )
    form = AmendForm(
        request.POST or None,
        initial={"lock_version": booking.lock_version},
    )
    conflict = None
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            attendance_amend(
                booking=booking,
                attendance=data["attendance"],
                reason=data["reason"],
                user=request.user,
                expected_version=data["lock_version"],
            )
        except EditConflict as exc:
            conflict = exc
            rebind_at_current_version(form, exc)
            status = 409
        except PermissionDenied as exc:
            form.add_error(None, str(exc) or "You may not amend this attendance.")
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            messages.success(
                request,
                f"Attendance of {booking.customer.full_name} amended to "
                f"{Attendance(data['attendance']).label}.",
            )
            return redirect(_sheet_url(session))
    return render(
        request,
        "workshops/attendance_amend.html",
        {
            "session": session,
            "booking": booking,
            "customer": booking.customer,
            "form": form,
            "conflict": conflict,
        },
        status=status,
    )


urlpatterns = [
    path("sessions/<int:session_pk>/attendance/", attendance_sheet, name="attendance"),
    path(
        "sessions/<int:session_pk>/attendance/<int:booking_pk>/amend/",
        attendance_amend_view,
        name="attendance_amend",
    ),
]
