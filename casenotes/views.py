from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from casemgmt.clock import today
from casemgmt.decorators import requires
from casemgmt.entry import entry_deadline_days
from casemgmt.forms import attach_errors
from casemgmt.once import REPLAYED_MESSAGE, TOKEN_FIELD, submit_once
from casenotes.forms import AddendumForm, CaseNoteForm, NoteSearchForm
from casenotes.guide import TEMPLATES, note_warnings, ssn_masked, ssn_shaped, template_for
from casenotes.models import CaseNote, NoteType
from casenotes.selectors import acronym_map, casenote_get, casenote_list_for
from casenotes.services import casenote_add_addendum, casenote_create, casenote_current
from customers.selectors import customer_get_visible


@require_http_methods(["GET", "POST"])
@requires("customers.view_customer", "casenotes.view_casenote")
def casenote_list(request: HttpRequest, pk: int) -> HttpResponse:
    """A customer's notes; a search is posted so its words never appear in a URL."""
    customer = customer_get_visible(request.user, pk)
    search = NoteSearchForm(request.POST if request.method == "POST" else None)
    q = search.cleaned_data["q"] if search.is_bound and search.is_valid() else ""
    if search.is_bound and search.errors:
        messages.error(
            request,
            f"Nothing was searched: {' '.join(search.errors['q'])} "
            "Search with plain words, 200 characters at most.",
        )
    notes = list(casenote_list_for(customer, q=q))
    context = {
        "customer": customer,
        "tab": "notes",
        "notes": notes,
        "q": q,
        "note_types": [(t, NoteType(t).label) for t in TEMPLATES if t != NoteType.ADDENDUM],
    }
    return render(request, "casenotes/casenote_list.html", context)


@require_http_methods(["GET", "POST"])
@requires("customers.view_customer", "casenotes.add_casenote")
def casenote_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    note_type = request.GET.get("type", NoteType.GENERAL)
    if note_type not in NoteType.values or note_type == NoteType.ADDENDUM:
        note_type = NoteType.GENERAL
    template = template_for(note_type)
    initial = {
        "note_type": note_type,
        "subject": template.subject,
        "body": template.body,
        "contact_date": today(customer.office.time_zone),
    }
    form = CaseNoteForm(
        request.POST or None,
        customer=customer,
        initial=initial,
        link_service=request.user.has_perm("services.view_servicerecord"),
    )
    ssn_found = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if request.POST.get("mask_ssn"):
            data["body"] = ssn_masked(data["body"])
        ssn_found = bool(ssn_shaped(data["body"]))
        try:
            done = submit_once(
                user=request.user,
                token=data[TOKEN_FIELD],
                record=lambda: casenote_create(
                    customer=customer,
                    author=request.user,
                    contact_date=data["contact_date"],
                    subject=data["subject"],
                    body=data["body"],
                    contact_method=data["contact_method"],
                    two_way=data["two_way"] == "yes",
                    note_type=data["note_type"],
                    service=data.get("service"),
                ),
                location=lambda note: _after_note(request, customer.pk, note.pk),
            )
        except ValidationError as exc:
            attach_errors(form, exc)
        else:
            if done.record is None:
                messages.info(request, REPLAYED_MESSAGE)
            else:
                _saved_message(request, done.record)
            return redirect(done.location)
    context = {
        "customer": customer,
        "tab": "notes",
        "form": form,
        "note_type": note_type,
        "ssn_found": ssn_found,
    }
    return render(request, "casenotes/casenote_form.html", context)


def _after_note(request: HttpRequest, customer_pk: int, note_pk: int) -> str:
    """The note in the customer's notes; a tracker, who does not read notes, returns to
    the contact card."""
    if request.user.has_perm("casenotes.view_casenote"):
        return _note_url(customer_pk, note_pk)
    return reverse("customers:detail", kwargs={"pk": customer_pk})


def _note_url(customer_pk: int, note_pk: int) -> str:
    return f"{reverse('casenotes:list', kwargs={'pk': customer_pk})}#note-{note_pk}"


def _saved_message(request: HttpRequest, note: CaseNote) -> None:
    message = "Case note saved."
    if note.entered_late:
        days = entry_deadline_days(note.customer.office)
        message += f" It is marked late: entered more than {days} days after the contact."
    if not note.two_way:
        message += " Recorded as an attempt: it does not reset the 30-day contact clock."
    messages.success(request, message)
    for warning in note_warnings(body=note.body, note_type=note.note_type, acronyms=acronym_map()):
        messages.warning(request, f"Case-note guide: {warning}")


@require_http_methods(["GET", "POST"])
@requires("customers.view_customer", "casenotes.view_casenote", "casenotes.add_casenote")
def casenote_addendum(request: HttpRequest, pk: int, note_pk: int) -> HttpResponse:
    customer = customer_get_visible(request.user, pk)
    original = casenote_get(customer=customer, pk=note_pk)
    current = casenote_current(original.addendum_to or original)
    form = AddendumForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = submit_once(
                user=request.user,
                token=data[TOKEN_FIELD],
                record=lambda: casenote_add_addendum(
                    original=original,
                    author=request.user,
                    body=data["body"],
                    contact_date=data.get("corrected_contact_date"),
                    two_way=form.two_way_correction(),
                ),
                location=lambda note: _note_url(customer.pk, note.pk),
            )
        except ValidationError as exc:
            attach_errors(form, exc, {"contact_date": "corrected_contact_date"})
        else:
            if done.record is None:
                messages.info(request, REPLAYED_MESSAGE)
            elif done.record.is_correction:
                messages.success(
                    request,
                    "Correction saved under the original note, which is unchanged. "
                    "The 30-day contact clock now uses the corrected contact.",
                )
            else:
                messages.success(request, "Addendum saved. The original note is unchanged.")
            return redirect(done.location)
    context = {
        "customer": customer,
        "tab": "notes",
        "form": form,
        "original": original,
        "current": current,
    }
    return render(request, "casenotes/casenote_addendum.html", context)


@require_POST
@requires("customers.view_customer", "casenotes.add_casenote")
def casenote_check(request: HttpRequest, pk: int) -> HttpResponse:
    """The case-note guide's warnings for a draft body (htmx); never blocks saving."""
    customer_get_visible(request.user, pk)
    warnings = note_warnings(
        body=request.POST.get("body") or request.POST.get("note_body", ""),
        note_type=request.POST.get("note_type", NoteType.GENERAL),
        acronyms=acronym_map(),
    )
    return render(request, "casenotes/partials/note_warnings.html", {"warnings": warnings})
