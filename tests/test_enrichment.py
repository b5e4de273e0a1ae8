"""The enrichment model: authority levels and tiers declared once, and stored enrichment of earlier shapes read."""

from __future__ import annotations

from typing import Any, get_args

from policydigest.enrichment import (
    AUTHORITY_LEVELS,
    REGION_TIERS,
    TIERS,
    AuthorityLevel,
    ColumnRole,
    RegionLevel,
    Tier,
    is_abroad,
    is_subnational,
    tier_of,
    upgrade_enrichment,
)


def stored_column(role: str, scores: dict[str, float]) -> dict[str, Any]:
    column = {"column": "产业前沿", "role": role, "confidence": 0.8, "reasons": ["industry news"], "scores": scores}
    return {"column": column, "versions": {"column": "3"}}


def test_a_decision_stored_with_the_old_role_name_reads_as_the_frontier_role() -> None:
    old = stored_column("industry", {"national": 0.1, "local": 0.0, "industry": 2.5, "home": -0.2})
    decision = upgrade_enrichment(old).column
    assert decision is not None
    assert decision.role is ColumnRole.FRONTIER
    assert decision.scores == {
        ColumnRole.NATIONAL: 0.1, ColumnRole.LOCAL: 0.0, ColumnRole.FRONTIER: 2.5, ColumnRole.HOME: -0.2
    }


def test_the_renamed_decision_keeps_its_stage_version_so_nothing_is_redone_for_the_name() -> None:
    assert upgrade_enrichment(stored_column("industry", {})).versions == {"column": "3"}


def test_a_decision_with_an_unknown_role_is_dropped_with_its_version() -> None:
    upgraded = upgrade_enrichment(stored_column("sports", {}))
    assert upgraded.column is None
    assert upgraded.versions == {}


def test_a_decision_round_trips_through_its_stored_form() -> None:
    decision = upgrade_enrichment(stored_column("home", {"home": 1.0})).column
    assert decision is not None
    assert upgrade_enrichment({"column": decision.model_dump(mode="json")}).column == decision


def test_every_authority_and_region_level_has_a_declared_meaning() -> None:
    assert set(AUTHORITY_LEVELS) == set(get_args(AuthorityLevel))
    assert set(REGION_TIERS) == set(get_args(RegionLevel))
    assert set(TIERS) == set(get_args(Tier))
    assert {meaning.tier for meaning in AUTHORITY_LEVELS.values()} | set(REGION_TIERS.values()) <= set(TIERS)


def test_only_the_tier_abroad_stands_outside_the_chain_of_follow_ups() -> None:
    assert [tier for tier, meaning in TIERS.items() if meaning.depth is None] == ["foreign"]
    depths = [TIERS[tier].depth for tier in ("national", "provincial", "city")]
    assert depths == sorted(depths) and len(set(depths)) == 3


def test_levels_abroad_and_below_the_state_are_named_by_their_tiers() -> None:
    levels = [*get_args(AuthorityLevel), *get_args(RegionLevel)]
    assert sorted({level for level in levels if is_abroad(level)}) == ["bloc", "foreign", "international"]
    below_the_state = sorted({level for level in levels if is_subnational(level)})
    assert below_the_state == ["district", "prefecture", "province", "provincial"]
    assert tier_of("unknown") is None and not is_abroad("unknown") and not is_subnational("unknown")
