"""The demo's duplicate: one synthetic couple applying for the rural reward in two villages
under two sets of ID numbers, for the daily duplicate search to find."""

import datetime

from casework import clock
from casework.factories import synthetic_id_number
from casework.models import Application, Hukou, Person, Program
from demo.applications import DECLARED
from permissions.audit import Actor
from workflows import applications

# One couple recorded twice: the husband and the wife each hold an ID number first issued in
# another county (made-up prefixes no other demo person uses), so the refusal of a second
# application of one person does not see them and the duplicate search must.
_TWICE_RECORDED = (
    ("赵国庆", (1952, 4, 12), True),
    ("钱秀兰", (1954, 9, 3), False),
)


def load_demo_duplicate(village_officers) -> int:
    """The same synthetic couple applying in two villages, one village officer each, under two
    sets of ID numbers; returns the number of applications made."""
    program = Program.objects.get(code="rural-reward")
    year = clock.today().year
    for index, officer in enumerate(village_officers):
        village = officer.jurisdiction
        husband, wife = (
            Person.objects.create(
                name=name,
                region=village,
                hukou=Hukou.RURAL,
                id_number=synthetic_id_number(
                    f"36092{3 + index}", datetime.date(*born), 461, male=male
                ),
            )
            for name, born, male in _TWICE_RECORDED
        )
        applications.apply(
            Actor(officer),
            Application(program=program, year=year, applicant=husband, spouse=wife),
            DECLARED,
        )
    return len(village_officers)
