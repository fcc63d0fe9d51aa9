"""The rules of veteran referrals, each in one function.

Who is referred. Veterans and eligible spouses have priority of service (Jobs for
Veterans Act, 38 U.S.C. 4215). Those of them with a significant barrier to employment
(SBE) are the population the Jobs for Veterans State Grants' veteran staff (the
Disabled Veterans' Outreach Program specialist, our "veteran representative") serve
with individualized career services (VPL 03-14 and its changes 1 and 2, VPL 04-14,
restated by VPL 03-19). The SBEs, and the barrier of the customers app's list
(`customers.migrations.0002_reference_data`) that stands for each:

    SBE (VPL)                                         barrier kept on the customer
    special disabled or disabled veteran              Disability
      (38 U.S.C. 4211(1), (3))
    homeless (McKinney-Vento Act, 42 U.S.C. 11302)    Homeless
    recently separated service member unemployed      Long-term unemployed (27 weeks or more)
      27 or more consecutive weeks in the last 12
      months (38 U.S.C. 4211(6))
    offender released from incarceration in the       Justice-involved (ex-offender)
      last 12 months (WIOA 3(38))
    lacking a high school diploma or equivalent       Lacks a high school diploma or equivalent
    low-income (WIOA 3(36))                           Low income
    veteran aged 18 to 24 (VPL 04-14)                 the date of birth: 18 on the 18th
                                                      birthday, no longer on the 25th

The customers app's barriers are broader than three of the SBEs (any disability, any
long-term unemployment, any justice involvement): the referral goes to the veteran
representative, who confirms the SBE with the customer and closes the referral with the
reason when it does not hold. The age SBE is a veteran's (VPL 04-14), not a spouse's.
Basic skills deficiency, limited English and the other barriers are not SBEs.
The populations VETS designates besides (transitioning service members in need of
individualized career services, wounded, ill or injured service members and their
caregivers) are not kept by the customers app: a career planner refers them by hand
with the issue, as any veteran with a veteran-specific issue or question (seeds 000 and
004).
"""

import datetime
from collections.abc import Collection

from casemgmt.clock import today
from customers.models import Customer, VeteranStatus
from customers.rules import years_after
from veterans.models import ReferralStatus, SignificantBarrier

BARRIER_SBE = {
    "Disability": SignificantBarrier.DISABLED,
    "Homeless": SignificantBarrier.HOMELESS,
    "Long-term unemployed (27 weeks or more)": SignificantBarrier.SEPARATED_UNEMPLOYED,
    "Justice-involved (ex-offender)": SignificantBarrier.OFFENDER,
    "Lacks a high school diploma or equivalent": SignificantBarrier.NO_DIPLOMA,
    "Low income": SignificantBarrier.LOW_INCOME,
}
YOUNG_VETERAN_AGES = (18, 24)  # both included


def significant_barriers(
    customer: Customer,
    *,
    on: datetime.date | None = None,
    barrier_names: Collection[str] | None = None,
) -> list[str]:
    """The significant barriers to employment for which a customer is referred to the
    veteran representative, in the order of `SignificantBarrier`: none unless the
    customer has priority of service (a veteran or an eligible spouse).

    `on` is the day of the office (today by default); `barrier_names` the names of the
    customer's barriers when the caller has read them already.
    """
    if not customer.has_priority_of_service:
        return []
    if barrier_names is None:
        barrier_names = set(customer.barriers.values_list("name", flat=True))
    found = {BARRIER_SBE[name] for name in barrier_names if name in BARRIER_SBE}
    on = on or today(customer.office.time_zone)
    youngest, oldest = YOUNG_VETERAN_AGES
    born = customer.date_of_birth
    if customer.veteran_status == VeteranStatus.VETERAN and years_after(
        born, youngest
    ) <= on < years_after(born, oldest + 1):
        found.add(SignificantBarrier.AGED_18_TO_24)
    return [sbe.value for sbe in SignificantBarrier if sbe in found]


def new_referral_reasons(current: Collection[str], referred_before: Collection[str]) -> list[str]:
    """The SBEs an automatic referral is made for: those no earlier referral of the
    customer named. A customer served (or closed) for a barrier is not referred again
    for it each time the record is saved; a new barrier refers them again."""
    return [sbe for sbe in current if sbe not in set(referred_before)]


def referral_problems(
    *,
    customer: Customer,
    open_referral: "object | None",
    reasons: Collection[str],
    issue: str,
) -> list[tuple[str, str]]:
    """Why a career planner cannot refer the customer to the veteran representative now."""
    if not customer.has_priority_of_service:
        return [
            (
                "__all__",
                "Only a veteran or an eligible spouse is referred to the veteran representative; "
                f"this customer's veteran status is “{customer.get_veteran_status_display()}”. "
                "If that is wrong, correct it on the profile first.",
            )
        ]
    if open_referral is not None:
        return [
            (
                "__all__",
                "The customer is already referred to the veteran representative "
                f"({open_referral.get_status_display().lower()} since "  # type: ignore[attr-defined]
                f"{open_referral.referred_at:%m/%d/%Y}): one referral is open at a time.",  # type: ignore[attr-defined]
            )
        ]
    if not reasons and not issue.strip():
        return [
            (
                "issue",
                "Describe the veteran-specific issue or question: the customer has no "
                "significant barrier to employment on record, so the referral needs one.",
            )
        ]
    return []


# Where each action may start from.
TRANSITIONS = {
    "accept": (ReferralStatus.WAITING,),
    "serve": (ReferralStatus.ACCEPTED,),
    "close": (ReferralStatus.WAITING, ReferralStatus.ACCEPTED),
}


def transition_problem(status: str, action: str) -> str | None:
    """A referral is accepted while waiting, served once accepted, and closed without
    service while open; a served or closed referral is not changed."""
    if status in TRANSITIONS[action]:
        return None
    label = ReferralStatus(status).label.lower()
    if action == "serve" and status == ReferralStatus.WAITING:
        return "Accept the referral first: the veteran service is recorded by the one who took it."
    return f"This referral is {label} already: nothing more is recorded on it."


def veteran_note_problems(*, service: str, detail_1: str, detail_2: str) -> list[tuple[str, str]]:
    """A veteran service's case note describes the service, and two details that show
    its depth (seed 004: two employers the resumes went to, two points of the interview
    practice, two suggestions for the VA or GI Bill question)."""
    problems = []
    if not service.strip():
        problems.append(
            (
                "service_provided",
                "Describe the service provided, for example working on a resume or a GI Bill question.",
            )
        )
    for name, which, text in (("detail_1", "first", detail_1), ("detail_2", "second", detail_2)):
        if not text.strip():
            problems.append(
                (
                    name,
                    f"Write the {which} detail of the depth of service: a veteran "
                    "service's note gives two, such as two employers the resume went to.",
                )
            )
    return problems
