"""Web stage: the reader web app, the JSON API (/api/v1) and feeds; ``policydigest serve`` runs it."""

from __future__ import annotations

from policydigest.web.app import create_app

__all__ = ["create_app"]
