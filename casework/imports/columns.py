"""The columns of each kind of import, as data: the Chinese header the file is matched by,
whether it is required, and what the template's 填写说明 sheet says about it.

Headers and explanations are Chinese whatever the interface language: the file is a format
shared with the offices' spreadsheets, like the bank file, not a page.
"""

from dataclasses import dataclass

from casework.models import ImportKind


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    # 填写说明: the format and the allowed values.
    explanation: str
    example: str


ID_NUMBER_FORMAT = "18位公民身份号码（末位可为X），须通过校验；请将单元格设为文本格式"
DATE_FORMAT = "日期，格式 YYYY-MM-DD（如 2024-01-15），不得晚于今天"

PERSON_COLUMNS = (
    Column("name", "姓名", True, "不超过50个字", "王秀英"),
    Column("id_number", "身份证号码", True, ID_NUMBER_FORMAT, "360921196005170026"),
    Column(
        "household",
        "户编号",
        False,
        "不超过20个字符；同一户的成员填写相同户编号；系统中已有的户须在同一村",
        "H360921100001-001",
    ),
    Column(
        "region",
        "村级区划代码",
        True,
        "12位统计用区划代码，须为您辖区内的村（居）",
        "360921100201",
    ),
    Column("address", "住址", False, "不超过200个字；新建户时作为户的住址", "东风村3组12号"),
    Column("hukou", "户籍性质", True, "填写“农业”或“非农业”（也可填“农村”“城镇”）", "农业"),
    Column("phone", "联系电话", False, "不超过20个字符", "13800000000"),
)

RECIPIENT_COLUMNS = (
    Column(
        "id_number",
        "身份证号码",
        True,
        ID_NUMBER_FORMAT + "；此人须已在系统中登记且在您的辖区内（可先导入人员）",
        "360921196005170026",
    ),
    Column(
        "program",
        "项目代码",
        True,
        "项目代码，见“项目”页面，如 rural-reward（奖励扶助）、special-disabled、special-deceased",
        "rural-reward",
    ),
    Column(
        "enrolled_since", "纳入日期", True, DATE_FORMAT + "；市级备案（纳入）的日期", "2020-03-01"
    ),
    Column(
        "last_paid",
        "最后发放期",
        False,
        "已发放的最后一期，格式 YYYY-MM（按月发放）或 YYYY（按年发放），也可填该期内任一日期；"
        "从下一期起发放，已发放的期不再发放；不填则从纳入后的下一期起发放",
        "2025",
    ),
    Column(
        "bank",
        "开户银行",
        False,
        "不超过60个字；系统中尚无此人账户时必填（发放须有银行账户）",
        "示范农村商业银行",
    ),
    Column(
        "account_number",
        "银行账号",
        False,
        "10至25位数字；系统中尚无此人账户时必填；已有账户时须留空或与系统一致（更正账户由发放员办理）",
        "6217990000000000001",
    ),
)

APPLICATION_COLUMNS = (
    Column(
        "id_number",
        "申请人身份证号码",
        True,
        ID_NUMBER_FORMAT + "；申请人须已在系统中登记且在您的辖区内",
        "360921196005170026",
    ),
    Column("program", "项目代码", True, "正在受理申请的项目代码，如 rural-reward", "rural-reward"),
    Column("year", "申报年度", True, "四位年份：上一年、今年或明年", "2026"),
    Column("spouse", "配偶身份证号码", False, ID_NUMBER_FORMAT + "；配偶须已在系统中登记", ""),
    Column("living_children", "现存子女数", False, "0或正整数", "1"),
    Column("living_daughters", "现存女儿数", False, "0或正整数", "1"),
    Column("children_evidence", "子女情况核对依据", False, "不超过200个字，如户口簿", "户口簿"),
    Column("births_outside_policy", "政策外生育次数", False, "0或正整数", "0"),
    Column("births_evidence", "生育情况核对依据", False, "不超过200个字", "计生档案"),
    Column("only_child_status", "独生子女状况", False, "填写“健康”“伤残”或“死亡”", ""),
    Column("further_children", "此后再生育（收养）子女数", False, "0或正整数", ""),
    Column("only_child_evidence", "独生子女情况核对依据", False, "不超过200个字", ""),
    Column("single_child_certificate", "独生子女父母光荣证", False, "填写“有”或“无”", ""),
    Column("certificate_evidence", "光荣证编号", False, "不超过200个字", ""),
    Column("marriage_history", "婚姻史", False, "填写“初婚”“再婚”“离异”或“丧偶”", ""),
    Column("marriage_evidence", "婚姻史核对依据", False, "不超过200个字，如结婚证", ""),
    Column("gave_up_second_birth", "放弃政策内再生育", False, "填写“是”或“否”", ""),
    Column("policy_birth_order", "最近一次政策内生育的孩次", False, "正整数", ""),
    Column("policy_birth_on", "最近一次政策内生育日期", False, DATE_FORMAT, ""),
    Column("contraception_on", "落实长效节育措施日期", False, DATE_FORMAT, ""),
    Column("sterilised_on", "落实绝育措施日期", False, DATE_FORMAT, ""),
    Column("pregnancy_ended_month", "政策外怀孕终止时的孕月", False, "正整数", ""),
    Column("contraception_evidence", "节育情况核对依据", False, "不超过200个字", ""),
    Column("complication_grade", "节育手术并发症等级", False, "填写“一级”“二级”或“三级”", ""),
    Column("complication_evidence", "并发症鉴定书", False, "不超过200个字", ""),
    Column("university_admission", "子女考取大学", False, "填写“无”“女儿”或“儿子”", ""),
    Column("admission_evidence", "录取通知书", False, "不超过200个字", ""),
    Column("poor_household", "困难家庭", False, "填写“是”或“否”", ""),
    Column("poverty_evidence", "困难情况核对依据", False, "不超过200个字，如低保证", ""),
    Column("retired_enterprise_worker", "企业退休职工", False, "填写“是”或“否”", ""),
    Column("retirement_evidence", "退休情况核对依据", False, "不超过200个字，如退休证", ""),
)

# Another department's extract for the half-yearly comparison (半年数据比对).
COMPARISON = "comparison"
COMPARISON_COLUMNS = (
    Column("id_number", "身份证号码", True, ID_NUMBER_FORMAT, "360921196005170026"),
    Column("name", "姓名", True, "不超过50个字，与身份证号码对应", "张某某"),
    Column(
        "event",
        "事项",
        True,
        "填写“死亡”“户籍迁出”“户籍性质变更”（或“农转非”）“婚姻登记”（或“结婚登记”“离婚登记”）",
        "死亡",
    ),
    Column("date", "日期", True, DATE_FORMAT + "；事项发生的日期", "2026-05-03"),
    Column("note", "备注", False, "不超过100个字，如死亡证明编号、迁入地", ""),
)

COLUMNS = {
    COMPARISON: COMPARISON_COLUMNS,
    ImportKind.PERSONS: PERSON_COLUMNS,
    ImportKind.RECIPIENTS: RECIPIENT_COLUMNS,
    ImportKind.APPLICATIONS: APPLICATION_COLUMNS,
}

# What the template's title says each kind holds.
TEMPLATE_TITLES = {
    COMPARISON: "半年数据比对：部门数据导入模板",
    ImportKind.PERSONS: "人员和家庭户导入模板",
    ImportKind.RECIPIENTS: "已纳入奖励扶助对象导入模板",
    ImportKind.APPLICATIONS: "新申报导入模板",
}

HUKOU_VALUES = {"农业": "rural", "农村": "rural", "非农业": "urban", "城镇": "urban"}
ONLY_CHILD_VALUES = {"健康": "healthy", "伤残": "disabled", "死亡": "deceased"}
YES_NO_VALUES = {"有": "yes", "是": "yes", "无": "no", "否": "no"}
MARRIAGE_VALUES = {
    "初婚": "first_marriage",
    "再婚": "remarried",
    "离异": "divorced",
    "丧偶": "widowed",
}
GRADE_VALUES = {"一级": "1", "二级": "2", "三级": "3"}
ADMISSION_VALUES = {"无": "none", "女儿": "daughter", "儿子": "son"}


def columns_of(kind: str) -> tuple[Column, ...]:
    """The columns of an import kind, in the template's order."""
    return COLUMNS[kind]


def headers_of(kind: str) -> dict[str, str]:
    """Column key → Chinese header."""
    return {column.key: column.header for column in columns_of(kind)}
