"""Seed the programs every county runs, with the standards published for them.

Administrators edit them afterwards (Django admin); a new year's standard is a new row.
"""

import datetime

from django.db import migrations

PROGRAMS = [
    # code, name, kind, eligibility, posting days, [(effective from, fen, period, min age, min mother age)]
    (
        "rural-reward",
        "农村部分计划生育家庭奖励扶助",
        "reward",
        "rural_reward",
        7,
        [
            (datetime.date(2024, 1, 1), 60000, "year", 60, None),
            (datetime.date(2026, 1, 1), 96000, "year", 60, None),
        ],
    ),
    (
        "special-disabled",
        "计划生育家庭特别扶助（独生子女伤残）",
        "special",
        "special_disabled",
        7,
        [(datetime.date(2024, 1, 1), 40000, "month", None, 49)],
    ),
    (
        "special-deceased",
        "计划生育家庭特别扶助（独生子女死亡）",
        "special",
        "special_deceased",
        7,
        [(datetime.date(2024, 1, 1), 50000, "month", None, 49)],
    ),
    (
        "single-child-reward",
        "自愿只生育一个子女家庭一次性奖励",
        "one_time",
        "single_child_reward",
        7,
        [(datetime.date(2024, 1, 1), 200000, "once", None, None)],
    ),
]


def seed(apps, schema_editor):
    Program = apps.get_model("casework", "Program")
    ProgramStandard = apps.get_model("casework", "ProgramStandard")
    for code, name, kind, eligibility, posting_days, standards in PROGRAMS:
        program, _ = Program.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": kind,
                "eligibility": eligibility,
                "posting_days": posting_days,
            },
        )
        for effective_from, fen, period, min_age, min_mother_age in standards:
            ProgramStandard.objects.get_or_create(
                program=program,
                effective_from=effective_from,
                defaults={
                    "amount_fen": fen,
                    "period": period,
                    "min_age": min_age,
                    "min_mother_age": min_mother_age,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("casework", "0004_programs")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
