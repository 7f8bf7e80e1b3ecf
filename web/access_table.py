"""The role × kind table of who sees what, derived from the policy itself (roles' permissions,
scopes and document kinds), so the table officers and auditors read cannot drift from the code.

docs/access.md prints it; a test checks that the file holds exactly what this module derives.
"""

from django.apps import apps
from django.utils import translation

from documents.kinds import KINDS
from permissions.roles import ROLE_PERMISSIONS, Role
from permissions.scoping import scope_of

# The kinds of object in the table, in the order the processes meet them.
OBJECT_KINDS = (
    ("casework.Person", "人员、家庭"),
    ("casework.Application", "申报"),
    ("casework.Posting", "公示"),
    ("casework.Objection", "异议"),
    ("casework.ChangeRequest", "变更申请"),
    ("casework.PaymentBatch", "发放批次"),
    ("casework.Payment", "发放明细"),
    ("casework.Recovery", "追回"),
    ("casework.EnforcementCase", "两非案件"),
    ("casework.MigrantCertificate", "流动人口证明"),
    ("casework.CertificateNotice", "流入流出通报"),
    ("casework.DuplicateSuspect", "疑似重复"),
    ("casework.DataImport", "数据导入"),
)

JURISDICTION, ASSIGNED, NONE = "辖区", "仅承办案件", "—"


def reach_of(role: Role, label: str) -> str:
    """How far a role sees one kind of object: its jurisdiction, only what is granted to it,
    or nothing."""
    scope = scope_of(apps.get_model(label))
    permissions = ROLE_PERMISSIONS[role]
    if scope.permission in permissions:
        reach = JURISDICTION + ("及上级" if scope.include_ancestors else "")
        # Scopes with further reach: the other end of a notice or of a verification, the
        # second person of a likely duplicate.
        return reach + ("＋" if scope.also is not None else "")
    granted = scope.grant_model is not None and (
        scope.grant_needs is None or scope.grant_needs in permissions
    )
    return ASSIGNED if granted else NONE


def document_reach(role: Role, kind: str) -> str:
    """A document's reach is its subject's; an aggregate report's, that of its subject's
    statistics in the report's region."""
    spec = KINDS[kind]
    reach = reach_of(role, spec.subject)
    if spec.aggregate and reach != JURISDICTION:
        return NONE
    return reach


def markdown() -> str:
    """The table as docs/access.md prints it: one row per role, one column per kind."""
    roles = [role for role in Role]
    objects = [
        (name, lambda role, label=label: reach_of(role, label)) for label, name in OBJECT_KINDS
    ]
    documents = [
        (f"文书：{KINDS[kind].number_word}", lambda role, kind=kind: document_reach(role, kind))
        for kind in KINDS
    ]
    columns = objects + documents
    lines = [
        "| 岗位 | " + " | ".join(name for name, _reach in columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    with translation.override("zh-hans"):
        for role in roles:
            cells = [reach(role) for _name, reach in columns]
            lines.append(f"| {role.label} (`{role.value}`) | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
