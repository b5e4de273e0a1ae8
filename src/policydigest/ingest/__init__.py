"""Ingest stage: bulletin issues (text, Markdown, PDF) and, later, web pages and feeds."""
