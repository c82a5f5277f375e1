"""Who may do what: tokens (stored hashed beside the store's configuration) and roles.

viewer — queries, personal information masked; officer — queries and exports, personal
information visible; admin — also ingest, tokens, the audit log and the Cypher console.
A viewer's or officer's token may be kept to some towns (``regions``): its caller sees only
their part of the graph (graph/scope.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import tempfile
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from filelock import FileLock

from graph.errors import NotFound, TongxinError

TOKENS_FILE = "tokens.json"


class Role(str, Enum):
    viewer = "viewer"
    officer = "officer"
    admin = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def may(self, needed: Role) -> bool:
        return self.rank >= needed.rank


class Unauthenticated(TongxinError):
    """No token, or one that is unknown or revoked."""


class Forbidden(TongxinError):
    """A valid token whose role may not do this."""


@dataclass(frozen=True)
class Caller:
    token_id: str
    name: str
    role: Role
    regions: tuple[str, ...] = ()  # the towns it is kept to; none: the whole district

    @property
    def sees_personal_information(self) -> bool:
        return self.role.may(Role.officer)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Tokens:
    """The token file: only SHA-256 digests are kept; the token itself is shown once."""

    def __init__(self, config_dir: Path):
        self.path = Path(config_dir) / TOKENS_FILE
        self._lock = FileLock(str(self.path) + ".lock", timeout=30)
        self._known: tuple[tuple, dict[str, dict]] = ((), {})  # (the file's stat, digest → record)

    def _read(self) -> list[dict]:
        if not self.path.exists():
            return []
        return json.loads(self.path.read_text(encoding="utf-8"))

    def _by_digest(self) -> dict[str, dict]:
        """The live tokens by digest, read again only when the file changed: every change (here,
        the command line, another worker) replaces it whole, so a new inode or time says so."""
        try:
            info = os.stat(self.path)
            stamp = (info.st_ino, info.st_mtime_ns, info.st_size)
        except FileNotFoundError:
            stamp = None
        if stamp != self._known[0]:
            live = {r["digest"]: r for r in (self._read() if stamp else []) if not r["revoked"]}
            self._known = (stamp, live)
        return self._known[1]

    def _write(self, records: list[dict]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self.path.parent, delete=False) as handle:
            json.dump(records, handle, ensure_ascii=False, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, self.path)

    def create(self, role: Role, name: str | None = None, regions: list[str] | tuple[str, ...] = ()) -> dict:
        if regions and role is Role.admin:
            raise TongxinError("管理员令牌管理全区数据，不能限定镇街；请为镇街干部生成 viewer 或 officer 令牌")
        token = "tx_" + secrets.token_urlsafe(32)
        digest = _digest(token)
        record = {
            "id": digest[:12],
            "name": name or role.value,
            "role": role.value,
            "regions": sorted(set(regions)),
            "digest": digest,
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "revoked": False,
        }
        with self._lock:
            self._write(self._read() + [record])
        return {k: record[k] for k in ("id", "name", "role", "regions")} | {"token": token}

    def list(self) -> list[dict]:
        return [
            {k: r[k] for k in ("id", "name", "role", "created", "revoked")} | {"regions": r.get("regions", [])}
            for r in self._read()
        ]

    def revoke(self, token_id: str) -> dict:
        with self._lock:
            records = self._read()
            match = [r for r in records if r["id"] == token_id]
            if not match:
                raise NotFound(f"没有编号为「{token_id}」的令牌")
            match[0]["revoked"] = True
            self._write(records)
        return {k: match[0][k] for k in ("id", "name", "role", "revoked")}

    def caller(self, token: str | None) -> Caller:
        if not token:
            raise Unauthenticated("需要令牌：请在请求头中加上 Authorization: Bearer <令牌>")
        digest = _digest(token)
        record = self._by_digest().get(digest)  # looked up by its SHA-256: the token itself is never compared
        if record is None:
            raise Unauthenticated("令牌无效或已被吊销")
        return Caller(record["id"], record["name"], Role(record["role"]), tuple(record.get("regions", ())))


def check(caller: Caller, needed: Role) -> Caller:
    if not caller.role.may(needed):
        raise Forbidden(f"角色「{caller.role.value}」无权进行此操作（需要 {needed.value}）")
    return caller
