"""The one hierarchy of errors; the CLI maps it to exit codes and the API to problem+json."""

from __future__ import annotations

from dataclasses import asdict, dataclass


class TongxinError(Exception):
    """Base of every error this project raises on purpose."""

    exit_code = 1


class OntologyError(TongxinError):
    """The ontology declaration contradicts itself."""


class StoreUnavailable(TongxinError):
    """The store cannot be reached or opened (Neo4j down, folder locked)."""


class NotFound(TongxinError):
    """A node named by id does not exist."""

    exit_code = 2


class QueryTimeout(TongxinError):
    """A question took longer than the store allows; ask a narrower one."""


class NotSupported(TongxinError):
    """This store cannot do that (Cypher on the embedded store)."""


class InvalidQuery(TongxinError):
    """A question's options are out of bounds (hops, types, limits)."""

    exit_code = 2


@dataclass(frozen=True)
class CellError:
    """One bad cell (or, as a warning, one cell taken with a remark): where it is, in the
    spreadsheet's own terms, what it held, and why (in Chinese)."""

    file: str
    sheet: str | None
    row: int | None
    column: str | None
    message: str
    value: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        where = [self.file]
        if self.sheet:
            where.append(f"工作表 {self.sheet}")
        if self.row is not None:
            where.append(f"第 {self.row} 行")
        if self.column:
            where.append(f"列「{self.column}」")
        return f"{'，'.join(where)}：{self.message}"


class ValidationFailed(TongxinError):
    """Input was refused; ``errors`` says where and why, cell by cell."""

    exit_code = 2

    def __init__(self, errors: list[CellError]):
        self.errors = errors
        super().__init__(f"输入有 {len(errors)} 处错误：" + "；".join(map(str, errors[:3])))
