from django.db import migrations

ACRONYMS = {
    "IEP": "Individual Employment Plan",
    "ISS": "Individual Service Strategy",
    "ITA": "Individual Training Account",
    "OJT": "On-the-Job Training",
    "WIOA": "Workforce Innovation and Opportunity Act",
    "TABE": "Test of Adult Basic Education",
    "CASAS": "Comprehensive Adult Student Assessment System",
    "DW": "Dislocated Worker",
    "UI": "Unemployment Insurance",
    "FAFSA": "Free Application for Federal Student Aid",
    "ETPL": "Eligible Training Provider List",
    "MSG": "Measurable Skill Gain",
    "TANF": "Temporary Assistance for Needy Families",
    "SNAP": "Supplemental Nutrition Assistance Program",
    "GED": "General Educational Development (high school equivalency)",
    "AJC": "American Job Center",
    "LWIA": "Local Workforce Innovation Area",
    "CP": "Career Planner",
    "CM": "Case Manager",
    "VR": "Vocational Rehabilitation",
}


def load(apps, schema_editor):
    Acronym = apps.get_model("casenotes", "Acronym")
    for text, meaning in ACRONYMS.items():
        Acronym.objects.get_or_create(text=text, defaults={"meaning": meaning})


class Migration(migrations.Migration):
    dependencies = [("casenotes", "0002_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
