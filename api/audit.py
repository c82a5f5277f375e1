"""The audit log: who, when, which operation, which ids.  Durable and append-only: each
record is one JSON line, flushed to disk before the answer leaves; if it cannot be
written, the request fails."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
from pathlib import Path

from api.access import Caller
from graph.errors import StoreUnavailable

AUDIT_FILE = "audit.jsonl"
logger = logging.getLogger("tongxin.audit")


class AuditUnwritable(StoreUnavailable):
    """The audit log cannot be written; said to the caller without its path (the server log has it)."""


def ids_in(answer, label: str | None = "Person") -> list[str]:
    """The ids of the nodes an answer holds, wherever they sit in it (a network's nodes, a
    path's steps, a Cypher row's node); only those of ``label`` when the answer says labels.

    >>> ids_in({"nodes": [{"id": "P1", "labels": ["Person"]}, {"id": "B1", "labels": ["Base"]}]})
    ['P1']
    >>> ids_in({"rows": [{"n": {"id": "P2", "phone": "13800138000"}}]}, label=None)
    ['P2']
    """
    found: set[str] = set()

    def walk(value) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("id"), str) and (label is None or label in value.get("labels", ())):
                found.add(value["id"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(answer)
    return sorted(found)


class AuditLog:
    """Records are appended through one descriptor opened ``O_APPEND``: each record is one
    ``write`` of a whole line, which the kernel places at the end of the file even when other
    processes (the command line, ``serve --workers N``) append at the same time, so no lock is
    taken; the descriptor is opened again when the file was moved away or removed."""

    def __init__(self, config_dir: Path):
        self.path = Path(config_dir) / AUDIT_FILE
        self._lock = threading.Lock()  # one writer per process at a time, and one opening
        self._descriptor: int | None = None

    def _open(self) -> int:
        """The descriptor, opened again if the file at ``path`` is no longer the one it writes to."""
        if self._descriptor is not None:
            try:
                same = os.path.samestat(os.fstat(self._descriptor), os.stat(self.path))
            except FileNotFoundError:
                same = False
            if same:
                return self._descriptor
            os.close(self._descriptor)
            self._descriptor = None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        return self._descriptor

    def record(self, caller: Caller | None, operation: str, ids: list[str] | None = None, **detail) -> None:
        entry = {
            "at": dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds"),
            "token": caller.token_id if caller else None,
            "name": caller.name if caller else "命令行",
            "role": caller.role.value if caller else "admin",
            **({"regions": list(caller.regions)} if caller and caller.regions else {}),
            "operation": operation,
            "ids": sorted(set(ids or [])),
            "count": len(set(ids or [])),
            **detail,
        }
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode()
        try:
            with self._lock:
                descriptor = self._open()
                if os.write(descriptor, line) != len(line):
                    raise OSError("the audit record was written only in part (is the disk full?)")
                os.fdatasync(descriptor)
        except OSError as exc:
            logger.error("cannot write the audit log %s: %s", self.path, exc)
            raise AuditUnwritable("无法写入审计日志；为保证留痕，本次操作未执行，请管理员查看服务器日志") from None

    def ingested(self, caller: Caller | None, files: list[str], report) -> None:
        """An ingest that wrote: its files, the rows read and what changed."""
        self.record(caller, "ingest", [], files=files, rows=report.rows, **report.changes())

    def exported(
        self, caller: Caller | None, fmt: str, scope: str | None, masked: bool, people: list[str], **detail
    ) -> None:
        """An export left the system: in which format, of what and whom, masked or not."""
        self.record(caller, "export", people, format=fmt, scope=scope or "all", masked=masked, **detail)

    def read(self, limit: int = 1000, offset: int = 0) -> tuple[int, list[dict]]:
        """(how many records there are, ``limit`` of them from ``offset``, oldest first);
        a negative ``offset`` counts from the end, so ``-limit`` gives the latest."""
        if not self.path.exists():
            return 0, []
        with open(self.path, encoding="utf-8") as handle:
            lines = handle.readlines()
        start = max(0, len(lines) + offset) if offset < 0 else offset
        return len(lines), [json.loads(line) for line in lines[start : start + limit]]
