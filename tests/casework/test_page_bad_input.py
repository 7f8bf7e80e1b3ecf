"""Bad input on the pages is a clear 4xx, never a server error: every page without an id in
its path (the lists, reports, forms and bulk actions), walked from the URL configuration, gets
NUL characters, 100,000-character values and numbers no column holds, by GET and by POST."""

import pytest
from django.urls import URLResolver, get_resolver

from casework.factories import PersonFactory
from permissions.roles import Role
from tests.conftest import COUNTY, VILLAGE

BAD_QUERIES = (
    {"q": "a\x00b"},
    {"q": "x" * 100_000},
    {"year": "1" * 30},
    {"page": "\x00"},
    {"region": "\x00"},
    {"status": "s" * 300},
    {"year": "-5"},
)
# The API, the admin, the workflow engine's own pages, language switching and static files
# are walked elsewhere or are not ours.
NOT_PAGES = ("api/", "admin/", "workflow/", "i18n/", "^static")


def pages(resolver=None, prefix=""):
    """The path of every page pattern that takes no parameter."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from pages(pattern, route)
        elif "<" not in route and "(?P" not in route and not route.startswith(NOT_PAGES):
            yield "/" + route


@pytest.fixture
def filled(issue, regions):
    """Rows in every list, so searches and filters really run against data."""
    for kind in ("application_form", "posting_notice", "case_decision", "payment_letter"):
        issue(kind, region=VILLAGE)
    issue("migrant_certificate", region=VILLAGE)
    PersonFactory(region=regions[VILLAGE])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role", [Role.SUPERVISOR, Role.COUNTY_APPROVER, Role.CASE_APPROVER, Role.FUND_MANAGER]
)
def test_no_page_answers_bad_input_with_a_server_error(client, make_officer, filled, role):
    client.force_login(make_officer(role, COUNTY))
    failed = []
    for path in sorted(set(pages())):
        for query in BAD_QUERIES:
            status = client.get(path, query).status_code
            if status >= 500:
                failed.append((path, query.keys(), status))
        status = client.post(path, {"note": "a\x00b", "q": "\x00"}).status_code
        if status >= 500:
            failed.append((path, "POST", status))
    assert failed == []


@pytest.mark.django_db
def test_a_nul_or_an_overlong_search_is_refused_naming_the_field(client, make_officer, filled):
    client.force_login(make_officer(Role.SUPERVISOR, COUNTY))
    for query in ({"q": "韩\x00"}, {"q": "x" * 100_000}):
        response = client.get("/documents/", query)
        page = response.content.decode()
        assert response.status_code == 400 and "q：" in page and "没有保存任何内容" in page

    response = client.post("/persons/new/", {"name": "赵\x00新"})
    assert response.status_code == 400 and "name：" in response.content.decode()
