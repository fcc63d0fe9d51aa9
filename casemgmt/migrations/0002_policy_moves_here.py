"""The region's policy moves from compliance to casemgmt, at the bottom of the stack,
because every domain reads it. The table keeps its name; only Django's state moves."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("casemgmt", "0001_initial"),
        ("compliance", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Policy",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("entry_deadline_days", models.PositiveSmallIntegerField(default=10)),
                        (
                            "late_visible_days",
                            models.PositiveSmallIntegerField(
                                default=30,
                                help_text="How long a late entry stays on the dashboards.",
                            ),
                        ),
                        (
                            "open_past_end_overdue_days",
                            models.PositiveSmallIntegerField(default=10),
                        ),
                        ("contact_due_soon_day", models.PositiveSmallIntegerField(default=25)),
                        ("contact_overdue_day", models.PositiveSmallIntegerField(default=31)),
                        ("review_due_soon_day", models.PositiveSmallIntegerField(default=80)),
                        ("review_overdue_day", models.PositiveSmallIntegerField(default=91)),
                        (
                            "exit_reengage_day",
                            models.PositiveSmallIntegerField(
                                default=60, verbose_name="Soft exit: tracker re-engages on day"
                            ),
                        ),
                        (
                            "exit_call_day",
                            models.PositiveSmallIntegerField(
                                default=75, verbose_name="Soft exit: tracker calls on day"
                            ),
                        ),
                        (
                            "exit_day",
                            models.PositiveSmallIntegerField(
                                default=90, verbose_name="Soft exit on day"
                            ),
                        ),
                        (
                            "eligibility_due_soon_day",
                            models.PositiveSmallIntegerField(default=25),
                        ),
                        (
                            "eligibility_overdue_day",
                            models.PositiveSmallIntegerField(default=31),
                        ),
                        (
                            "region",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="policy",
                                to="casemgmt.region",
                            ),
                        ),
                    ],
                    options={"verbose_name_plural": "policies", "db_table": "compliance_policy"},
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="policy",
            name="service_correction_days",
            field=models.PositiveSmallIntegerField(
                default=30,
                help_text="After this many days from entry, only a supervisor corrects a service.",
                verbose_name="Days a service's author may correct it",
            ),
        ),
        migrations.CreateModel(
            name="SubmissionToken",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("token", models.UUIDField()),
                ("location", models.CharField(max_length=300)),
                ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "token"), name="one_submission_per_token"
                    )
                ]
            },
        ),
    ]
