from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0001_initial"),
        ("casemgmt", "0002_policy_moves_here"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Policy")],
            database_operations=[],
        ),
    ]
