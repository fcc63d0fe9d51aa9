from django.db import migrations

TYPES = [
    "TABE 11/12",
    "CASAS GOALS",
    "BEST Literacy",
    "BEST Plus 2.0",
    "CASAS Life and Work Reading",
    "WorkKeys",
    "KeyTrain",
    "Career interest inventory",
    "Basic skills screening",
    "Budget review",
    "Other",
]


def load(apps, schema_editor):
    AssessmentType = apps.get_model("plans", "AssessmentType")
    for order, name in enumerate(TYPES):
        AssessmentType.objects.get_or_create(name=name, defaults={"sort_order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("plans", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
