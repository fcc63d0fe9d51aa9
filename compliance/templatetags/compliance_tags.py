from django import template

from casemgmt.models import Policy
from compliance.models import Alert, Rule
from compliance.rules.soft_exit import soft_exit_stage
from compliance.selectors import alert_list_for_customer
from customers.models import Customer

register = template.Library()


@register.simple_tag
def open_alerts(customer: Customer) -> list[Alert]:
    """The customer's open alerts, most urgent first, for the header of every customer page.

    The customer was fetched through `customer_get_visible` by the page's view. Alerts of
    one rule in one state (a late entry per record, a follow-up per quarter) make one
    badge: the most urgent, with `same_count` saying how many it stands for. A soft-exit
    alert carries its `stage` ("day 75: call, exits on 07/12/2026"), which the badge shows
    instead of a state: nothing is overdue before the exit.
    """
    badges: dict[tuple[str, str], Alert] = {}
    for alert in alert_list_for_customer(customer):
        first = badges.setdefault((alert.rule, alert.state), alert)
        first.same_count = getattr(first, "same_count", 0) + 1  # type: ignore[attr-defined]
        if alert.rule == Rule.SOFT_EXIT:
            policy = Policy.for_office(customer.office)
            alert.stage = soft_exit_stage(alert, policy)  # type: ignore[attr-defined]
    return list(badges.values())
