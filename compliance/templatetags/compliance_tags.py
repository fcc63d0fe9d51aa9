from django import template

from compliance.models import Alert
from compliance.selectors import alert_list_for_customer
from customers.models import Customer

register = template.Library()


@register.simple_tag
def open_alerts(customer: Customer) -> list[Alert]:
    """The customer's open alerts, most urgent first, for the header of every customer page.

    The customer was fetched through `customer_get_visible` by the page's view.
    """
    return list(alert_list_for_customer(customer))
