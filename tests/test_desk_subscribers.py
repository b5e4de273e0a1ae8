"""Subscriber administration on the desk is audited: who added, suppressed, deleted, imported or exported, on
which subscriber (by id, its address masked), committed with the change or not at all."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from policydigest.delivery import subscribers as subs
from policydigest.desk import subscribers as admin
from policydigest.desk.audit import read_audit
from policydigest.errors import NotFoundError
from policydigest.store import Store, open_store
from policydigest.store.delivery_schema import SubscriberRow


@pytest.fixture
def store() -> Store:
    """An empty store in memory."""
    return open_store("sqlite://")


def test_each_change_to_a_subscriber_is_recorded_with_who_and_which_subscriber(store: Store) -> None:
    added = admin.add(store, "王管理员", "reader@example.org")
    admin.suppress(store, "王管理员", "reader@example.org")
    assert admin.delete(store, "李管理员", "reader@example.org")
    entries = [(e.user, e.action, e.subject, e.subject_id, e.before, e.after)
               for e in reversed(read_audit(store, subject="subscriber"))]
    masked = "r***@example.org"
    assert entries == [
        ("王管理员", "subscriber.add", "subscriber", added.id, None, {"email": masked, "status": "active"}),
        ("王管理员", "subscriber.suppress", "subscriber", added.id, {"email": masked, "status": "active"},
         {"email": masked, "status": "suppressed"}),
        ("李管理员", "subscriber.delete", "subscriber", added.id, {"email": masked, "status": "suppressed"}, None),
    ]


def test_a_change_that_did_not_happen_is_not_recorded(store: Store) -> None:
    assert not admin.delete(store, "王管理员", "nobody@example.org")
    with pytest.raises(NotFoundError):
        admin.suppress(store, "王管理员", "nobody@example.org")
    assert read_audit(store, subject="subscriber") == []


def test_the_entry_commits_with_its_change_or_neither_does(store: Store) -> None:
    subs.add_subscriber(store, "reader@example.org")

    def failing(*_args: object) -> None:
        raise RuntimeError("the audit log could not be written")

    with pytest.raises(RuntimeError):
        subs.delete_subscriber(store, "reader@example.org", changed=failing)
    with store.session() as session:  # the subscriber is still there: no change without its entry
        assert session.scalar(select(SubscriberRow.status).where(SubscriberRow.email == "reader@example.org"))


def test_imports_and_exports_are_recorded_with_their_counts_and_no_address(store: Store) -> None:
    report = admin.import_csv(store, "王管理员", "email\na@example.org\nbad\nb@example.org\n")
    assert report.added == 2
    found = subs.list_subscribers(store, search="a@example")
    assert "a@example.org" in admin.export_csv(store, "王管理员", found, "a@example", "active")
    exported, imported = read_audit(store, subject="subscriber")
    assert (imported.action, imported.subject_id, imported.after) == ("subscriber.import", None,
                                                                      {"added": 2, "failed": 1})
    assert (exported.action, exported.after) == ("subscriber.export",
                                                 {"count": 1, "search": "a***@example", "status": "active"})


def test_a_re_added_address_records_its_status_before(store: Store) -> None:
    subs.request_subscription(store, "reader@example.org", source="web")
    admin.add(store, "王管理员", "reader@example.org")
    [entry] = read_audit(store, subject="subscriber")
    assert entry.before == {"email": "r***@example.org", "status": "pending"}
    assert entry.after == {"email": "r***@example.org", "status": "active"}
