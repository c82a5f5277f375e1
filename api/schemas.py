"""Response models: the shapes of DESIGN.md section 6, so the OpenAPI at /docs is complete
and every answer is checked against its shape before it leaves."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NodeRef(Model):
    id: str
    name: str | None
    labels: list[str] = Field(description="本体类别 / ontology labels, e.g. Person, Member")


class RelationshipRef(Model):
    model_config = ConfigDict(extra="allow")  # the properties its type shows (ontology `shown`)
    type: str
    from_: str = Field(alias="from")
    to: str


class Stats(Model):
    nodes: dict[str, int]
    relationships: dict[str, int]


class Place(Model):
    id: str
    name: str | None
    parent: str | None


class PlacesAnswer(Model):
    places: list[Place]


class SearchResult(NodeRef):
    score: int = Field(description="100 编号, 90 全名, 80 开头, 70 包含, 65 拼音, 60 首字母, 50/45 拼音或首字母开头")
    hint: str = Field(description="区分同名者：镇街、出生年份、工作单位 / what tells namesakes apart")


class SearchAnswer(Model):
    query: str
    total: int = Field(description="匹配总数（最多 1000）/ matches, at most 1000")
    offset: int
    results: list[SearchResult]


class ListedNode(NodeRef):
    card: dict[str, Any] | None = Field(
        None, description="本体 card 所列的属性（如提案的年度、类别、办理情况）/ the columns its label's card declares"
    )


class RelationshipSummary(Model):
    type: str
    zh: str
    direction: str = Field(description="out 或 in")
    count: int = Field(description="关系条数 / relationships")
    others: int = Field(description="另一端的不同节点数 / distinct nodes at the other end")
    neighbours: list[ListedNode] = Field(description="前若干个（按拼音）；其余见 /neighbours / the first few")


class NeighboursAnswer(Model):
    type: str
    zh: str
    direction: str
    total: int
    offset: int
    neighbours: list[ListedNode]


class EntityAnswer(NodeRef):
    properties: dict[str, Any] = Field(description="查看者角色时个人信息已遮蔽 / masked for viewers")
    relationships: list[RelationshipSummary]


class PathStep(Model):
    nodes: list[NodeRef]
    relationships: list[RelationshipRef]
    sentence: str = Field(description="张三 —成员→ 抖音之家·同心荟 ←负责联系— 李四")
    go_between: list[NodeRef] = Field(description="路径上的中间人（可经其引荐）/ the people on the way")


class OutsidePath(Model):
    length: int
    note: str


class PathAnswer(Model):
    model_config = ConfigDict(populate_by_name=True, extra="forbid")
    from_: NodeRef = Field(alias="from")
    to: NodeRef
    found: bool
    length: int | None
    count: int = Field(
        description="最短路径总数（每条路线一次），不只是列出的 / every shortest route, not only those listed"
    )
    truncated: bool = Field(description="查找读到上限仍未结束时为真 / true when the search stopped at its bound")
    paths: list[PathStep]
    outside: OutsidePath | None = Field(
        None,
        description="限定镇街的令牌：经辖区外、更短的路径（只给步数）/ a shorter path through people outside the scope",
    )


class EgoAnswer(Model):
    center: NodeRef
    hops: int
    truncated: bool = Field(description="节点数达到上限时为真 / true when the node cap cut it")
    nodes: list[NodeRef]
    relationships: list[RelationshipRef]


class SharedNeighbour(NodeRef):
    via: list[list[RelationshipRef]]


class CommonAnswer(Model):
    a: NodeRef
    b: NodeRef
    common: list[SharedNeighbour]
    count: int
    by_label: dict[str, int]


class Rate(Model):
    total: int
    covered: int
    rate: float | None


class Load(Model):
    id: str
    name: str | None
    load: int


class Workload(Load):
    bases: list[str]
    last_contact: str | None


class Candidate(Load):
    score: int
    reasons: list[str]


class CoverageAnswer(Model):
    as_of: str
    window_days: int
    max_load: int
    total: int
    covered: int
    rate: float | None
    uncovered: list[str]
    stale: list[str]
    overloaded_liaisons: list[Load]
    bases_without_liaison: list[str]
    by_region: dict[str, Rate]
    by_base: dict[str, Rate]
    workload: list[Workload]
    candidates: dict[str, list[Candidate]] | None = Field(
        None, description="只在 candidates=true 时给出：为未列名联系者建议的领导 / only when asked for"
    )


class Leader(Model):
    id: str | None = Field(description="辖区外的领导为空 / none for a leader outside a scoped caller's towns")
    name: str | None


class LastContact(Model):
    date: str
    by: Leader
    method: str | None


class WorkRow(Model):
    id: str
    name: str | None
    pinyin: str | None
    region: str | None
    bases: list[str]
    industry: str | None
    seats: list[str]
    status: str = Field(description="未列名联系、超期未联系 或 正常")
    liaisons: list[Leader]
    last_contact: LastContact | None
    days: int | None = Field(description="距最近一次联系的天数，从未联系为空 / days since the last contact")
    suggested: list[Candidate]


class WorkChoices(Model):
    regions: list[str]
    bases: list[str]
    leaders: list[Leader]


class WorkList(Model):
    as_of: str
    window_days: int
    filters: dict[str, str | int | None]
    suggest: bool = Field(description="是否附建议联系领导 / whether suggested leaders were worked out")
    total: int
    shown: int
    rows: list[WorkRow]
    choices: WorkChoices


class Broker(NodeRef):
    betweenness: float
    bases: list[str]


class Community(Model):
    size: int
    members: list[str]
    names: list[str | None]


class BrokersAnswer(Model):
    scope: str | None
    nodes: int
    relationships: int
    brokers: list[Broker]
    communities: list[Community]


class QualityAnswer(Model):
    as_of: str
    duplicates: dict[str, list[list[str]]]
    isolated: list[str]
    members_without_base: list[str]
    bases_without_members: list[str]
    ended_relationships: dict[str, int]
    liaisons_without_contact: list[str]


class AuditRecord(Model):
    model_config = ConfigDict(extra="allow")
    at: str
    token: str | None
    name: str
    role: str
    operation: str
    ids: list[str]


class AuditAnswer(Model):
    total: int
    offset: int
    records: list[AuditRecord]


class CypherAnswer(Model):
    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool


class ReportTable(Model):
    key: str = Field(description="表的固定代号 / a stable name of the table")
    title: str
    basis: str = Field(description="统计口径 / what was counted")
    columns: list[str]
    rows: list[list[str | int | float | None]]


class ReportAnswer(Model):
    as_of: str
    year: int
    area: str = Field(description="地区：镇街的上级（区）")
    tables: list[ReportTable]
