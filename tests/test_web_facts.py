"""The facts of an article page: each document once (by its full name), ratios apart from amounts of money."""

from __future__ import annotations

from policydigest.enrichment import DocumentFact, Facts, MoneyFact
from policydigest.web.facts import fact_groups


def document(name: str, kind: str | None = None) -> DocumentFact:
    return DocumentFact(text=f"《{name}》", start=0, end=len(name) + 2, name=name, kind=kind, status=None)


def money(text: str, kind: str, amount: float, ratio: float | None = None) -> MoneyFact:
    currency = "%" if kind == "ratio" else "CNY"
    return MoneyFact(text=text, start=0, end=len(text), amount=amount, currency=currency, kind=kind, ratio=ratio)  # type: ignore[arg-type]


FACTS = Facts(
    documents=[
        document("贵州省算力产业高质量发展实施方案", "方案"),
        document("算力产业高质量发展实施方案", "方案"),
        document("数据安全法"),
    ],
    money=[money("最高500万元", "cap", 5_000_000.0), money("10%", "ratio", 0.1, 0.1)],
)


def links(label: str) -> list[str]:
    group = next((g for g in fact_groups(FACTS) if g.label == label), None)
    return [] if group is None else [link.text for link in group.links]


def test_a_document_cited_in_short_and_in_full_is_listed_once_by_its_full_name() -> None:
    assert links("文件") == ["《贵州省算力产业高质量发展实施方案》", "《数据安全法》"]


def test_a_ratio_is_not_listed_under_money_but_as_a_subsidy_ratio() -> None:
    assert links("资金") == ["最高500万元"]
    assert links("补贴比例") == ["10%"]
    money = next(g for g in fact_groups(FACTS) if g.label == "资金")
    assert money.links[0].note == "上限"
