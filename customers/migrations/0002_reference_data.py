from django.db import migrations

BARRIERS = [
    "Low income",
    "Limited transportation",
    "No childcare",
    "Basic skills deficient",
    "Limited English proficiency",
    "Disability",
    "Justice-involved (ex-offender)",
    "Homeless",
    "Long-term unemployed (27 weeks or more)",
    "Single parent",
    "Displaced homemaker",
    "Exhausting TANF within two years",
    "Foster youth or aged out of foster care",
    "Pregnant or parenting youth",
    "Lacks a high school diploma or equivalent",
    "Older worker (55 or over)",
    "Cultural barriers",
    "Migrant or seasonal farmworker",
]

PARTNER_PROGRAMS = [
    "Wagner-Peyser Employment Service",
    "Trade Adjustment Assistance (TAA)",
    "Jobs for Veterans State Grant (JVSG)",
    "Adult Education and Literacy (WIOA Title II)",
    "Vocational Rehabilitation (WIOA Title IV)",
    "SNAP Employment and Training",
    "TANF",
    "Senior Community Service Employment Program",
    "Registered Apprenticeship",
]

DOCUMENT_TYPES = [
    "Proof of identity",
    "Proof of age (birth certificate)",
    "Right to work (Social Security card, passport)",
    "Selective Service registration",
    "Proof of income",
    "Proof of layoff (dislocated worker)",
    "DD-214 (veteran status)",
    "Public assistance record",
    "Proof of address",
    "Low-income or other barrier documentation",
    "Other",
]


def load(apps, schema_editor):
    for model_name, names in [
        ("Barrier", BARRIERS),
        ("PartnerProgram", PARTNER_PROGRAMS),
        ("DocumentType", DOCUMENT_TYPES),
    ]:
        model = apps.get_model("customers", model_name)
        for order, name in enumerate(names):
            model.objects.get_or_create(name=name, defaults={"sort_order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE customers_customer_number_seq START 100001",
            "DROP SEQUENCE customers_customer_number_seq",
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
