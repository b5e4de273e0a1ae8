"""Delivery stage: subscribers with double opt-in and consent, the issue by e-mail, alerts, bounces.

Everything is a library call (``subscribers``, ``sending``, ``alerts``, ``bounces``): the CLI, the
public web routes and the editorial desk's pages call the same functions.
"""
