"""Load every program the policy texts name (shared/seeds 003 and 000), with their amounts.

- 特别扶助 doubled (003: "扶助金标准提高一倍" for families whose only child died or is disabled
  and had no further child, and for grade-3-or-worse surgical complications): a dated standard
  of the existing programs, not a new program. The texts give no date in our calendar; it is
  dated 2027-01-01 so that what was decided and paid under the current standard stays as it was.
- 手术并发症特别扶助: the texts double it without giving its base; it is seeded at 100 元 a
  month (200 doubled), for the county to correct on the programs page.
- 营养补助 100 / 1,000 / 500 元, 节育奖 4,000 元, 阳光助学 2,000 / 3,000 元: one-time (003).
- 养老保险代缴 100 / 500 / 1,000 元 and the 30 元 top-up of single-child certificate holders:
  yearly contributions paid to the pension insurer (003). The insurer's account is synthetic;
  the county records its own on the programs page.
- 企业持证退休职工一次性奖励 (000): paid half-yearly from 2026 (it used to be yearly). The text
  gives no amount; it is seeded at 3,000 元 for the county to correct.
"""

import datetime

from django.db import migrations

D = datetime.date
DOUBLED_FROM = D(2027, 1, 1)
INSURER = ("县城乡居民社会养老保险经办中心", "县农村信用合作联社", "9000000000000000001")

# code, name, kind, conditions [(condition, since, number)], standards
# [(from, fen, payment cycle, min age, min mother age)], pays the insurer
PROGRAMS = [
    (
        "special-complication",
        "计划生育手术并发症特别扶助（三级以上）",
        "monthly",
        [("complication_grade", None, 3)],
        [(D(2024, 1, 1), 10000, "", None, None), (DOUBLED_FROM, 20000, "", None, None)],
        False,
    ),
    (
        "nutrition-first-birth",
        "营养补助（政策内生育一孩并落实长效节育措施）",
        "one_time",
        [
            ("first_birth_within_policy", D(2012, 10, 1), None),
            ("long_acting_contraception", D(2012, 10, 1), None),
        ],
        [(D(2024, 1, 1), 10000, "", None, None)],
        False,
    ),
    (
        "nutrition-later-birth",
        "营养补助（政策内生育二孩及以上并落实绝育措施）",
        "one_time",
        [
            ("later_birth_within_policy", D(2012, 10, 1), None),
            ("sterilised", D(2012, 10, 1), None),
        ],
        [(D(2024, 1, 1), 100000, "", None, None)],
        False,
    ),
    (
        "nutrition-ended-pregnancy",
        "营养补助（政策外怀孕三个月以内主动终止妊娠）",
        "one_time",
        [("pregnancy_ended_within", None, 3)],
        [(D(2024, 1, 1), 50000, "", None, None)],
        False,
    ),
    (
        "sterilisation-reward",
        "农村双女户节育奖",
        "one_time",
        [
            ("rural_hukou", None, None),
            ("two_daughters", None, None),
            ("births_outside_policy", None, None),
            ("sterilised", D(2010, 10, 1), None),
        ],
        [(D(2024, 1, 1), 400000, "", None, None)],
        False,
    ),
    (
        "pension-daughters",
        "养老保险代缴（农村双女户、独女户放弃再生育）",
        "contribution",
        [
            ("rural_hukou", None, None),
            ("daughters_only", None, None),
            ("gave_up_second_birth", None, None),
        ],
        [(D(2024, 1, 1), 10000, "", None, None)],
        True,
    ),
    (
        "pension-complication",
        "养老保险代缴（手术并发症三级以上）",
        "contribution",
        [("complication_grade", None, 3)],
        [(D(2024, 1, 1), 50000, "", None, None)],
        True,
    ),
    (
        "pension-special",
        "养老保险代缴（特别扶助对象）",
        "contribution",
        [("only_child_lost", None, None), ("further_children", None, None)],
        [(D(2024, 1, 1), 100000, "", None, None)],
        True,
    ),
    (
        "pension-single-child",
        "养老保险缴费补贴（独生子女领证户）",
        "contribution",
        [("single_child_certificate", None, None)],
        [(D(2024, 1, 1), 3000, "", None, None)],
        True,
    ),
    (
        "sunshine-daughter",
        "阳光助学（农村绝育双女户女孩考取大学）",
        "one_time",
        [
            ("rural_hukou", None, None),
            ("two_daughters", None, None),
            ("sterilised", None, None),
            ("daughter_admitted", None, None),
        ],
        [(D(2024, 1, 1), 200000, "", None, None)],
        False,
    ),
    (
        "sunshine-certificate",
        "阳光助学（持光荣证困难家庭子女考取大学）",
        "one_time",
        [
            ("single_child_certificate", None, None),
            ("poor_household", None, None),
            ("child_admitted", None, None),
        ],
        [(D(2024, 1, 1), 300000, "", None, None)],
        False,
    ),
    (
        "retired-worker-reward",
        "企业持证退休职工一次性奖励",
        "one_time",
        [("retired_enterprise_worker", None, None), ("single_child_certificate", None, None)],
        [
            (D(2024, 1, 1), 300000, "year", None, None),
            (D(2026, 1, 1), 300000, "half_year", None, None),
        ],
        False,
    ),
]

# The existing special-assistance programs, doubled (amount per month, in fen).
DOUBLED = [("special-disabled", 80000, 49), ("special-deceased", 100000, 49)]

# A person holds one special-assistance allowance at a time.
EXCLUSIONS = [
    ("special-complication", "special-disabled"),
    ("special-complication", "special-deceased"),
]

PERIOD_OF_KIND = {"monthly": "month", "one_time": "once", "contribution": "year"}


def seed(apps, schema_editor):
    Program = apps.get_model("casework", "Program")
    ProgramStandard = apps.get_model("casework", "ProgramStandard")
    ProgramCondition = apps.get_model("casework", "ProgramCondition")
    ProgramExclusion = apps.get_model("casework", "ProgramExclusion")
    for code, name, kind, conditions, standards, pays_insurer in PROGRAMS:
        payee = dict(zip(("payee_name", "payee_bank", "payee_account"), INSURER, strict=True))
        program, created = Program.objects.get_or_create(
            code=code,
            defaults={"name": name, "kind": kind, **(payee if pays_insurer else {})},
        )
        if not created:
            continue
        for position, (condition, since, number) in enumerate(conditions):
            ProgramCondition.objects.create(
                program=program, condition=condition, since=since, number=number, position=position
            )
        for effective_from, fen, cycle, min_age, min_mother_age in standards:
            ProgramStandard.objects.create(
                program=program,
                effective_from=effective_from,
                amount_fen=fen,
                period=PERIOD_OF_KIND[kind],
                payment_cycle=cycle,
                min_age=min_age,
                min_mother_age=min_mother_age,
            )
    for code, fen, min_mother_age in DOUBLED:
        if Program.objects.filter(code=code).exists():
            ProgramStandard.objects.get_or_create(
                program_id=code,
                effective_from=DOUBLED_FROM,
                defaults={"amount_fen": fen, "period": "month", "min_mother_age": min_mother_age},
            )
    for program, excludes in EXCLUSIONS:
        if Program.objects.filter(code__in=[program, excludes]).count() == 2:
            ProgramExclusion.objects.get_or_create(program_id=program, excludes_id=excludes)


def unseed(apps, schema_editor):
    Program = apps.get_model("casework", "Program")
    Program.objects.filter(code__in=[row[0] for row in PROGRAMS]).delete()
    apps.get_model("casework", "ProgramStandard").objects.filter(
        program_id__in=[code for code, _fen, _age in DOUBLED], effective_from=DOUBLED_FROM
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("casework", "0021_programs_as_data")]

    operations = [migrations.RunPython(seed, unseed)]
