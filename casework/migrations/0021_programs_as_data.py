"""Programs become data: the kind says how a program pays (monthly, half-yearly, yearly, once,
or as a contribution to an insurer); its conditions are rows chosen from the catalogue of
casework.eligibility instead of one of four rule sets written in code; it names the documents
it issues. The four seeded programs keep exactly the conditions their rule sets had."""

import casework.models.programs
import casework.money
import django.db.models.deletion
from django.db import migrations, models


# The rule sets of casework.eligibility before this migration, as catalogue conditions.
RULE_SETS = {
    "rural_reward": ["rural_hukou", "applicant_age", "children", "births_outside_policy"],
    "special_disabled": ["only_child_disabled", "mother_age", "further_children"],
    "special_deceased": ["only_child_deceased", "mother_age", "further_children"],
    "single_child_reward": ["single_child_certificate", "one_living_child"],
}
# The old kinds (a category) become how a program pays, read from its standards' period.
KIND_OF_PERIOD = {"month": "monthly", "year": "yearly", "once": "one_time"}


def conditions_from_rule_sets(apps, schema_editor):
    Program = apps.get_model("casework", "Program")
    ProgramCondition = apps.get_model("casework", "ProgramCondition")
    for program in Program.objects.all():
        period = (
            program.standards.order_by("-effective_from").values_list("period", flat=True).first()
        )
        program.kind = KIND_OF_PERIOD.get(period) or {"special": "monthly"}.get(
            program.kind, program.kind if program.kind == "one_time" else "yearly"
        )
        program.save(update_fields=["kind"])
        ProgramCondition.objects.bulk_create(
            ProgramCondition(program=program, condition=code, position=n)
            for n, code in enumerate(RULE_SETS.get(program.eligibility, []))
        )


class Migration(migrations.Migration):
    dependencies = [
        ("casework", "0020_region_report_phone"),
    ]

    operations = [
        migrations.AddField(
            model_name="program",
            name="documents",
            field=models.JSONField(
                default=casework.models.programs.default_documents,
                help_text="Codes of the documents an application of the program issues.",
                verbose_name="documents issued",
            ),
        ),
        migrations.AddField(
            model_name="program",
            name="payee_account",
            field=models.CharField(
                blank=True,
                max_length=25,
                validators=[casework.money.validate_account_number],
                verbose_name="insurer's account number",
            ),
        ),
        migrations.AddField(
            model_name="program",
            name="payee_bank",
            field=models.CharField(blank=True, max_length=60, verbose_name="insurer's bank"),
        ),
        migrations.AddField(
            model_name="program",
            name="payee_name",
            field=models.CharField(blank=True, max_length=80, verbose_name="insurer"),
        ),
        migrations.AlterField(
            model_name="program",
            name="kind",
            field=models.CharField(
                choices=[
                    ("monthly", "monthly allowance"),
                    ("half_yearly", "half-yearly allowance"),
                    ("yearly", "yearly allowance"),
                    ("one_time", "one-time payment"),
                    ("contribution", "contribution paid to an insurer"),
                ],
                max_length=12,
                verbose_name="kind",
            ),
        ),
        migrations.AlterField(
            model_name="program",
            name="name",
            field=models.CharField(max_length=80, unique=True, verbose_name="name"),
        ),
        migrations.AlterField(
            model_name="programstandard",
            name="payment_cycle",
            field=models.CharField(
                blank=True,
                choices=[
                    ("month", "monthly"),
                    ("quarter", "quarterly"),
                    ("half_year", "half-yearly"),
                    ("year", "yearly"),
                ],
                help_text="Blank: as often as the amount's period (a one-time amount: once a year).",
                max_length=9,
                verbose_name="payment cycle",
            ),
        ),
        migrations.AlterField(
            model_name="programstandard",
            name="period",
            field=models.CharField(
                choices=[
                    ("year", "per year"),
                    ("half_year", "per half-year"),
                    ("month", "per month"),
                    ("once", "once"),
                ],
                max_length=9,
                verbose_name="period",
            ),
        ),
        migrations.CreateModel(
            name="ProgramCondition",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("condition", models.CharField(max_length=40, verbose_name="condition")),
                ("since", models.DateField(blank=True, null=True, verbose_name="on or after")),
                (
                    "number",
                    models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="number"),
                ),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="position")),
                (
                    "program",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="conditions",
                        to="casework.program",
                        verbose_name="program",
                    ),
                ),
            ],
            options={
                "verbose_name": "program condition",
                "verbose_name_plural": "program conditions",
                "ordering": ["program", "position", "id"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("program", "condition"), name="one_condition_per_program"
                    )
                ],
            },
        ),
        migrations.RunPython(conditions_from_rule_sets, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="program",
            name="eligibility",
        ),
    ]
