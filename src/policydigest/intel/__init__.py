"""Policy intelligence: documents as entities, follow-up links, a target tracker, comparison.

Derived from stored articles and their facts into tables of their own (``store.intel_schema``), by
:func:`build_intel`, which redoes only articles that changed. Writers keep them current
(:func:`attach_intel`, :func:`update_intel`); pages only read them (:func:`intel_behind`).
"""

from __future__ import annotations

from policydigest.intel.build import BuildReport, attach_intel, build_intel, intel_behind, update_intel

__all__ = ["BuildReport", "attach_intel", "build_intel", "intel_behind", "update_intel"]
