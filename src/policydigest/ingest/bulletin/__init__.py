"""Bulletin import: an issue as text, Markdown-flavoured text or PDF → an ``Issue``."""
