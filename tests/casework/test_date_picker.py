"""Date pickers show their date: a browser's date input takes only an ISO date, whatever the
language of the page (zh-hans would write 2026/11/24, and the picker would show nothing)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from casework.form_fields import DatePicker
from casework.models import ApplicationStatus


def test_the_picker_writes_an_iso_date_in_chinese():
    with translation.override("zh-hans"):
        html = DatePicker().render("day", datetime.date(2026, 11, 24))

    assert 'type="date"' in html and 'value="2026-11-24"' in html


@pytest.mark.django_db
def test_the_payment_page_offers_today_in_its_picker(client, regions, disburser, settings):
    settings.CASEWORK_TODAY = "2026-11-24"
    client.force_login(disburser)

    page = client.get(reverse("batch-list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert 'name="day" value="2026-11-24"' in page


@pytest.mark.django_db
def test_the_posting_form_offers_today_as_the_day_posted(
    client, village_officer, recipient, settings
):
    settings.CASEWORK_TODAY = "2026-11-24"
    recipient(status=ApplicationStatus.APPRAISED)
    client.force_login(village_officer)

    page = client.get(reverse("application-list"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

    assert 'name="starts_on" value="2026-11-24"' in page
