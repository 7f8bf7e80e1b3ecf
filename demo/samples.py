"""Synthetic data for every document kind: the demo, the tests and the benchmarks print these.

All names, numbers and places are invented.
"""

from documents.kinds import DocumentKind
from workflows.enforcement_reports import HEADERS

# The title of each kind as the office prints it.
SAMPLE_TITLES = {
    DocumentKind.APPLICATION_FORM: "计划生育家庭奖励扶助申请审批表",
    DocumentKind.POSTING_NOTICE: "农村部分计划生育家庭奖励扶助对象公示",
    DocumentKind.NOT_CONFIRMED_NOTICE: "不予确认告知书",
    DocumentKind.PAYMENT_LETTER: "奖励扶助金发放告知书",
    DocumentKind.MIGRANT_CERTIFICATE: "流动人口婚育证明",
    DocumentKind.SERVICE_CERTIFICATE: "流动人口计划生育服务证",
    DocumentKind.CASE_REGISTRATION: "两非案件立案审批表",
    DocumentKind.CASE_DECISION: "两非案件处理决定书",
    DocumentKind.CASE_PRIOR_NOTICE: "行政处罚事先告知书",
    DocumentKind.CASE_REFERRAL: "案件移送函",
    DocumentKind.CASE_CLOSING: "两非案件结案审批表",
    DocumentKind.ENFORCEMENT_REPORT: "安和县2026年度两非案件查处情况统计表",
}

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张"
GIVEN = ["建国", "秀英", "桂兰", "志强", "玉梅", "德明", "淑芬", "国华", "春花", "永福"]


def masked_id(seq: int) -> str:
    return f"360921********{seq % 10000:04d}"


def posting_entries(count: int) -> list[dict]:
    """``count`` rows of a posting list, IDs masked as on a real notice board."""
    return [
        {
            "name": SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)],
            "sex": "男" if i % 2 else "女",
            "id_number": masked_id(1000 + i),
            "village": ["东风村", "红星村", "新民村", "和平村"][i % 4],
            "category": "农村部分计划生育家庭奖励扶助",
            "amount": "960.00",
        }
        for i in range(count)
    ]


def sample_data(kind: str, *, rows: int = 12) -> dict:
    """Plausible data for ``kind``; ``rows`` sizes the lists of long kinds."""
    return {
        DocumentKind.POSTING_NOTICE: lambda: {
            "level": "村级",
            "round": "第一榜",
            "program": "农村部分计划生育家庭奖励扶助",
            "year": 2026,
            "region": "安和县城关镇东风村",
            "starts_on": "2026年11月18日",
            "ends_on": "2026年11月24日",
            "place": "东风村村务公开栏",
            "phones": ["0797-5210001", "0797-5210002"],
            "entries": posting_entries(rows),
        },
        DocumentKind.SERVICE_CERTIFICATE: lambda: {
            **sample_data(DocumentKind.MIGRANT_CERTIFICATE),
            "certificate_kind": "流动人口计划生育服务证",
            "residence_since": "2026年5月6日",
        },
        DocumentKind.MIGRANT_CERTIFICATE: lambda: {
            "certificate_kind": "流动人口婚育证明",
            "holder": {
                "name": "韩秀英",
                "sex": "女",
                "birth_date": "1994年3月8日",
                "ethnicity": "汉族",
                "id_number": "360921********0028",
            },
            "hukou_address": "示范省示范市安和县城关镇东风村5组",
            "residence_address": "示范省示范市新城区江滨路18号",
            "marital_status": "已婚",
            "married_on": "2018年10月1日",
            "spouse": {"name": "杨志强", "id_number": "360921********0015"},
            "children": [{"name": "杨小春", "sex": "女", "birth_date": "2019年6月12日"}],
            "contraception": "已落实长效避孕措施",
            "valid_from": "2026年11月25日",
            "valid_until": "2029年11月24日",
        },
        DocumentKind.APPLICATION_FORM: lambda: {
            "program": "农村部分计划生育家庭奖励扶助",
            "annual_amount": "960.00",
            "monthly_amount": "80.00",
            "applied_on": "2026年10月20日",
            "applicant": {
                "name": "周桂兰",
                "sex": "女",
                "birth_date": "1965年4月17日",
                "id_number": "360921********0028",
                "hukou_type": "农业",
                "address": "示范省示范市安和县城关镇东风村3组",
            },
            "spouse": {
                "name": "吴德明",
                "sex": "男",
                "birth_date": "1963年9月2日",
                "id_number": "360921********0015",
                "status": "健在",
            },
            "children": [
                {"name": "吴春花", "sex": "女", "birth_date": "1990年2月11日", "status": "健在"},
            ],
            "facts": [
                {
                    "fact": "本人及配偶均为农业户口或界定为农村居民",
                    "result": "符合",
                    "evidence": "户口簿、村委会证明",
                },
                {
                    "fact": "1973年至2001年间没有违反计划生育法律法规和政策规定生育",
                    "result": "符合",
                    "evidence": "生育情况调查表、档案记载",
                },
                {
                    "fact": "现存一个子女或两个女孩，或子女死亡现无子女",
                    "result": "符合",
                    "evidence": "入户核实、村民小组证明",
                },
                {
                    "fact": "出生于1933年1月1日以后，2026年年满60周岁",
                    "result": "符合",
                    "evidence": "居民身份证",
                },
            ],
        },
        DocumentKind.NOT_CONFIRMED_NOTICE: lambda: {
            "recipient": "陈永福",
            "applied_on": "2026年10月15日",
            "program": "农村部分计划生育家庭奖励扶助",
            "decided_by": "安和县卫生健康委员会",
            "reasons": [
                "经入户核实和档案查证，你于1998年违反当时政策规定生育第三个子女。",
                "你现有三个子女，不符合“现存一个子女或两个女孩”的条件。",
            ],
            "basis": "《农村部分计划生育家庭奖励扶助制度》及示范省有关实施办法",
            "reconsideration_body": "安和县人民政府",
            "court": "安和县人民法院",
            "phone": "0797-5210001",
        },
        DocumentKind.PAYMENT_LETTER: lambda: {
            "recipient": "周桂兰",
            "program": "农村部分计划生育家庭奖励扶助",
            "period": "2026年度",
            "amount": "960.00",
            "amount_in_words": "玖佰陆拾元整",
            "bank": "安和农村商业银行城关支行",
            "account": "6217 **** **** 1234",
            "paid_on": "2026年12月10日",
            "phone": "0797-5210001",
        },
        DocumentKind.CASE_REGISTRATION: lambda: {
            "case_number": "安卫两非〔2026〕3号",
            "cause": "涉嫌利用超声技术为他人进行非医学需要的胎儿性别鉴定",
            "source": "举报",
            "received_on": "2026年9月8日",
            "clue_summary": "群众电话举报：安和县石桥乡某诊所经营者以“看B超”为名，为孕妇进行胎儿性别鉴定，每次收费600元。",
            "parties": [
                {"name": "郑国华", "role": "当事人", "id_or_unit": "360921********0031"},
                {
                    "name": "安和县石桥乡康宁诊所",
                    "role": "涉案医疗机构",
                    "id_or_unit": "统一社会信用代码 92360921MA3********K",
                },
            ],
            "facts": "2026年7月至8月间，当事人郑国华在安和县石桥乡康宁诊所内，使用便携式超声诊断仪为至少两名孕妇进行非医学需要的胎儿性别鉴定，收取费用共计1200元。经初步核查，举报线索基本属实。",
            "investigators": [
                {"name": "许志强", "badge": "36090921001"},
                {"name": "何玉梅", "badge": "36090921007"},
            ],
            "proposal": "当事人涉嫌违反《中华人民共和国人口与计划生育法》有关规定，符合立案条件，建议立案调查。",
        },
        DocumentKind.CASE_DECISION: lambda: {
            "case_number": "安卫两非〔2026〕3号",
            "party": {
                "name": "郑国华",
                "sex": "男",
                "id_number": "360921********0031",
                "unit": "安和县石桥乡康宁诊所（经营者）",
                "address": "示范省示范市安和县石桥乡新民村2组",
            },
            "cause": "利用超声技术为他人进行非医学需要的胎儿性别鉴定",
            "facts_found": [
                "2026年7月至8月间，当事人在安和县石桥乡康宁诊所内，使用便携式超声诊断仪为两名孕妇进行非医学需要的胎儿性别鉴定，并告知胎儿性别，收取费用共计人民币1200元。",
                "当事人不具备产前诊断资质，上述鉴定均无医学需要。",
            ],
            "evidence": [
                "现场检查笔录及现场照片",
                "当事人询问笔录",
                "两名孕妇的证人证言",
                "收费记录及转账凭证",
                "便携式超声诊断仪一台（已先行登记保存）",
            ],
            "violated": "《中华人民共和国人口与计划生育法》关于严禁利用超声技术和其他技术手段进行非医学需要的胎儿性别鉴定",
            "legal_basis": "《中华人民共和国人口与计划生育法》第三十九条",
            "decisions": ["警告", "没收违法所得人民币1200元", "罚款人民币30000元"],
            "payment_deadline": "自收到本决定书之日起15日内",
            "payment_place": "安和农村商业银行各营业网点（罚没款代收账户）",
            "reconsideration_body": "安和县人民政府",
            "court": "安和县人民法院",
        },
        DocumentKind.CASE_PRIOR_NOTICE: lambda: {
            "case_number": "安卫两非〔2026〕3号",
            "party": {"name": "郑国华", "id_number": "360921********0031", "unit": ""},
            "cause": "利用超声技术为他人进行非医学需要的胎儿性别鉴定",
            "facts_found": [
                "2026年7月至8月间，你为两名孕妇进行非医学需要的胎儿性别鉴定，收取费用1200元。"
            ],
            "violated": "《中华人民共和国人口与计划生育法》关于严禁非医学需要的胎儿性别鉴定",
            "legal_basis": "《中华人民共和国人口与计划生育法》第三十九条",
            "decisions": ["警告", "没收违法所得人民币1200元", "罚款人民币30000元"],
            "statement_days": 3,
            "hearing": True,
            "contact": "0797-5210001",
        },
        DocumentKind.CASE_REFERRAL: lambda: {
            "recipient": "安和县公安局",
            "case_number": "安卫两非〔2026〕3号",
            "party": {"name": "郑国华", "id_number": "360921********0031", "unit": ""},
            "cause": "利用超声技术为他人进行非医学需要的胎儿性别鉴定",
            "facts_found": ["当事人多次为孕妇鉴定胎儿性别并介绍终止妊娠，涉嫌非法行医。"],
            "reason": "当事人的行为涉嫌犯罪，依照《行政执法机关移送涉嫌犯罪案件的规定》，",
            "materials": ["案件调查报告", "询问笔录", "证据材料复印件"],
            "contact": "0797-5210001",
        },
        DocumentKind.CASE_CLOSING: lambda: {
            "case_number": "安卫两非〔2026〕3号",
            "cause": "利用超声技术为他人进行非医学需要的胎儿性别鉴定",
            "summary": "本案于2026年9月10日立案。经调查，当事人郑国华于2026年7月至8月间为两名孕妇进行非医学需要的胎儿性别鉴定，违法所得1200元。2026年10月20日作出处理决定，当事人在法定期限内未申请行政复议、未提起行政诉讼。",
            "dispositions": [
                {
                    "party": "郑国华",
                    "decision": "警告；没收违法所得1200元；罚款30000元",
                    "fine": "31200.00",
                    "status": "已全部履行，2026年11月3日缴清",
                },
                {
                    "party": "安和县石桥乡康宁诊所",
                    "decision": "移送示范市卫生健康委员会依法处理",
                    "fine": "",
                    "status": "已移送",
                },
            ],
            "closing_reason": "处理决定已执行完毕，罚没款已全额缴入国库，符合结案条件。",
            "archive": "案卷共1卷46页，按行政执法案卷归档，保管期限30年。",
        },
        DocumentKind.ENFORCEMENT_REPORT: lambda: {
            "year": 2026,
            "region": "安和县",
            "as_of": "2026年12月31日",
            "headers": HEADERS,
            "rows": [
                ["城关镇", 30, 28, 60, 31, 3, 2, 7, 4, 46, "90000.00", "80000.00"],
                ["石桥乡", 19, 18, 38, 20, 1, 1, 4, 3, 30, "60000.00", "60000.00"],
            ],
            "total": ["合计", 49, 46, 98, 51, 4, 3, 11, 7, 76, "150000.00", "140000.00"],
            "notes": ["查处案件指本年度受理、立案或有处理决定执行的案件。"],
        },
    }[kind]()
