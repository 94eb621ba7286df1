"""The audit log: who did what, when, old → new. Append-only (the schema's triggers refuse
UPDATE, DELETE and INSERT OR REPLACE); every change writes its entry in the same transaction.

It is a hash chain: each entry stores ``prev_hash``, the hash of the entry before, and
``hash``, the SHA-256 of its own fields with ``prev_hash`` (``entry_hash``). Entries are
numbered by the writer (``seq`` = the last one's + 1, inside the write transaction), so a
removed, inserted, reordered or edited entry breaks the chain where it happened;
``verify_chain`` finds the first entry that does not fit. Entries written before the chain
existed (schema version 2) have no hash: the first chained entry's ``prev_hash`` is the digest
of all of them (``legacy_digest``).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from reviewer.domain.vocabulary import RECORD_ONLY_ACTIONS
from reviewer.workspace import clock
from reviewer.workspace.base import Connected
from reviewer.workspace.encoding import canonical
from reviewer.workspace.records import AuditEntry

AUDIT_INSERT = ("INSERT INTO audit(seq, at, actor, action, program, application, evaluator, old, new, detail,"
                " prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)")
#: The columns an entry's hash covers, in order (prev_hash last).
CHAINED = "seq, at, actor, action, program, application, evaluator, old, new, detail"


@dataclass
class Batch:
    """Sheet and audit rows of one file, written together (executemany) in its transaction."""

    sheets: list[tuple[Any, ...]]
    audit: list[tuple[Any, ...]]


def audit_row(actor: str, action: str, program: str | None = None, application: str | None = None,
              evaluator: str | None = None, old: Any = None, new: Any = None, detail: str | None = None,
              at: str | None = None) -> tuple[Any, ...]:
    """An audit row as AUDIT_INSERT takes it."""
    return (at or clock.now(), actor, action, program, application, evaluator,
            None if old is None else canonical(old), None if new is None else canonical(new), detail)


def entry_hash(seq: int, row: tuple[Any, ...], prev_hash: str) -> str:
    """The hash of one entry: its number, its fields (as ``audit_row`` gives them) and the hash
    of the entry before."""
    text = json.dumps([seq, *row, prev_hash], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def legacy_digest(rows: Iterable[tuple[Any, ...]]) -> str:
    """The digest of the entries written before the chain (rows of CHAINED), or "" for none."""
    h, any_row = hashlib.sha256(), False
    for row in rows:
        h.update(json.dumps(list(row), ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n")
        any_row = True
    return h.hexdigest() if any_row else ""


def _chain_head(conn: sqlite3.Connection) -> tuple[int, str]:
    """(seq, hash) of the newest entry: where the next one links (inside a write transaction)."""
    row = conn.execute("SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    if row is None:
        return 0, ""
    if row[1] is None:  # the first entry of the chain after a migration: link to all before it
        cur = conn.cursor()
        cur.row_factory = None
        return row[0], legacy_digest(cur.execute(f"SELECT {CHAINED} FROM audit ORDER BY seq"))
    return row[0], row[1]


def insert_audit(conn: sqlite3.Connection, rows: Iterable[tuple[Any, ...]]) -> None:
    """Append entries (rows from ``audit_row``) to the chain, inside the caller's transaction."""
    seq, prev = _chain_head(conn)
    chained = []
    for row in rows:
        seq += 1
        digest = entry_hash(seq, row, prev)
        chained.append((seq, *row, prev, digest))
        prev = digest
    conn.executemany(AUDIT_INSERT, chained)


@dataclass(frozen=True)
class ChainCheck:
    """What ``verify_chain`` found: how many entries, the newest hash (worth writing down
    elsewhere: an edit that rewrites the whole chain changes it), the first entry that does not
    fit and why."""

    entries: int
    head: str
    bad_seq: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.bad_seq is None


def verify_chain(rows: Iterator[tuple[Any, ...]]) -> ChainCheck:
    """Check the chain over rows of (CHAINED..., prev_hash, hash) in seq order."""
    legacy = hashlib.sha256()
    n, prev, expected_seq, chained = 0, "", None, False
    for row in rows:
        n += 1
        seq, fields, prev_hash, digest = row[0], row[1:10], row[10], row[11]
        if digest is None:
            if chained:
                return ChainCheck(n, prev, seq, "ハッシュのない記録が連鎖の途中にあります（記録の挿入）")
            legacy.update(json.dumps(list(row[:10]), ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n")
            prev = legacy.hexdigest()
            continue
        if expected_seq is not None and seq != expected_seq:
            return ChainCheck(n, prev, seq, f"番号が飛んでいます（seq {expected_seq} の記録がありません: 削除）")
        if prev_hash != prev:
            return ChainCheck(n, prev, seq, "前の記録のハッシュと合いません（前の記録の削除・差し替え）")
        if entry_hash(seq, tuple(fields), prev_hash) != digest:
            return ChainCheck(n, prev, seq, "内容が記録時のハッシュと合いません（記録の書き換え）")
        prev, expected_seq, chained = digest, seq + 1, True
    return ChainCheck(n, prev)


class AuditLog(Connected):
    def audit_log(self, actor: str, action: str, program: str | None = None, application: str | None = None,
                  evaluator: str | None = None, old: Any = None, new: Any = None, detail: str | None = None,
                  batch: Batch | None = None) -> None:
        """Append to the audit log (inside the caller's transaction; with ``batch``, when it
        is flushed, in the same transaction)."""
        row = audit_row(actor, action, program, application, evaluator, old, new, detail)
        if batch is not None:
            batch.audit.append(row)
        else:
            insert_audit(self.conn, [row])

    def record(self, actor: str, action: str, program: str | None = None, application: str | None = None,
               evaluator: str | None = None, detail: str | None = None) -> None:
        """An event worth auditing that changes nothing else (a session, an application opened)."""
        with self.write():
            self.audit_log(actor, action, program, application, evaluator, detail=detail)

    def audit(self, program: str | None = None, application: str | None = None,
              evaluator: str | None = None, limit: int | None = None) -> list[AuditEntry]:
        sql, args = "SELECT seq, at, actor, action, program, application, evaluator, old, new, detail FROM audit WHERE 1=1", []
        for col, val in (("program", program), ("application", application), ("evaluator", evaluator)):
            if val is not None:
                sql += f" AND {col} = ?"
                args.append(val)
        sql += " ORDER BY seq"
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [AuditEntry._make(r) for r in self.tuples().execute(sql, args)]

    def verify_audit(self) -> ChainCheck:
        """Check the audit log's hash chain from the first entry to the newest."""
        return verify_chain(iter(self.tuples().execute(f"SELECT {CHAINED}, prev_hash, hash FROM audit ORDER BY seq")))

    def last_change(self) -> int:
        """The newest audit entry that changed data (not a session, an opened application or
        an export): every change writes one, so an unchanged number means nothing to reload."""
        row = self.conn.execute(
            "SELECT seq FROM audit WHERE action NOT IN (" + ",".join("?" * len(RECORD_ONLY_ACTIONS)) + ")"
            " ORDER BY seq DESC LIMIT 1", RECORD_ONLY_ACTIONS).fetchone()
        return row[0] if row else 0
