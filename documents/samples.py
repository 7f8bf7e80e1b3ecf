"""Synthetic data for every document kind: the demo, the tests and the benchmarks print these.

All names, numbers and places are invented.
"""

from documents.kinds import DocumentKind

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
    }[kind]()
