"""The one table of authorities: typed, checked, and the very table the extractor matches with."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from policydigest.enrich.facts.authorities import extract_authorities
from policydigest.enrich.facts.regions import find_regions
from policydigest.enrich.facts.resources import AuthorityTable, authority_table, load_table


def test_every_written_form_of_a_national_authority_is_extracted_as_its_full_name() -> None:
    table = authority_table()
    for full, row in table.national.items():
        for form in [full, *row.aliases]:
            text = f"{form}印发通知"
            found = extract_authorities(text, find_regions(text))
            assert [a.name for a in found][:1] == [full], form
            assert table.full_name(form) == full


def test_ranking_weights_belong_to_rows_of_the_table() -> None:
    table = authority_table()
    weighted = {name: row.weight for name, row in table.national.items() if row.weight is not None}
    assert weighted["国家发展和改革委员会"] == table.get("发改委").weight == 22  # type: ignore[union-attr]
    assert weighted["国家数据局"] > weighted["工业和信息化部"]


def test_a_written_form_naming_two_authorities_is_refused() -> None:
    data = dict(load_table("authorities.toml"))
    data["national"] = {**data["national"], "科学技术部": {"aliases": ["科技部", "工信部"]}}
    with pytest.raises(ValidationError, match="工信部 names both"):
        AuthorityTable.model_validate(data)


def test_an_unknown_key_in_a_row_is_refused() -> None:
    data = dict(load_table("authorities.toml"))
    data["national"] = {**data["national"], "财政部": {"wieght": 20}}
    with pytest.raises(ValidationError, match="wieght"):
        AuthorityTable.model_validate(data)
