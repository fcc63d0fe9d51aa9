from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("casemgmt", "0002_policy_moves_here")]

    operations = [
        migrations.AddField(
            model_name="policy",
            name="dollar_value_max",
            field=models.PositiveIntegerField(
                db_default=50000,
                default=50000,
                verbose_name="Largest dollar value of one service or step",
            ),
        ),
        migrations.AddField(
            model_name="policy",
            name="duplicate_checks_per_hour",
            field=models.PositiveSmallIntegerField(
                default=20,
                help_text=(
                    "Registrations that look for an existing record; more are refused until "
                    "the hour passes."
                ),
                verbose_name="Duplicate checks per staff member per hour",
            ),
        ),
        migrations.AddField(
            model_name="policy",
            name="planned_gap_max_days",
            field=models.PositiveSmallIntegerField(
                default=180, verbose_name="Longest planned gap in service, in days"
            ),
        ),
        migrations.AddField(
            model_name="policy",
            name="two_factor_for_every_role",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="Administrators and supervisors always do in production.",
                verbose_name="Every role signs in with a second factor",
            ),
        ),
        migrations.AddField(
            model_name="policy",
            name="weekly_hours_max",
            field=models.PositiveSmallIntegerField(
                default=80, verbose_name="Most weekly hours a service may give"
            ),
        ),
    ]
