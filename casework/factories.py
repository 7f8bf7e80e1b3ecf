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
    CertificateKind,
    ClueSource,
    EnforcementCase,
    Household,
    Hukou,
    MaritalStatus,
    MigrantCertificate,
    Payment,
    PaymentBatch,
    Person,
    Posting,
    PostingLevel,
    Program,
    Region,
)
from casework.region_codes import COUNTY, TOWNSHIP, region_code_at

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


# Records say who made them; an officer is made where the test names none. By path, because
# officers are built on these factories.
_OFFICER = "permissions.factories.OfficerFactory"


def _region_above(code: str, level: str) -> Region:
    return Region.objects.get(pk=region_code_at(code, level))


def _rural_reward() -> Program:
    return Program.objects.get(code="rural-reward")


class PostingFactory(factory.django.DjangoModelFactory):
    """An open village posting (its entries are added by the test that needs them)."""

    class Meta:
        model = Posting

    level = PostingLevel.VILLAGE
    region = factory.SubFactory(RegionFactory)
    program = factory.LazyFunction(_rural_reward)
    year = 2026
    starts_on = factory.LazyFunction(clock.today)
    ends_on = factory.LazyAttribute(lambda posting: posting.starts_on + datetime.timedelta(days=7))
    place = "村务公开栏"
    contact_phone = "0797-5210001"
    opened_by = factory.SubFactory(_OFFICER)
    opened_at = factory.LazyFunction(clock.now)


class PaymentBatchFactory(factory.django.DjangoModelFactory):
    """A built batch of one county for the year 2026."""

    class Meta:
        model = PaymentBatch

    program = factory.LazyFunction(_rural_reward)
    region = factory.SubFactory(RegionFactory)
    period_start = datetime.date(2026, 1, 1)
    period_end = datetime.date(2026, 12, 31)
    built_by = factory.SubFactory(_OFFICER)
    built_at = factory.LazyFunction(clock.now)


class PaymentFactory(factory.django.DjangoModelFactory):
    """One enrolled recipient's payment in a batch of their county."""

    class Meta:
        model = Payment

    application = factory.SubFactory(
        ApplicationFactory,
        status=ApplicationStatus.ENROLLED,
        created_by=factory.SubFactory(_OFFICER),
    )
    batch = factory.SubFactory(
        PaymentBatchFactory,
        region=factory.LazyAttribute(
            lambda batch: _region_above(batch.factory_parent.application.region_id, COUNTY)
        ),
    )
    period_start = datetime.date(2026, 1, 1)
    amount_fen = 96000
    bank = "示范农村商业银行"
    account_number = factory.Sequence(lambda n: f"621799{n:013d}")
    reference = factory.Sequence(lambda n: f"FACTORY{n:010d}")


class MigrantCertificateFactory(factory.django.DjangoModelFactory):
    """A draft marriage and childbearing certificate of a person of the issuing township."""

    class Meta:
        model = MigrantCertificate

    kind = CertificateKind.MARRIAGE_CHILDBEARING
    person = factory.SubFactory(PersonFactory, male=False)
    region = factory.LazyAttribute(
        lambda certificate: _region_above(certificate.person.region_id, TOWNSHIP)
    )
    holder_name = factory.LazyAttribute(lambda certificate: certificate.person.name)
    holder_id_number = factory.LazyAttribute(lambda certificate: certificate.person.id_number)
    holder_sex = factory.LazyAttribute(lambda certificate: certificate.person.sex)
    holder_birth_date = factory.LazyAttribute(lambda certificate: certificate.person.birth_date)
    registration_region = factory.LazyAttribute(lambda certificate: certificate.region)
    registration_address = "示范路1号"
    marital_status = MaritalStatus.MARRIED


class EnforcementCaseFactory(factory.django.DjangoModelFactory):
    """A clue as an investigator recorded it (no informant, nobody assigned)."""

    class Meta:
        model = EnforcementCase

    region = factory.SubFactory(RegionFactory)
    source = ClueSource.HOTLINE
    received_on = factory.LazyFunction(clock.today)
    subject = "某诊所"
    summary = "群众举报该诊所为孕妇进行胎儿性别鉴定。"
    recorded_by = factory.SubFactory(_OFFICER)
    recorded_at = factory.LazyFunction(clock.now)
