"""Each list page's "导出Excel" gives the page's own columns: the workbook's header row is the
table's header, a row's cells are what the page shows (IDs masked, money as numbers, dates as
dates), every row the page's filters and scope find (never another jurisdiction's), in a
fixed number of queries; lists behind a permission refuse their export too."""

import datetime
import decimal
import functools
import io
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from casework import clock
from casework.factories import (
    ApplicationFactory,
    HouseholdFactory,
    PersonFactory,
    RegionFactory,
    synthetic_id_number,
)
from casework.models import (
    CertificateNotice,
    ChangeRequest,
    DataImport,
    DuplicateSuspect,
    EnforcementCase,
    MigrantCertificate,
    PaymentBatch,
    Posting,
    Program,
    Region,
)
from permissions.audit import Actor
from permissions.factories import OfficerFactory
from permissions.roles import Role
from tests.conftest import (
    COUNTY,
    OTHER_TOWNSHIP,
    OTHER_TOWNSHIP_VILLAGE,
    OTHER_VILLAGE,
    TOWNSHIP,
    VILLAGE,
)
from workflows import certificates

OTHER_COUNTY = "360922000000"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class _ListTable(HTMLParser):
    """The header texts and the body rows' cell texts of the page's ``table.list``; text inside
    a cell's forms (the row's step buttons) is not data and is left out."""

    def __init__(self):
        super().__init__()
        self.header, self.rows = [], []
        self._in_list = self._in_form = False
        self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "list" in (attrs.get("class") or "").split():
            self._in_list, self.header, self.rows = True, [], []
        elif not self._in_list:
            return
        elif tag == "form":
            self._in_form = True
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td"):
            self._cell = []

    def handle_endtag(self, tag):
        if not self._in_list:
            return
        if tag == "table":
            self._in_list = False
        elif tag == "form":
            self._in_form = False
        elif tag in ("th", "td") and self._cell is not None:
            text = " ".join("".join(self._cell).split())
            (self.header if tag == "th" else self._row).append(text)
            self._cell = None
        elif tag == "tr" and self._row:
            self.rows.append(self._row)

    def handle_data(self, data):
        if self._cell is not None and not self._in_form:
            self._cell.append(data)


def page_table(response):
    parser = _ListTable()
    parser.feed(response.content.decode())
    return parser


def workbook_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [list(row) for row in sheet.values]


def shown(cell) -> str:
    """A workbook cell as the page prints it: dates as YYYY-MM-DD (with the minute when the
    cell has one), an empty cell as the page's "—"."""
    if cell is None:
        return "—"
    if isinstance(cell, datetime.datetime):
        return f"{cell:%Y-%m-%d}" if cell.time() == datetime.time() else f"{cell:%Y-%m-%d %H:%M}"
    return str(cell)


def same(page_text: str, cell) -> bool:
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return decimal.Decimal(page_text) == decimal.Decimal(str(cell))
    return (page_text or "—") == shown(cell)


# Each list: who looks, what they see (rows of their jurisdiction) and what they must not (one
# row of another jurisdiction, recognised by a text of its own).


def _persons(ctx):
    household = HouseholdFactory(region=ctx.regions[VILLAGE])
    PersonFactory(region=ctx.regions[VILLAGE], household=household)
    PersonFactory.create_batch(2, region=ctx.regions[VILLAGE])
    PersonFactory(region=ctx.regions[OTHER_TOWNSHIP_VILLAGE], name="外乡人")
    return ctx.officer(Role.VILLAGE_OFFICER, VILLAGE), reverse("person-list"), 3, "外乡人"


def _applications(ctx):
    ApplicationFactory.create_batch(3, applicant__region=ctx.regions[VILLAGE], created_by=ctx.clerk)
    ApplicationFactory(
        applicant__region=ctx.regions[OTHER_VILLAGE],
        applicant__name="邻村人",
        created_by=ctx.clerk,
    )
    return ctx.officer(Role.VILLAGE_OFFICER, VILLAGE), reverse("application-list"), 3, "邻村人"


def _cases(ctx):
    approver = ctx.officer(Role.CASE_APPROVER, TOWNSHIP)
    for n, code in enumerate([VILLAGE, VILLAGE, OTHER_VILLAGE, OTHER_TOWNSHIP_VILLAGE]):
        EnforcementCase.objects.create(
            region=ctx.regions[code],
            source="hotline",
            received_on=datetime.date(2026, 11, 1 + n),
            subject="外乡诊所" if code == OTHER_TOWNSHIP_VILLAGE else f"某诊所{n}",
            summary="举报",
            recorded_by=approver,
            recorded_at=clock.now(),
        )
    return approver, reverse("case-list"), 3, "外乡诊所"


def _apply_for_certificate(officer, region, name, serial):
    number = synthetic_id_number(VILLAGE, datetime.date(1994, 3, 8), serial, male=False)
    return certificates.apply(
        Actor(officer),
        MigrantCertificate(
            kind="marriage_childbearing",
            holder_name=name,
            holder_id_number=number,
            registration_region=region,
            registration_address="城关镇东风村5组",
            marital_status="married",
            married_on=datetime.date(2018, 10, 1),
            spouse_name="杨志强",
        ),
    )


def _certificates(ctx):
    mine = ctx.officer(Role.MIGRANT_SERVICE_OFFICER, TOWNSHIP)
    other = ctx.officer(Role.MIGRANT_SERVICE_OFFICER, OTHER_TOWNSHIP)
    for serial in range(3):
        _apply_for_certificate(mine, ctx.regions[VILLAGE], f"韩秀{serial}", serial + 1)
    _apply_for_certificate(other, ctx.regions[OTHER_TOWNSHIP_VILLAGE], "石桥人", 9)
    return mine, reverse("certificate-list"), 3, "石桥人"


def _notices(ctx):
    mine = ctx.officer(Role.MIGRANT_SERVICE_OFFICER, TOWNSHIP)
    certificate = _apply_for_certificate(mine, ctx.regions[VILLAGE], "韩秀英", 1)
    third = RegionFactory(code="360921102000", name="第三乡")
    sent = timezone.now() - datetime.timedelta(days=40)
    for n, (start, end, message) in enumerate(
        [
            (TOWNSHIP, OTHER_TOWNSHIP, "请核实"),
            (OTHER_TOWNSHIP, TOWNSHIP, "已核实"),
            (TOWNSHIP, OTHER_TOWNSHIP, "已发证"),
            (OTHER_TOWNSHIP, third.code, "与本乡无关"),
        ]
    ):
        CertificateNotice.objects.create(
            certificate=certificate,
            kind="issue_notice",
            from_region=Region.objects.get(code=start),
            to_region=Region.objects.get(code=end),
            message=message,
            sent_by=mine,
            sent_at=sent + datetime.timedelta(days=n),
        )
    return mine, reverse("notice-list"), 3, "与本乡无关"


def _postings(ctx):
    opener = ctx.officer(Role.VILLAGE_OFFICER, VILLAGE)
    program = Program.objects.get(code="rural-reward")
    for n, (code, place) in enumerate(
        [(VILLAGE, "村部"), (VILLAGE, "村口"), (VILLAGE, "祠堂"), (OTHER_VILLAGE, "邻村村部")]
    ):
        Posting.objects.create(
            level="village",
            region=ctx.regions[code],
            program=program,
            year=2026 - n,
            starts_on=datetime.date(2026, 11, 1 + n),
            ends_on=datetime.date(2026, 11, 8 + n),
            place=place,
            contact_phone="0790-1234567",
            opened_by=opener,
            opened_at=clock.now(),
        )
    return opener, reverse("posting-list"), 3, str(2026 - 3)


def _batches(ctx):
    disburser = ctx.officer(Role.DISBURSEMENT_OFFICER, COUNTY)
    other_county = RegionFactory(code=OTHER_COUNTY, name="邻县")
    program = Program.objects.get(code="rural-reward")
    first = None
    for n, county in enumerate([ctx.regions[COUNTY]] * 3 + [other_county]):
        first = PaymentBatch.objects.create(
            program=program,
            region=county,
            period_start=datetime.date(2023 + n, 1, 1),
            period_end=datetime.date(2023 + n, 12, 31),
            follows=first if n == 1 else None,
            payment_count=3 + n,
            total_fen=180_050 * (n + 1),
            built_by=disburser,
            built_at=clock.now(),
        )
    return disburser, reverse("batch-list"), 3, "邻县"


def _change_requests(ctx):
    requester = ctx.officer(Role.VILLAGE_OFFICER, VILLAGE)
    for code in (VILLAGE, VILLAGE, OTHER_VILLAGE, OTHER_TOWNSHIP_VILLAGE):
        application = ApplicationFactory(
            applicant__region=ctx.regions[code],
            applicant__name="外乡领取人" if code == OTHER_TOWNSHIP_VILLAGE else "领取人",
            status="enrolled",
            paid_from=datetime.date(2026, 1, 1),
            created_by=requester,
        )
        ChangeRequest.objects.create(
            application=application,
            region_id=code,
            kind="address",
            before={"household": "1", "address": "旧址"},
            after={"household": "1", "address": "新址"},
            effective_from=datetime.date(2026, 11, 1),
            reason="搬家",
            requested_by=requester,
            requested_at=clock.now(),
        )
    return ctx.officer(Role.TOWNSHIP_REVIEWER, TOWNSHIP), reverse("change-list"), 3, "外乡领取人"


def _suspect(ctx, code_a, code_b, name, serial):
    born = datetime.date(1955, 3, 8)
    people = [
        PersonFactory(
            name=name,
            region=ctx.regions[code],
            id_number=synthetic_id_number(code, born, serial + n, male=True),
        )
        for n, code in enumerate((code_a, code_b))
    ]
    applications = [
        ApplicationFactory(
            applicant=person, spouse=PersonFactory(region=person.region), created_by=ctx.clerk
        )
        for person in people
    ]
    return DuplicateSuspect.objects.create(
        person_a=people[0],
        person_b=people[1],
        application_a=applications[0],
        application_b=applications[1],
        found_at=clock.now(),
    )


def _duplicates(ctx):
    for serial in (10, 20, 30):
        _suspect(ctx, VILLAGE, OTHER_VILLAGE, f"赵国{serial}", serial)
    _suspect(ctx, OTHER_TOWNSHIP_VILLAGE, OTHER_TOWNSHIP_VILLAGE, "石桥重名", 40)
    return ctx.officer(Role.SUPERVISOR, TOWNSHIP), reverse("duplicate-list"), 3, "石桥重名"


def _imports(ctx):
    officer = ctx.officer(Role.VILLAGE_OFFICER, VILLAGE)
    other = ctx.officer(Role.VILLAGE_OFFICER, OTHER_VILLAGE)
    for n, (who, name) in enumerate(
        [
            (officer, "一组.xlsx"),
            (officer, "二组.xlsx"),
            (officer, "三组.csv"),
            (other, "邻村.xlsx"),
        ]
    ):
        DataImport.objects.create(
            kind="persons",
            file=f"imports/{n}.xlsx",
            file_name=name,
            sha256=f"{n}" * 64,
            region=who.jurisdiction,
            imported_by=who,
            status="imported",
            rows=10 + n,
            valid_rows=9 + n,
            imported_rows=9 + n,
        )
    return officer, reverse("import-list"), 3, "邻村.xlsx"


def _officers(ctx):
    administrator = ctx.officer(Role.ADMINISTRATOR, COUNTY)
    ctx.officer(Role.VILLAGE_OFFICER, VILLAGE)
    ctx.officer(Role.TOWNSHIP_REVIEWER, TOWNSHIP, is_active=False)
    far = RegionFactory(code=OTHER_COUNTY, name="邻县")
    OfficerFactory(roles=[Role.VILLAGE_OFFICER], jurisdiction=far, username="far_away")
    return administrator, reverse("officer-list"), 3, "far_away"


LISTS = {
    "persons": _persons,
    "applications": _applications,
    "cases": _cases,
    "certificates": _certificates,
    "notices": _notices,
    "postings": _postings,
    "payment batches": _batches,
    "change requests": _change_requests,
    "duplicates": _duplicates,
    "imports": _imports,
    "officers": _officers,
}


class _Context:
    def __init__(self, regions):
        self.regions = regions

    @functools.cached_property
    def clerk(self):
        """The village officer who recorded the applications."""
        return self.officer(Role.VILLAGE_OFFICER, VILLAGE)

    def officer(self, role, code, **values):
        return OfficerFactory(roles=[role], jurisdiction=self.regions[code], **values)


@pytest.mark.django_db
@pytest.mark.parametrize("build", LISTS.values(), ids=LISTS.keys())
def test_the_workbook_has_the_pages_columns_and_rows(client, regions, build):
    viewer, url, count, elsewhere = build(_Context(regions))
    client.force_login(viewer)
    page = client.get(url)
    assert page.status_code == 200
    export = page.context["export_url"]
    assert export == f"{url}?format=xlsx"
    table = page_table(page)
    rows = workbook_rows(client.get(export))

    # The select-all box heads a column of checkboxes: not a column of the list.
    assert rows[0] == [text for text in table.header if text]
    assert rows[0] == [str(column.label) for column in page.context["columns"]]
    body = rows[1:]
    assert len(body) == count == page.context["page"].paginator.count
    for page_row, cells in zip(table.rows, body, strict=True):
        shown_cells = page_row[-len(cells) :]
        for text, cell in zip(shown_cells, cells, strict=True):
            assert same(text, cell), (text, cell)
    assert all(elsewhere not in shown(cell) for row in body for cell in row)


@pytest.mark.django_db
@pytest.mark.parametrize("build", LISTS.values(), ids=LISTS.keys())
def test_the_export_asks_a_fixed_number_of_queries(
    client, regions, build, django_assert_max_num_queries
):
    viewer, url, count, _ = build(_Context(regions))
    client.force_login(viewer)
    # Session, officer, groups and permissions, then the rows (and the officers' roles) in
    # one query each however many there are.
    with django_assert_max_num_queries(7):
        response = client.get(url, {"format": "xlsx"})
    assert len(workbook_rows(response)) == count + 1


@pytest.mark.django_db
def test_the_export_keeps_the_pages_filters_and_search_and_every_page(
    client, regions, village_officer, settings
):
    settings.CASEWORK_PAGE_SIZE = 2
    PersonFactory.create_batch(5, region=regions[VILLAGE], male=False)
    PersonFactory.create_batch(2, region=regions[VILLAGE], male=True)
    wanted = PersonFactory(region=regions[VILLAGE], name="独一无二", male=True)
    client.force_login(village_officer)

    page = client.get(reverse("person-list"), {"sex": "female", "page": 2})
    export = page.context["export_url"]
    assert "page=" not in export and "sex=female" in export and "format=xlsx" in export
    body = workbook_rows(client.get(export))[1:]
    assert len(body) == 5 > len(page.context["page"].object_list)
    assert {row[2] for row in body} == {"女"}

    searched = client.get(reverse("person-list"), {"q": "独一无二"}).context["export_url"]
    assert [row[0] for row in workbook_rows(client.get(searched))[1:]] == [wanted.name]


@pytest.mark.django_db
def test_money_dates_and_masked_ids_keep_their_types(client, regions, disburser, village_officer):
    PaymentBatch.objects.create(
        program=Program.objects.get(code="rural-reward"),
        region=regions[COUNTY],
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
        payment_count=2,
        total_fen=120_050,
        built_by=disburser,
        built_at=clock.now(),
    )
    client.force_login(disburser)
    header, batch = workbook_rows(client.get(reverse("batch-list"), {"format": "xlsx"}))
    assert batch[header.index("合计（元）")] == pytest.approx(1200.50)
    assert batch[header.index("笔数")] == 2

    person = PersonFactory(region=regions[VILLAGE])
    client.force_login(village_officer)
    header, row = workbook_rows(client.get(reverse("person-list"), {"format": "xlsx"}))
    assert row[header.index("出生日期")] == datetime.datetime.combine(
        person.birth_date, datetime.time()
    )
    assert row[header.index("身份证号码")] == person.masked_id_number
    assert person.id_number not in {str(cell) for cell in row}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, role",
    [
        ("duplicate-list", Role.VILLAGE_OFFICER),
        ("import-list", Role.FUND_MANAGER),
        ("officer-list", Role.VILLAGE_OFFICER),
        ("officer-list", Role.SUPERVISOR),
    ],
)
def test_an_officer_who_may_not_see_the_list_may_not_export_it(client, make_officer, url, role):
    officer = make_officer(role, COUNTY if role != Role.VILLAGE_OFFICER else VILLAGE)
    client.force_login(officer)
    assert client.get(reverse(url)).status_code == 403
    assert client.get(reverse(url), {"format": "xlsx"}).status_code == 403


@pytest.mark.django_db
def test_a_list_without_rows_exports_its_header(client, regions, make_officer):
    client.force_login(make_officer(Role.INVESTIGATOR, COUNTY))
    rows = workbook_rows(client.get(reverse("case-list"), {"format": "xlsx"}))
    assert len(rows) == 1 and rows[0][0] == "案件"


@pytest.mark.django_db
def test_the_export_needs_a_login(client):
    response = client.get(reverse("person-list"), {"format": "xlsx"})
    assert response.status_code == 302 and "login" in response.url


@pytest.mark.django_db
def test_a_name_with_a_control_character_still_exports_from_the_page(
    client, regions, village_officer
):
    """The page's workbook writes through the same writer as the API's: a control character,
    valid in the database but not in a workbook, shows as U+FFFD instead of failing it."""
    PersonFactory(region=regions[VILLAGE], name="赵\x01新")
    client.force_login(village_officer)
    header, row = workbook_rows(client.get(reverse("person-list"), {"format": "xlsx"}))
    assert row[header.index("姓名")] == "赵\ufffd新"
