"""What plans tells the apps below it, registered in `PlansConfig.ready()`.

services may not import plans (it sits lower in the stack), so where a services rule must
count a plans record, services offers a registry and plans fills it here.
"""

import datetime

from customers.models import Customer
from plans.models import Assessment
from services.rules import register_assessment_source


def assessment_recorded_by(customer: Customer, day: datetime.date) -> bool:
    """An assessment on the plan's assessments list, given on or before the day, is a
    completed assessment for the matrix prerequisite."""
    return Assessment.objects.filter(customer=customer, assessed_on__lte=day).exists()


def register() -> None:
    register_assessment_source(assessment_recorded_by)
