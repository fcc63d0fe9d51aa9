"""The customer's veteran referral on the customer page: its status and, for those who
work the case file, "Refer to the veteran representative". A template tag, so the
customers app shows it without importing veterans (README: Layout)."""

from django import template

from customers.models import Customer
from veterans.models import sbe_labels
from veterans.rules import significant_barriers
from veterans.selectors import offices_reading, offices_taking, referral_latest_for

register = template.Library()


@register.inclusion_tag("veterans/partials/customer_referral.html", takes_context=True)
def veteran_referral(context: template.Context, customer: Customer) -> dict[str, object]:
    """For a customer fetched through `customer_get_visible`: nothing for someone who
    does not read the case file, nor for a customer with no priority of service and no
    referral."""
    user = context["request"].user
    shown = user.has_perm("customers.view_case_file")
    referral = referral_latest_for(customer) if shown else None
    if not shown or (referral is None and not customer.has_priority_of_service):
        return {"shown": False}
    opens = referral is not None and (
        offices_taking(user).filter(pk=referral.office_id).exists()
        or offices_reading(user).filter(pk=referral.office_id).exists()
    )
    return {
        "shown": True,
        "customer": customer,
        "referral": referral,
        "reasons": sbe_labels(significant_barriers(customer)),
        "may_refer": user.has_perm("customers.change_customer")
        and customer.has_priority_of_service
        and (referral is None or not referral.is_open),
        "opens": opens,
    }
