"""Policy intelligence: documents as entities, follow-up links, a target tracker, comparison.

Derived from stored articles and their facts into tables of their own (``store.intel_schema``), by
:func:`build_intel`, which redoes only articles that changed.
"""

from __future__ import annotations

from policydigest.intel.build import BuildReport, build_intel, refresh

__all__ = ["BuildReport", "build_intel", "refresh"]
