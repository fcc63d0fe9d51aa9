"""Money as the office writes it ($1,234.56), and the customer's caps for this program
year as a section any customer page may show (`{% supportive_caps customer %}`), so the
customers app shows it without importing supportive."""

from decimal import Decimal

from django import template

from casemgmt.clock import today
from customers.models import Customer
from supportive.rules import program_year_of
from supportive.selectors import caps_summary

register = template.Library()


@register.filter
def money(value: Decimal | int | None) -> str:
    """$1,234.56 (and -$12.50); nothing for no value."""
    if value is None or value == "":
        return ""
    amount = Decimal(value)
    return f"-${-amount:,.2f}" if amount < 0 else f"${amount:,.2f}"


@register.inclusion_tag("supportive/partials/caps.html", takes_context=True)
def supportive_caps(context: template.Context, customer: Customer) -> dict[str, object]:
    """The caps against what was issued or paid this program year (two queries), for a
    customer the page fetched through `customer_get_visible`; nothing for a user who may
    not see purchase orders."""
    user = context["request"].user
    shown = user.has_perm("supportive.view_purchaseorder")
    caps = (
        caps_summary(customer, program_year_of(today(customer.office.time_zone))) if shown else None
    )
    return {"customer": customer, "caps": caps, "perms": context.get("perms")}
