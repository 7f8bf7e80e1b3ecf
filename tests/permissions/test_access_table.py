"""docs/access.md prints the role × kind table the policy gives, so it cannot drift."""

from pathlib import Path

from permissions.roles import Role
from web import access_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "access.md"


def test_the_published_table_is_the_one_the_code_gives():
    assert access_table.markdown() in DOC.read_text(encoding="utf-8")


def test_the_table_keeps_case_papers_from_the_money_roles():
    for role in (Role.FUND_MANAGER, Role.DISBURSEMENT_OFFICER, Role.COUNTY_APPROVER):
        assert access_table.document_reach(role, "case_decision") == access_table.NONE
    assert access_table.document_reach(Role.INVESTIGATOR, "case_decision") == access_table.ASSIGNED
    assert (
        access_table.document_reach(Role.CASE_APPROVER, "case_decision")
        == access_table.JURISDICTION
    )
