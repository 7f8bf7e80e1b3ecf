"""A village officer works from a phone (360 × 740, touch): the inbox, an application waiting
for its household visit, the visit recorded with a photo from the camera, the appraisal list and
a posting page, none of them wider than the screen. Screenshots: test-artifacts/phone-*.png."""

import datetime
import io

import pytest
from PIL import Image

from casework.factories import ApplicationFactory
from casework.models import Application, ApplicationStatus, Objection, Program, VisitPhoto
from permissions.audit import Actor
from tests.conftest import VILLAGE
from tests.e2e.conftest import ARTIFACTS, needs_chromium
from tests.workflows.test_applications import DECLARED, person
from workflows import applications, postings

pytestmark = needs_chromium

WIDTH, HEIGHT = 360, 740


def document_photo() -> bytes:
    """A synthetic 'photo of a household book': a JPEG the size a phone might send, scaled down."""
    image = Image.new("RGB", (480, 640), (236, 228, 210))
    for row in range(60, 600, 40):
        image.paste((60, 60, 60), (40, row, 440, row + 6))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def fits_the_screen(page, name: str) -> None:
    """Nothing scrolls sideways; keep a full-page screenshot."""
    page.wait_for_load_state()
    width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(ARTIFACTS / f"phone-{name}.png"), full_page=True)
    assert width <= WIDTH, f"{name}: the page is {width} px wide"


def touch_sized(locator) -> None:
    box = locator.bounding_box()
    assert box is not None and box["height"] >= 44, box


@pytest.fixture
def field_work(regions, offices, village_officer):
    """An application waiting for its visit, and a village posting with an objection."""
    program = Program.objects.get(code="rural-reward")
    waiting = applications.apply(
        Actor(village_officer),
        Application(
            program=program, year=2026, applicant=person(regions, datetime.date(1961, 8, 8))
        ),
        DECLARED,
    )
    appraised = ApplicationFactory.create_batch(
        2,
        applicant__region=regions[VILLAGE],
        status=ApplicationStatus.APPRAISED,
        created_by=village_officer,
    )
    posting = postings.open_posting(
        Actor(village_officer),
        level="village",
        program=program,
        year=2026,
        region=regions[VILLAGE],
        starts_on=datetime.date(2026, 11, 20),
        days=7,
        place="东风村村务公开栏",
        contact_phone="0797-5210001",
        application_ids=[a.pk for a in appraised],
    ).posting
    postings.record_objection(
        Actor(village_officer),
        Objection(
            entry=posting.entries.first(),
            channel="phone",
            content="反映该户子女情况与登记不符，请核实",
            reporter_name="匿名群众",
            reporter_contact="139****0000",
            received_on=datetime.date(2026, 11, 23),
        ),
    )
    return waiting, posting


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_household_visit_with_a_photo_on_a_phone(field_work, browser, live_server):
    # The data is made (and its documents signed) before Playwright's event loop starts.
    waiting, posting = field_work
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    page = context.new_page()

    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "village_officer")
    page.fill("input[name=password]", "casework-demo")
    page.locator("button[type=submit]").tap()
    page.wait_for_url(f"{live_server.url}/")
    fits_the_screen(page, "0-home")

    # The menu folds behind one button; the row of links of wide screens is hidden.
    assert not page.locator("nav.mainnav.wide").is_visible()
    menu = page.locator("details.menu > summary")
    touch_sized(menu)
    menu.tap()
    inbox_link = page.locator("details.menu a[href='/tasks/']")
    touch_sized(inbox_link)
    fits_the_screen(page, "1-menu")
    inbox_link.tap()

    page.wait_for_url("**/tasks/")
    fits_the_screen(page, "2-inbox")
    page.locator(f"a[href='/applications/{waiting.pk}/']").tap()

    page.wait_for_url(f"**/applications/{waiting.pk}/")
    assert "已提交" in page.content()
    fits_the_screen(page, "3-application")

    visit = page.locator("form", has_text="登记入户核实")
    assert visit.get_attribute("enctype") == "multipart/form-data"
    photos = visit.locator("input[name=photos]")
    assert photos.get_attribute("capture") == "environment"
    visit.locator("input[name=visited_on]").fill("2026-11-20")
    visit.locator("input[name=met_in_person]").check()
    for check in visit.locator("input[name=checklist]").all():
        check.check()
    visit.locator("input[name=living_children]").fill("1")
    visit.locator("input[name=children_evidence]").fill("户口簿")
    visit.locator("input[name=births_outside_policy]").fill("0")
    visit.locator("input[name=births_evidence]").fill("计生档案")
    visit.locator("input[name=opinion]").fill("入户核实，情况属实")
    photos.set_input_files(
        [{"name": "hukou.jpg", "mimeType": "image/jpeg", "buffer": document_photo()}]
    )
    submit = visit.locator("button[type=submit]")
    touch_sized(submit)
    assert submit.bounding_box()["width"] <= WIDTH
    submit.tap()

    page.wait_for_selector(".visits .photos img")
    assert "已入户核实" in page.content()
    stored = VisitPhoto.objects.get(visit__application=waiting)
    thumbnail = page.locator(f".visits .photos img[src$='/photos/{stored.pk}/']")
    thumbnail.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle()
    )
    fits_the_screen(page, "4-visited")

    page.goto(f"{live_server.url}/applications/?status=visited")
    assert page.locator(f"input[name=selected][value='{waiting.pk}']").is_visible()
    appraisal = page.locator("summary", has_text="民主评议")
    touch_sized(appraisal)
    appraisal.tap()
    fits_the_screen(page, "5-appraisal")

    page.goto(f"{live_server.url}/postings/{posting.pk}/")
    assert "反映该户子女情况" in page.content()
    fits_the_screen(page, "6-posting")
    context.close()
