"""Demo applicants of every program beyond the rural reward: a family that meets the
program's conditions, with what it declares, submitted at the village and awaiting the
household visit. Each is an ordinary application of the same chain."""

from casework import clock
from casework.eligibility import Fact
from casework.models import Application, Hukou, Person, Program, Sex
from permissions.audit import Actor
from workflows import applications

CHILDREN = "户口簿"
BIRTHS = "计生档案、出生医学证明"
SURGERY = "节育手术证明"

# What each program's demo family declares (the program's conditions read these facts).
DECLARATIONS: dict[str, dict[str, Fact]] = {
    "special-complication": {"complication_grade": Fact(3, "市计划生育手术并发症鉴定书")},
    "nutrition-first-birth": {
        "policy_birth_order": Fact(1, BIRTHS),
        "policy_birth_on": Fact("2026-03-12", BIRTHS),
        "contraception_on": Fact("2026-06-20", SURGERY),
    },
    "nutrition-later-birth": {
        "policy_birth_order": Fact(2, BIRTHS),
        "policy_birth_on": Fact("2026-01-08", BIRTHS),
        "sterilised_on": Fact("2026-04-02", SURGERY),
    },
    "nutrition-ended-pregnancy": {"pregnancy_ended_month": Fact(2, "乡镇卫生院手术记录")},
    "sterilisation-reward": {
        "living_children": Fact(2, CHILDREN),
        "living_daughters": Fact(2, CHILDREN),
        "births_outside_policy": Fact(0, BIRTHS),
        "sterilised_on": Fact("2011-05-16", SURGERY),
    },
    "pension-daughters": {
        "living_children": Fact(1, CHILDREN),
        "living_daughters": Fact(1, CHILDREN),
        "gave_up_second_birth": Fact("yes", "放弃再生育承诺书"),
    },
    "pension-complication": {"complication_grade": Fact(2, "市计划生育手术并发症鉴定书")},
    "pension-special": {
        "only_child_status": Fact("deceased", "死亡证明"),
        "further_children": Fact(0, CHILDREN),
    },
    "pension-single-child": {"single_child_certificate": Fact("yes", "光荣证 赣0921-0877")},
    "sunshine-daughter": {
        "living_children": Fact(2, CHILDREN),
        "living_daughters": Fact(2, CHILDREN),
        "sterilised_on": Fact("2009-11-03", SURGERY),
        "university_admission": Fact("daughter", "录取通知书"),
    },
    "sunshine-certificate": {
        "single_child_certificate": Fact("yes", "光荣证 赣0921-1102"),
        "poor_household": Fact("yes", "低保证"),
        "university_admission": Fact("son", "录取通知书"),
    },
    "retired-worker-reward": {
        "retired_enterprise_worker": Fact("yes", "退休证、社保缴费记录"),
        "single_child_certificate": Fact("yes", "光荣证 赣0921-0415"),
    },
}


def load_demo_program_applicants(village_officer, village: str) -> int:
    """One submitted application of each program above, by rural women of ``village`` who
    have no application yet (the rural reward's elders keep theirs)."""
    actor, today = Actor(village_officer), clock.today()
    programs = Program.objects.in_bulk(list(DECLARATIONS))
    women = (
        Person.objects.filter(
            region_id=village,
            hukou=Hukou.RURAL,
            sex=Sex.FEMALE,
            birth_date__year__lte=today.year - 20,
        )
        .filter(applications__isnull=True)
        .order_by("-birth_date", "id")
    )
    made = 0
    for person, (code, declared) in zip(women, DECLARATIONS.items(), strict=False):
        applications.apply(
            actor,
            Application(program=programs[code], year=today.year, applicant=person),
            declared,
        )
        made += 1
    return made
