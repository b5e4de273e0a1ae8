"""Opening the store: migrations, reopening, bad URLs and crashes — on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import alembic.op
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url

import policydigest
from policydigest.errors import StoreError
from policydigest.store import SaveStatus, open_store
from policydigest.store.db import alembic_config
from policydigest.store.metadata import metadata
from store_samples import article, full_issue, small_issue, snapshot, without_ids

TABLES = {"alembic_version", *metadata.tables}


def ours(name: str | None, kind: str, *_args: Any) -> bool:
    """Whether a database object is the store's: the job queue's tables belong to procrastinate."""
    return not (kind == "table" and (name or "").startswith("procrastinate_"))


def test_migrations_build_exactly_the_orm_schema(store_url: str) -> None:
    with open_store(store_url) as store, store.engine.connect() as conn:
        options = {"compare_type": True, "compare_server_default": True, "include_name": ours}
        context = MigrationContext.configure(conn, opts=options)
        assert compare_metadata(context, metadata) == []
        assert {name for name in inspect(conn).get_table_names() if ours(name, "table")} == TABLES


def test_opening_an_existing_store_again_changes_nothing(store_url: str) -> None:
    with open_store(store_url) as store:
        store.save_issue(full_issue())
        before = snapshot(store)
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        reopened = open_store(store_url)
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    with reopened:
        writes = [s for s in statements if s.split()[0].upper() in {"CREATE", "ALTER", "DROP", "INSERT", "UPDATE"}]
        assert statements and writes == []
        assert snapshot(reopened) == before
        assert without_ids(reopened.get_issue(101)) == without_ids(full_issue())


def test_a_migration_failing_halfway_leaves_no_tables_and_the_next_open_succeeds(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    create_table = alembic.op.create_table
    made: list[str] = []

    def create_two_then_fail(name: str, *columns: Any, **kw: Any) -> Any:
        if len(made) == 2:
            raise RuntimeError("power cut during migration")
        made.append(name)
        return create_table(name, *columns, **kw)

    monkeypatch.setattr(alembic.op, "create_table", create_two_then_fail)
    with pytest.raises(RuntimeError, match="power cut"):
        open_store(store_url)
    assert made == ["issues", "toc_entries"]
    engine = create_engine(store_url)
    try:
        assert inspect(engine).get_table_names() == []
    finally:
        engine.dispose()
    monkeypatch.undo()
    with open_store(store_url) as store:
        assert store.save_issue(full_issue()) is SaveStatus.CREATED


def test_a_store_from_a_newer_version_is_refused_with_store_error(store_url: str) -> None:
    with open_store(store_url) as store, store.engine.begin() as conn:
        # Several heads may be recorded (one row each); one unknown revision is enough.
        first = conn.scalar(text("SELECT min(version_num) FROM alembic_version"))
        conn.execute(
            text("UPDATE alembic_version SET version_num = '9999_from_the_future' WHERE version_num = :v"), {"v": first}
        )
    with pytest.raises(StoreError, match="9999_from_the_future"):
        open_store(store_url)


def test_a_url_with_a_percent_sign_opens(store_url: str) -> None:
    url = make_url(store_url)
    if url.get_backend_name() == "sqlite":
        url = url.set(database=str(Path(str(url.database)).with_name("100%_store.db")))
    else:
        url = url.set(password="p%ss")  # the test server trusts every password
    with open_store(url.render_as_string(hide_password=False)) as store:
        assert store.save_issue(full_issue()) is SaveStatus.CREATED


def test_deleting_rows_cascades_in_the_database_itself(store_url: str) -> None:
    with open_store(store_url) as store:
        store.save_issue(full_issue())
        with store.engine.begin() as conn:
            conn.execute(text("DELETE FROM issues"))
            counts = {t: conn.scalar(text(f"SELECT count(*) FROM {t}")) for t in ("toc_entries", "issue_articles")}
            assert counts == {"toc_entries": 0, "issue_articles": 0}
            conn.execute(text("DELETE FROM articles"))
            assert conn.scalar(text("SELECT count(*) FROM provenance")) == 0


@pytest.mark.parametrize(
    "bad",
    [
        "not a database url",
        "nosuchdialect://somewhere/db",
        "postgresql+psycopg://postgres@127.0.0.1:1/nothing_listens_here",
    ],
)
def test_a_bad_url_raises_store_error(bad: str) -> None:
    with pytest.raises(StoreError):
        open_store(bad)


def test_a_file_that_is_not_a_database_raises_store_error(tmp_path: Path) -> None:
    garbage = tmp_path / "notes.db"
    garbage.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    with pytest.raises(StoreError, match=r"notes\.db"):
        open_store(f"sqlite:///{garbage}")
    assert garbage.read_bytes().startswith(b"\x89PNG")  # untouched


def test_a_store_path_below_a_regular_file_raises_store_error(tmp_path: Path) -> None:
    (tmp_path / "plain").write_text("不是目录")
    with pytest.raises(StoreError):
        open_store(f"sqlite:///{tmp_path / 'plain' / 'store.db'}")


@pytest.mark.postgres
def test_a_missing_postgresql_database_raises_store_error(postgres_server: Any) -> None:
    with pytest.raises(StoreError, match="no_such_database"):
        open_store(postgres_server.url("no_such_database"))


def _child_env() -> dict[str, str]:
    """Environment for a child Python that imports this checkout's policydigest and the test samples."""
    paths = [str(Path(policydigest.__file__).parents[1]), str(Path(__file__).parent)]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(paths)}


_RACING_OPENER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from store_samples import article, small_issue
    from policydigest.store import open_store

    url, barrier, me, racers = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
    (barrier / str(me)).touch()
    deadline = time.monotonic() + 60
    while len(list(barrier.iterdir())) < racers and time.monotonic() < deadline:
        time.sleep(0.005)
    with open_store(url) as store:
        store.save_issue(small_issue(me, article(f"第{me}个进程的文章", total_number=me)))
    """
)


@pytest.mark.slow
def test_processes_opening_a_new_store_at_once_all_succeed(store_url: str, tmp_path: Path) -> None:
    barrier = tmp_path / "barrier"
    barrier.mkdir()
    racers = 3
    children = [
        subprocess.Popen(
            [sys.executable, "-c", _RACING_OPENER, store_url, str(barrier), str(n), str(racers)],
            env=_child_env(),
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(1, racers + 1)
    ]
    errors = [child.communicate(timeout=120)[1] for child in children]
    assert [child.returncode for child in children] == [0] * racers, "\n".join(errors)
    with open_store(store_url) as store:
        assert sorted(s.total_number for s in store.list_issues()) == [1, 2, 3]


_KILLED_WRITER = textwrap.dedent(
    """
    import os, signal, sys
    from store_samples import full_issue
    from policydigest.store import Store, open_store

    original, calls = Store._upsert_article, []

    def upsert(self, session, article, **kwargs):
        calls.append(article.title)
        if len(calls) == 3:
            session.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        return original(self, session, article, **kwargs)

    Store._upsert_article = upsert
    changed = full_issue()
    changed.cover_headline = "写到一半的新版本"
    open_store(sys.argv[1]).save_issue(changed, replace=True)
    """
)


@pytest.mark.slow
def test_a_process_killed_while_replacing_an_issue_leaves_the_store_consistent(store_url: str) -> None:
    with open_store(store_url) as store:
        store.save_issue(full_issue())
        store.save_issue(small_issue(7, article("另一期", total_number=7)))
        before = snapshot(store)
    child = subprocess.run(
        [sys.executable, "-c", _KILLED_WRITER, store_url],
        env=_child_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    with open_store(store_url) as store:
        assert snapshot(store) == before
        if store.engine.dialect.name == "sqlite":
            with store.engine.connect() as conn:
                assert conn.scalar(text("PRAGMA integrity_check")) == "ok"
                assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
        changed = full_issue()
        changed.cover_headline = "完整写入的新版本"
        assert store.save_issue(changed, replace=True) is SaveStatus.REPLACED
        assert store.get_issue(101).cover_headline == "完整写入的新版本"


def test_the_original_title_compose_kept_in_the_enrichment_moves_to_its_draft_item(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0003")
        conn.execute(
            text("INSERT INTO articles (id, content_hash, title, blocks, enrichment) VALUES (1, 'h', 't', '[]', :e)"),
            {"e": '{"compose": {"original_title": "旧标题"}, "versions": {"topics": "1"}}'},
        )
        conn.execute(
            text(
                "INSERT INTO drafts (id, series, number, total_number, date, window_from, window_to, cover_headline,"
                " status, numbering_reason) VALUES (1, 's', 1, 1, '2025-01-01', '2025-01-01', '2025-01-01', '',"
                " 'published', '')"
            )
        )
        conn.execute(
            text(
                'INSERT INTO draft_items (draft_id, article_id, "column", position, state, score, explanation,'
                " column_reason, note, new_title) VALUES (1, 1, '国策要论', 0, 'included', 0, '[]', '', '', '新标题')"
            )
        )
    engine.dispose()
    with open_store(url) as store, store.engine.connect() as conn:
        assert conn.scalar(text("SELECT original_title FROM draft_items")) == "旧标题"
        assert json.loads(conn.scalar(text("SELECT enrichment FROM articles"))) == {"versions": {"topics": "1"}}


def test_adding_the_documents_column_keeps_every_row_that_refers_to_an_article(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = create_engine(url)
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0006_desk")
        conn.execute(
            text("INSERT INTO articles (id, content_hash, title, blocks, enrichment) VALUES (1, 'h', 't', '[]', '{}')")
        )
        conn.execute(
            text(
                "INSERT INTO drafts (id, series, number, total_number, date, window_from, window_to, cover_headline,"
                " status, numbering_reason) VALUES (1, 's', 1, 1, '2025-01-01', '2025-01-01', '2025-01-01', '',"
                " 'published', '')"
            )
        )
        conn.execute(
            text(
                'INSERT INTO draft_items (draft_id, article_id, "column", position, state, score, explanation,'
                " column_reason, note) VALUES (1, 1, '国策要论', 0, 'included', 0, '[]', '', '')"
            )
        )
    engine.dispose()
    with open_store(url) as store:
        with store.engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM draft_items")) == 1
        assert [s.article.documents for s in store.stored_articles([1])] == [[]]


def test_a_subscribers_preference_columns_move_into_its_followed_facets(store_url: str) -> None:
    engine = create_engine(store_url)
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0009_delivery")
        conn.execute(
            text(
                "INSERT INTO subscribers (id, email, status, whole_issue, columns, regions, topics, frequency,"
                " consent_source, consent_text, soft_bounces) VALUES (1, 'a@example.org', 'active', false,"
                """ '["地方新政"]', '["贵州省", "遵义市"]', '[]', 'daily', 'web', '同意', 0)"""
            )
        )
    engine.dispose()
    with open_store(store_url) as store, store.engine.connect() as conn:
        follows = conn.scalar(text("SELECT follows FROM subscribers"))
        assert (json.loads(follows) if isinstance(follows, str) else follows) == {
            "column": ["地方新政"], "region": ["贵州省", "遵义市"]
        }
