"""Rows read in several processes come out as one process reads them: the same nodes (merged
and refused alike), relationships, errors in the same order, warnings."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph.embedded import EmbeddedStore
from ingest import parallel
from ingest.mapping import load_mapping
from ingest.pipeline import ingest, map_tables, read_all
from ingest.readers import Table
from ingest.resolve import known_nodes, resolve
from tests.conftest import PROJECT_DIR, SAMPLE_DIR, TINY_DIR

EXAMPLES = PROJECT_DIR / "data" / "examples"
BAD = Path(__file__).parent / "fixtures" / "bad"


def read_both_ways(store, tables: list[Table], mapping=None, run_rows: int = 3) -> tuple:
    """What one process and two processes (``run_rows`` rows at a time) make of ``tables``."""
    alone = map_tables(store, list(tables), mapping)
    shared = map_tables(store, list(tables), mapping, workers=2, run_rows=run_rows)
    return outcome(store, alone), outcome(store, shared)


def outcome(store, out) -> tuple:
    """All a collected batch says, then what resolving it against ``store`` writes and refuses."""
    read = (
        [(i, n.labels, n.properties, origin) for i, (n, origin) in out.nodes.items()],
        [
            (p.type.name, p.source, p.target, p.properties, p.origin, p.source_column, p.target_column)
            + (p.name_property, p.create)
            for p in out.pending
        ],
        list(out.errors),
        list(out.warnings),
        out.bad,
        out.derived,
        out.rows,
    )
    known_nodes(store.ontology, store, out)
    nodes, rels = resolve(store.ontology, store, out, skip_invalid=True)
    return read, sorted((n.id, sorted(n.labels)) for n in nodes), sorted(r.key for r in rels), out.errors


def test_the_sample_and_the_example_rosters_read_alike_in_several_processes(embedded_store):
    tables, errors = read_all([SAMPLE_DIR, EXAMPLES / "同心荟成员名单.xlsx"])
    assert errors == []
    alone, shared = read_both_ways(embedded_store, tables, run_rows=7)
    assert alone[0][6] > 300  # rows read
    assert alone == shared


def test_a_mapping_file_reads_alike_in_several_processes(embedded_store):
    mapping = load_mapping(embedded_store.ontology, PROJECT_DIR / "data" / "mappings" / "党政领导列名联系表.yaml")
    tables, _ = read_all([EXAMPLES / "党政领导列名联系表.csv"])
    alone, shared = read_both_ways(embedded_store, tables, mapping, run_rows=2)
    assert alone[0][0] and alone == shared


def test_bad_rosters_are_told_alike_in_several_processes(embedded_store):
    ingest(embedded_store, [TINY_DIR])
    tables, _ = read_all(sorted(BAD.glob("*/*/*")))  # each case as UTF-8, GBK and XLSX
    alone, shared = read_both_ways(embedded_store, tables, run_rows=1)
    assert len(alone[3]) >= 10  # errors after resolving
    assert alone == shared


def test_an_ingest_with_workers_writes_what_one_process_writes(tmp_path, monkeypatch):
    one, two = EmbeddedStore(tmp_path / "one"), EmbeddedStore(tmp_path / "two")
    report_one = ingest(one, [SAMPLE_DIR])
    monkeypatch.setattr(parallel, "RUN_ROWS", 50)
    report_two = ingest(two, [SAMPLE_DIR], workers=2)
    assert report_one.as_dict() == report_two.as_dict()
    assert {(n.id, n.labels) for n in one.iter_nodes()} == {(n.id, n.labels) for n in two.iter_nodes()}
    assert {r.key for r in one.iter_relationships()} == {r.key for r in two.iter_relationships()}


# Rows that repeat and contradict one another across the runs the workers get: the same id twice
# with the same or other content, the same person without an id in several rows (found by ID
# number, joined; a contradicting phone refused), bad cells, bases named by id or name.
IDS = ["P1", "P2", "P3", ""]
NAMES = ["张伟", "张伟", "李强", "单丽", ""]
ID_NUMBERS = ["330302198503120015", "330302199001011234", "33030219850312001X", "123", ""]
PHONES = ["13812345678", "13912345678", "1381234", ""]
BASES = ["B1", "工艺美术·同心荟", "七都商盟", "B99", "", "B1、B2"]
KINDS = ["新阶层人士", "联系领导", "新阶层人士、代表人士", "外星人"]


MEMBER_IDS = ["M1", "M2", ""]
UNITS = ["甲公司", "乙公司", ""]
UNIT_IDS = ["E1", "E2", "M1", ""]  # M1: the member's own id, given twice in one row
DAYS = ["2025-03-12", "2025-13-01", ""]
MEMBER_HEADERS = "序号 人员编号 姓名 性别 出生年份 联系电话 所在镇街 人士类别 所属行业 工作单位 单位编号 统一社会信用代码 职务 所属同心荟 会内职务 入会时间"


def _member_row(member_id, name, phone, unit, unit_id, base, since) -> list:
    return ["1", member_id, name, "", "", phone, "", "", "", unit, unit_id, "", "主播", base, "成员", since]


@st.composite
def rosters(draw) -> list[Table]:
    people = draw(
        st.lists(
            st.tuples(*(st.sampled_from(values) for values in (IDS, NAMES, KINDS, ID_NUMBERS, PHONES, BASES))),
            min_size=1,
            max_size=14,
        )
    )
    headers = ["编号", "姓名", "人员类别", "身份证号", "手机", "所属同心荟"]
    rows = [(n, list(cells)) for n, cells in enumerate(people, 2)]
    links = draw(
        st.lists(
            st.tuples(
                st.sampled_from(IDS + ["张伟"]), st.sampled_from(["成员", "任职", "挂钩"]), st.sampled_from(BASES)
            ),
            max_size=6,
        )
    )
    members = draw(
        st.lists(
            st.tuples(
                *(st.sampled_from(values) for values in (MEMBER_IDS, NAMES, PHONES, UNITS, UNIT_IDS, BASES, DAYS))
            ),
            max_size=8,
        )
    )
    tables = [Table("人员.csv", None, "人员", headers, rows)]
    if members:  # read through the built-in mapping of a 同心荟成员名单: a member and an employer a row
        member_rows = [(n, _member_row(*cells)) for n, cells in enumerate(members, 3)]
        tables.append(Table("成员名单.csv", None, "成员名单", MEMBER_HEADERS.split(), member_rows, header_row=2))
    if links:
        tables.append(
            Table("关系.csv", None, "关系", ["起点", "关系", "终点"], [(n, list(c)) for n, c in enumerate(links, 2)])
        )
    return tables


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tables=rosters(), run_rows=st.integers(1, 4))
def test_rows_that_repeat_across_runs_read_alike_in_several_processes(embedded_store, tables, run_rows):
    ingest(embedded_store, [TINY_DIR])  # the bases the rows name; a second time changes nothing
    alone, shared = read_both_ways(embedded_store, tables, run_rows=run_rows)
    assert alone == shared
