"""The documents an article names, and the bodies that issue the one it announces."""

from __future__ import annotations

from policydigest.enrich.facts import extract_facts
from policydigest.intel.documents import document_mentions


def _issuers(title: str, body: str) -> list[tuple[str, str | None]]:
    mentions = document_mentions(title, body, extract_facts(title + "\n" + body))
    announced = next(m for m in mentions if m.announces)
    return [(i.name, i.government) for i in announced.issuers]


def test_a_title_naming_the_first_of_several_issuers_takes_them_all_from_the_body() -> None:
    title = "国家发展改革委等三部门印发《算力惠企专项行动方案》"
    body = "日前，国家发展和改革委员会、国家数据局、工业和信息化部印发《算力惠企专项行动方案》。"
    assert [name for name, _ in _issuers(title, body)] == ["国家发展和改革委员会", "国家数据局", "工业和信息化部"]


def test_offices_of_a_government_or_a_party_committee_are_kept_in_full() -> None:
    body = "中共湖南省委办公厅、湖南省人民政府办公厅近日印发《湖南省数字人才实施方案》。"
    assert _issuers("湖南印发数字人才实施方案", body) == [
        ("中共湖南省委员会办公厅", "中共湖南省委员会"),
        ("湖南省人民政府办公厅", "湖南省人民政府"),
    ]
    city = "长沙市人民政府办公室日前印发《长沙市数据产业若干措施》。"
    assert _issuers("长沙出台数据产业措施", city) == [("长沙市人民政府办公室", "长沙市人民政府")]


def test_a_department_written_in_full_is_an_issuer() -> None:
    body = "湖南省工业和信息化厅、湖南省科学技术厅印发《湖南省智能制造行动方案》。"
    issuers = [name for name, _ in _issuers("湖南印发智能制造行动方案", body)]
    assert issuers == ["湖南省工业和信息化厅", "湖南省科学技术厅"]


def test_the_body_in_the_source_line_does_not_issue() -> None:
    body = "（来源：湖南省通信管理局）湖南省数据局近日印发《湖南省数据流通实施方案》。"
    assert [name for name, _ in _issuers("湖南印发数据流通实施方案", body)] == ["湖南省数据局"]
