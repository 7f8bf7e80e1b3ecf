"""A village officer applies, visits and appraises through the pages, in Chinese, in a real
browser (Debian's headless Chromium driven by Playwright). A screenshot of each page is kept in
test-artifacts/ for people to look at."""

import datetime

import pytest

from casework.models import Application, ApplicationStatus
from tests.e2e.conftest import ARTIFACTS, needs_chromium
from tests.workflows.test_applications import person

pytestmark = needs_chromium


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_apply_visit_and_appraise_in_the_browser(
    browser, live_server, village_officer, offices, regions
):
    from django.conf import settings

    applicant = person(regions, datetime.date(1961, 8, 8))
    page = browser.new_page(locale="zh-CN", viewport={"width": 1200, "height": 1400})

    page.goto(f"{live_server.url}/login/")
    assert "登录" in page.content()
    page.fill("input[name=username]", "village_officer")
    page.fill("input[name=password]", "casework-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert "您好" in page.content()

    page.goto(f"{live_server.url}/applications/new/")
    page.select_option("select[name=program]", "rural-reward")
    page.fill("input[name=applicant_id_number]", applicant.id_number)
    page.fill("input[name=living_children]", "1")
    page.fill("input[name=children_evidence]", "户口簿")
    page.fill("input[name=births_outside_policy]", "0")
    page.fill("input[name=births_evidence]", "生育情况证明")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/applications/*/")
    assert "已提交" in page.content()
    page.screenshot(path=str(ARTIFACTS / "1-applied.png"), full_page=True)

    visit = page.locator("form", has_text="登记入户核实")
    visit.locator("input[name=visited_on]").fill("2026-11-20")
    visit.locator("input[name=met_in_person]").check()
    for check in visit.locator("input[name=checklist]").all():
        check.check()
    visit.locator("input[name=living_children]").fill("1")
    visit.locator("input[name=children_evidence]").fill("户口簿、村委会证明")
    visit.locator("input[name=births_outside_policy]").fill("0")
    visit.locator("input[name=births_evidence]").fill("计生档案")
    visit.locator("input[name=opinion]").fill("入户核实，情况属实")
    visit.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "已入户核实" in page.content()
    page.screenshot(path=str(ARTIFACTS / "2-visited.png"), full_page=True)

    page.goto(f"{live_server.url}/applications/")
    page.check(f"input[name=selected][value='{Application.objects.get().pk}']")
    page.click("summary:has-text('民主评议')")
    page.fill("input[name=held_on]", "2026-11-22")
    page.fill("textarea[name=attendees]", "村两委成员、村民代表")
    page.fill("input[name=representatives]", "12")
    page.fill("input[name=party_members]", "5")
    page.fill("input[name=peers]", "4")
    page.fill("textarea[name=minutes]", "逐户介绍入户核实情况，与会人员无异议，一致同意。")
    page.select_option("select[name=opinion]", "agree")
    page.click("text=登记评议")
    page.wait_for_load_state()
    assert "已评议1条" in page.content()
    page.screenshot(path=str(ARTIFACTS / "3-appraised.png"), full_page=True)

    assert Application.objects.get().status == ApplicationStatus.APPRAISED
    assert settings.LANGUAGE_CODE == "zh-hans"
