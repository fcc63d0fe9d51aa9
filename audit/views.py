"""The audit trail: the update log across customers, filtered, with PII masked.

Filters are posted, so the page's address never carries them; the CSV export is the
same form sent to another address, so it always carries the filters on the screen.
"""

import zoneinfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_POST

from audit.csv_export import audit_csv_lines
from audit.forms import AuditFilterForm
from audit.selectors import (
    EXPORT_MAX_ROWS,
    AuditFilters,
    audit_export_rows,
    audit_export_too_large,
    audit_page,
    audit_time_zone,
)
from casemgmt import clock
from casemgmt.decorators import requires
from casemgmt.spreadsheet import spreadsheet_response

PERMISSION = "audit.view_audit"


def _form(request: HttpRequest) -> tuple[AuditFilterForm, zoneinfo.ZoneInfo]:
    zone = audit_time_zone(request.user)
    data = request.POST if request.method == "POST" else None
    return AuditFilterForm(data, user=request.user, zone=zone), zone


def _page(
    request: HttpRequest,
    form: AuditFilterForm,
    zone: zoneinfo.ZoneInfo,
    *,
    export_refused: bool = False,
) -> HttpResponse:
    page = None
    # Filters that do not read show no events, rather than more than were asked for.
    if not form.is_bound:
        page = audit_page(request.user, AuditFilters(), zone=zone)
    elif form.is_valid():
        number = form.page_number()
        page = audit_page(request.user, form.filters(), zone=zone, number=number)
    context = {
        "form": form,
        "page": page,
        "zone": zone,
        "export_refused": export_refused,
        "export_max_rows": f"{EXPORT_MAX_ROWS:,}",
    }
    return render(request, "audit/event_list.html", context)


@require_http_methods(["GET", "POST"])
@requires(PERMISSION)
def event_list(request: HttpRequest) -> HttpResponse:
    form, zone = _form(request)
    return _page(request, form, zone)


@require_POST
@requires(PERMISSION)
def event_export(request: HttpRequest) -> HttpResponse:
    form, zone = _form(request)
    if not form.is_valid():
        return _page(request, form, zone)
    filters = form.filters()
    if audit_export_too_large(request.user, filters, zone=zone):
        return _page(request, form, zone, export_refused=True)
    rows = audit_export_rows(request.user, filters, zone=zone)
    filename = f"audit-trail-{clock.today(zone.key):%Y-%m-%d}.csv"
    return spreadsheet_response(filename, audit_csv_lines(rows, zone=zone))
