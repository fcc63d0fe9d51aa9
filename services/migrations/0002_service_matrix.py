"""The service matrix of SPEC 3: the rows of seed 003 with their flags and
prerequisites, and the codes the seeds name without a row (in_seed_matrix=False)."""

from django.db import migrations

# code, title, category, program, extends, same_day, provides, prerequisites, measures, in matrix
EMPLOYMENT = "Employment Measures (AER2/DER2 AER4/DER4 AMER/DMER)"
ROWS = [
    ("180", "Support Service - Child/Dependent Care", "supportive", "all", False, True, "",
     {"requires_active_enrolling", "not_in_follow_up_adult_dw"}, "", True,
     "Services provided to permit participation in a WIOA-funded career service or training program, or "
     "retention of a job gained through WIOA participation, by ensuring that children or other dependents "
     "are properly cared for while the customer is in training or at work."),
    ("181", "Support Service - Transportation Assistance", "supportive", "all", False, True, "",
     {"requires_active_enrolling", "not_in_follow_up_adult_dw"}, "", True,
     "Services ensuring that the customer can travel from home to the training or employment site (and "
     "childcare site, if necessary) and back: the cost of public transportation or mileage reimbursement."),
    ("182", "Support Service - Medical", "supportive", "all", False, True, "",
     {"requires_active_enrolling", "not_in_follow_up_adult_dw"}, "", True,
     "Needed health services that permit participation or retention: a physical examination required for "
     "training or employment, eyeglasses, essential dental services, reasonable accommodations."),
    ("201", "Group Workforce Research/Workshops/Job Clubs", "individualized_career", "adult_dw", True, True, "",
     {"requires_iep"}, EMPLOYMENT, True,
     "Facilitator-led workshops on labor market information, skills assessment, applications and resumes, "
     "interviewing and job search techniques; job clubs supporting an independent job search."),
    ("202", "Career Planning (Case Management)", "individualized_career", "adult_dw", True, True, "",
     set(), EMPLOYMENT, True,
     "A client-centered approach to prepare and coordinate comprehensive employment plans and provide job, "
     "education and career counseling during program participation and after job placement."),
    ("205", "Development of an IEP", "individualized_career", "adult_dw", True, True, "iep",
     {"requires_assessment"}, EMPLOYMENT, True,
     "The Individual Employment Plan is jointly developed by the participant and career planner: employment "
     "goals, achievement objectives and an appropriate combination of services. A later revision is "
     "recorded as an additional episode of 205."),
    ("210", "Referred to Employment/Placement Assistance (Staff Assisted)", "basic_career", "adult_dw", True, True,
     "", set(), EMPLOYMENT, True,
     "Individualized assistance matching a participant with existing job openings related to prior "
     "experience, career goals and occupational interests, or to the training completed."),
    ("211", "Job Search Activities and Assistance (Staff Assisted)", "basic_career", "adult_dw", True, True, "",
     set(), EMPLOYMENT, True,
     "One-on-one assistance in the job search: locating job openings, resume writing, setting up interviews."),
    ("226", "Co-enrolled in a Partner Program (tracking)", "tracking", "adult_dw", False, False, "",
     {"requires_iep"}, "", True,
     "Indicates co-enrolment in a statewide program or TAA. Start date is the co-enrolment date; end date "
     "is the exit date. A tracking record, not a true service."),
    ("231", "Adult Initial ITA Request", "tracking", "adult_dw", False, True, "",
     {"requires_assessment", "requires_iep"}, "", True,
     "Initiates the Individual Training Account process for an Adult customer. A tracking record."),
    ("232", "Shared Placement Service", "basic_career", "adult_dw", True, True, "", set(), EMPLOYMENT, True,
     "One agency places another agency's WIOA participant in a verified job; both agencies get credit."),
    ("235", "DW Initial ITA Request", "tracking", "adult_dw", False, True, "",
     {"requires_assessment", "requires_iep"}, "", True,
     "Initiates the Individual Training Account process for a Dislocated Worker. A tracking record."),
    ("239", "UI Filing Information (Staff Assisted)", "basic_career", "adult_dw", True, True, "", set(),
     EMPLOYMENT, True,
     "Meaningful assistance to individuals filing a claim for unemployment compensation."),
    ("240", "FAFSA/Financial Aid Eligibility Assistance (Staff Assisted)", "basic_career", "adult_dw", True, True,
     "", set(), EMPLOYMENT, True,
     "Assistance establishing eligibility for financial aid for training and education not provided under WIOA."),
    ("300", "Occupational Skills Training (ITA)", "training", "adult_dw", True, False, "", {"requires_iep"},
     EMPLOYMENT + " MSG & Credential (AMSG/DMSG ACAR/DCAR)", True,
     "An organized program of study leading to a recognized postsecondary credential, specified in the IEP "
     "and on the Eligible Training Provider List. Stays open until completion is confirmed."),
    ("301", "On-The-Job Training (OJT) - Private Sector", "training", "adult_dw", True, False, "",
     {"requires_iep", "requires_istep"}, EMPLOYMENT + " MSG (AMSG/DMSG)", True,
     "Occupational training under a contract with an employer, reimbursing typically up to 50 percent of the "
     "wage for the extraordinary costs of training and supervision."),
    # Named in the seeds without a matrix row.
    ("207", "Comprehensive and Specialized Assessments", "individualized_career", "adult_dw", True, True,
     "assessment", set(), EMPLOYMENT, False,
     "Diagnostic testing and in-depth interviewing to identify employment barriers and goals "
     "(suggested first in the Adult/DW order 207, 224, 205)."),
    ("221", "Individual Skills Training Evaluation Plan (ISTEP)", "individualized_career", "adult_dw", True, True,
     "istep", {"requires_iep"}, "", False,
     "The training plan for a work-based placement; must be completed before On-The-Job Training (301)."),
    ("224", "Career Exploration", "individualized_career", "adult_dw", True, True, "", set(), EMPLOYMENT, False,
     "Research into careers, labor market information and training options with the career planner."),
    ("468", "Youth Comprehensive and Specialized Assessments", "youth_element", "youth", True, True,
     "assessment", set(), "", False,
     "First of the required youth order 468, 469, 470."),
    ("469", "Development of an ISS", "youth_element", "youth", True, True, "iep", set(), "", False,
     "The Individual Service Strategy, developed with the youth after the assessment (468). A later revision "
     "is recorded as an additional episode of 469."),
    ("470", "Youth Career Planning", "youth_element", "youth", True, True, "", set(), "", False,
     "Career planning for youth, after the ISS (469)."),
    ("600", "Follow-Up Services", "follow_up", "all", False, True, "", set(), "", False,
     "Contact and services after exit, for 12 months. Never extends the exit window."),
]
ORDER = {"469": "468", "470": "469"}


def load(apps, schema_editor):
    Activity = apps.get_model("services", "Activity")
    flags = ["requires_iep", "requires_assessment", "requires_istep", "requires_active_enrolling",
             "not_in_follow_up_adult_dw"]
    for code, title, category, program, extends, same_day, provides, prereqs, measures, in_matrix, definition in ROWS:
        Activity.objects.update_or_create(
            code=code,
            defaults={
                "title": title, "category": category, "program": program, "extends_exit_window": extends,
                "same_day": same_day, "provides": provides, "performance_measures": measures,
                "in_seed_matrix": in_matrix, "definition": definition,
                **{flag: flag in prereqs for flag in flags},
            },
        )
    for code, prior in ORDER.items():
        Activity.objects.filter(code=code).update(requires_prior=Activity.objects.get(code=prior))


class Migration(migrations.Migration):
    dependencies = [("services", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
