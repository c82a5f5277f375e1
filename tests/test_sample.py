"""The committed sample is the generator's output and the Lucheng of the seed article."""

from __future__ import annotations

import csv
import filecmp

from graph.embedded import EmbeddedStore
from graph.ontology import load
from ingest import lucheng
from ingest.pipeline import ingest
from ingest.readers import ReadLimits
from ingest.synthetic import generate, write_dataset
from tests.conftest import SAMPLE_DIR, snapshot

ARTICLE_BASES = {  # name → category, as the seed article says
    "抖音之家·同心荟": "孵化型",
    "新新之家·同心荟": "联盟型",
    "七都商盟·同心荟": "联盟型",
    "工艺美术·同心荟": "文化型",
    "新联心之家·同心荟": "服务型",
    "鹿港新悦汇·同心荟": "服务型",
    "鹿城E咖·同心荟": "服务型",
    "双井坊·同心荟": "青创型",
    "大南里·新创营": "青创型",
    "218婚博荟·同心荟": "青创型",
}


def _rows(name: str) -> list[dict]:
    return _rows_of(SAMPLE_DIR / name)


def test_the_sample_is_regenerated_byte_for_byte(tmp_path):
    written = write_dataset(load(), generate(400, 2024), tmp_path)
    assert {p.name for p in written} == {p.name for p in SAMPLE_DIR.glob("*.csv")}
    for path in written:
        assert filecmp.cmp(path, SAMPLE_DIR / path.name, shallow=False), path.name


def test_a_roster_past_the_row_limit_is_written_in_parts_that_load_as_the_whole(tmp_path):
    """A province's million people do not fit one roster file; the parts each do and load as one."""
    rows = generate(400, 2024)
    written = write_dataset(load(), rows, tmp_path / "parts", part_rows=150)
    people = sorted(p.name for p in written if p.name.startswith("人员"))
    assert people == ["人员-1.csv", "人员-2.csv", "人员-3.csv"]
    assert sum(len(_rows_of(tmp_path / "parts" / name)) for name in people) == len(rows["people"])
    limit = ReadLimits(rows=200)  # each part fits (150 rows and the header), the whole does not
    whole, parts = EmbeddedStore(tmp_path / "whole"), EmbeddedStore(tmp_path / "parted")
    assert ingest(whole, [SAMPLE_DIR]).ok
    assert not ingest(EmbeddedStore(tmp_path / "refused"), [SAMPLE_DIR], limits=limit).ok  # the whole is past it
    assert ingest(parts, [tmp_path / "parts"], limits=limit).ok
    assert snapshot(parts) == snapshot(whole)


def _rows_of(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_seventeen_bases_in_five_categories_across_fourteen_towns():
    bases = _rows("基地.csv")
    assert len(bases) == 17
    assert {b["类别"] for b in bases} == {"孵化型", "联盟型", "文化型", "服务型", "青创型"}
    assert [b["级别"] for b in bases].count("国家级") == 1
    assert [b["级别"] for b in bases].count("省级") == 2
    towns = {name for _, name in lucheng.TOWNS}
    assert len(towns) == 14 and {b["所属镇街"] for b in bases} == towns  # 区、镇街两级全覆盖
    by_name = {b["名称"]: b["类别"] for b in bases}
    assert {name: by_name.get(name) for name in ARTICLE_BASES} == ARTICLE_BASES


def test_the_people_are_of_every_kind():
    people = _rows("人员.csv")
    roles = "、".join(p["人员类别"] for p in people)
    assert {"新阶层人士", "专家", "联系领导"} <= set(roles.split("、"))
    members = [p for p in people if "新阶层人士" in p["人员类别"]]
    assert {p["新阶层类别"] for p in members} == set(load().labels["Member"].properties["stratum"].values)
    assert any(p["代表人士"] == "是" and p["政治安排"] for p in members)
