"""factory_boy factories for the domain; the tests and the demo data command share them."""

import datetime
import random

import factory

from casework import clock
from casework.id_numbers import check_character
from casework.models import (
    Application,
    ApplicationStatus,
    BankAccount,
    Household,
    Hukou,
    Person,
    Program,
    Region,
)

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN_CHARACTERS = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英玉兰萍建华红梅春兰志强国庆淑珍凤英德明桂芳金凤文华海燕晓东"


def synthetic_name(rng: random.Random) -> str:
    """A made-up Chinese name: a common surname and one or two given characters."""
    given = "".join(rng.choice(GIVEN_CHARACTERS) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def synthetic_id_number(
    region_code: str, birth_date: datetime.date, sequence: int, *, male: bool
) -> str:
    """A valid, made-up ID number; distinct ``sequence`` values (mod 500) give distinct numbers
    for the same region, birth date and sex. The sequence digits are odd for men, even for women."""
    sequence = 2 * (sequence % 500) + (1 if male else 0)
    first17 = f"{region_code[:6]}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = "360000000000"
    name = factory.LazyAttribute(lambda region: f"区划{region.code}")


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    number = factory.Sequence(lambda n: f"H{n:09d}")
    region = factory.SubFactory(RegionFactory)
    address = factory.LazyAttribute(
        lambda household: f"{household.region.name}{household.number[-3:]}号"
    )


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    class Params:
        birth_date = datetime.date(1960, 5, 17)
        male = factory.Sequence(lambda n: n % 2 == 0)

    name = factory.Sequence(lambda n: synthetic_name(random.Random(n)))
    region = factory.SubFactory(RegionFactory)
    household = None
    hukou = Hukou.RURAL
    # Sequence plus a day offset keeps numbers unique across tests and demo runs.
    id_number = factory.LazyAttributeSequence(
        lambda person, n: synthetic_id_number(
            person.region.code,
            person.birth_date + datetime.timedelta(days=n // 500),
            n,
            male=person.male,
        )
    )


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An application placed directly at a status, for tests and benchmarks that start a
    process midway (the steps before it are tested on their own)."""

    class Meta:
        model = Application

    program = factory.LazyFunction(lambda: Program.objects.get(code="rural-reward"))
    year = 2026
    applicant = factory.SubFactory(PersonFactory)
    region = factory.LazyAttribute(lambda application: application.applicant.region)
    status = ApplicationStatus.SUBMITTED
    created_by = None


class BankAccountFactory(factory.django.DjangoModelFactory):
    """A recipient's current account; synthetic 19-digit numbers under a made-up bank prefix."""

    class Meta:
        model = BankAccount

    person = factory.SubFactory(PersonFactory)
    bank = "示范农村商业银行"
    account_number = factory.Sequence(lambda n: f"621799{n:013d}")
    recorded_by = None
    recorded_at = factory.LazyFunction(clock.now)
    effective_from = factory.LazyFunction(clock.today)
