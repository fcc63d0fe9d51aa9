"""The four supportive types of seed 003 that had no matrix row (tools/equipment,
uniforms, legal aid, other), with the same rules as 180-182: same-day, non-enrolling,
after an active enrolling service, not for Adult/DW customers in follow-up. The seeds
give no codes for them; 183-185 and 189 continue the series."""

from django.db import migrations

ROWS = [
    (
        "183",
        "Support Service - Tools/Equipment",
        "Tools or equipment the training or the job requires.",
    ),
    (
        "184",
        "Support Service - Uniforms",
        "Uniforms or work clothes the training or the job requires.",
    ),
    (
        "185",
        "Support Service - Legal Aid",
        "Legal aid that removes a barrier to training or employment.",
    ),
    (
        "189",
        "Support Service - Other",
        "Another supportive service that permits participation or job retention.",
    ),
]


def load(apps, schema_editor):
    Activity = apps.get_model("services", "Activity")
    for code, title, definition in ROWS:
        Activity.objects.update_or_create(
            code=code,
            defaults={
                "title": title,
                "category": "supportive",
                "program": "all",
                "extends_exit_window": False,
                "same_day": True,
                "requires_active_enrolling": True,
                "not_in_follow_up_adult_dw": True,
                "in_seed_matrix": False,
                "definition": definition,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("services", "0007_correct_any_permission")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
