"""The yearly work report's figures, counted from the graph instead of by hand.

Each table carries ``basis``: in words, what was counted, so a figure can be checked.
One pass over the nodes and one over the relationships serve every table, on either
store.  A relationship counts at ``as_of`` when its ``since``/``until`` span holds it.
"""

from __future__ import annotations

import io
from collections import Counter, defaultdict

import networkx as nx
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from graph.records import active_on
from graph.spreadsheet import append_text, sheet_title
from graph.store import Store
from queries.base import day, sort_key
from queries.coverage import coverage
from queries.options import YEAR
from queries.report_tables import NONE, SEAT_LEVELS, counted, seat_parts, table
from queries.report_voices import voices_and_services


def report(store: Store, *, as_of=None, year: int | None = None) -> dict:
    """Every table of the report at ``as_of`` (default today) for ``year`` (default as_of's)."""
    as_of = day(as_of)
    year = YEAR.check(int(year or as_of[:4]))
    onto = store.ontology
    nodes = {n.id: n for n in store.iter_nodes()}
    out = defaultdict(list)  # relationships by type
    for r in store.iter_relationships():
        out[r.type].append(r)
    located = {r.source: r.target for r in out["LOCATED_IN"]}

    def name(node_id: str) -> str:
        return nodes[node_id].properties.get("name", node_id) if node_id in nodes else node_id

    bases = sorted(i for i, n in nodes.items() if "Base" in n.labels)
    members = [n for n in nodes.values() if "Member" in n.labels]
    towns = sorted(i for i, n in nodes.items() if "Region" in n.labels and n.properties.get("parent"))

    tables = []
    base_props = onto.labels["Base"].properties
    for prop in ("level", "category"):
        tables.append(
            table(
                f"bases_by_{prop}",
                f"同心荟按{base_props[prop].zh}",
                f"同心荟按「{base_props[prop].zh}」计数",
                [base_props[prop].zh, "个数"],
                counted(Counter(nodes[b].properties.get(prop, NONE) for b in bases), base_props[prop].values),
            )
        )
    tables.append(
        table(
            "bases",
            "同心荟名录",
            "图谱中的每个同心荟及其「类别」「级别」和「位于」的镇街",
            ["同心荟", base_props["category"].zh, base_props["level"].zh, "镇街"],
            [
                [name(b), nodes[b].properties.get("category", NONE), nodes[b].properties.get("level", NONE)]
                + [name(located[b]) if b in located else NONE]
                for b in sorted(bases, key=lambda b: sort_key(nodes[b]))
            ],
        )
    )
    per_town = Counter(located.get(b) for b in bases)
    tables.append(
        table(
            "towns",
            "镇街覆盖（区、镇街两级全覆盖）",
            "每个镇街（有上级的镇街）所辖的同心荟个数",
            ["镇街", "同心荟个数", "同心荟"],
            [[name(t), per_town[t], "、".join(name(b) for b in bases if located.get(b) == t)] for t in towns],
        )
    )

    membership = [r for r in out["MEMBER_OF"] if active_on(r.properties, as_of)]
    industries = defaultdict(set)
    for r in membership:
        industry = nodes[r.source].properties.get("industry") if r.source in nodes else None
        if industry:
            industries[r.target].add(industry)
    tables.append(
        table(
            "industries",
            "同心荟联系的行业",
            f"{as_of} 在册成员的「行业」，按同心荟去重",
            ["同心荟", "行业数", "行业"],
            [[name(b), len(industries[b]), "、".join(sorted(industries[b]))] for b in bases],
        )
    )
    member_props = onto.labels["Member"].properties
    tables.append(
        table(
            "members_by_stratum",
            "新的社会阶层人士按类别",
            "新阶层人士按「新阶层类别」计数",
            ["新阶层类别", "人数"],
            counted(Counter(m.properties.get("stratum", NONE) for m in members), member_props["stratum"].values),
        )
    )
    tables.append(
        table(
            "members_by_industry",
            "新的社会阶层人士按行业",
            "新阶层人士按「行业」计数",
            ["行业", "人数"],
            counted(Counter(m.properties.get("industry", NONE) for m in members)),
        )
    )
    tables.append(
        table(
            "members_by_town",
            "新的社会阶层人士按镇街",
            "新阶层人士按其「位于」的镇街计数",
            ["镇街", "人数"],
            counted(Counter(name(located[m.id]) if m.id in located else NONE for m in members)),
        )
    )
    reps = [m for m in members if m.properties.get("representative")]
    seats = Counter(seat_parts(s) for m in reps for s in m.properties.get("seats") or [])
    tables.append(
        table(
            "seats",
            "代表人士的政治安排",
            f"代表人士 {len(reps)} 人的「政治安排」按级别与类别计数（一人可有多项）",
            ["级别", "类别", "人次"],
            [
                [level or NONE, body, n]
                for (level, body), n in sorted(
                    seats.items(),
                    key=lambda kv: (SEAT_LEVELS.index(kv[0][0]) if kv[0][0] in SEAT_LEVELS else 9, kv[0][1]),
                )
            ],
        )
    )

    held = {r.source: r.target for r in out["HELD_AT"]}
    participants = Counter(r.target for r in out["PARTICIPATED_IN"])

    def activities(in_year: int) -> list:
        return [
            a
            for a, n in nodes.items()
            if "Activity" in n.labels and str(n.properties.get("date", "")).startswith(str(in_year))
        ]

    this, last = activities(year), activities(year - 1)
    tables.append(
        table(
            "activities_by_base",
            f"{year} 年各同心荟的活动",
            f"日期在 {year} 年的活动按「举办」的同心荟计数；参加人数为「参加」记录的人次",
            ["同心荟", f"{year} 年场次", f"{year} 年参加人次", f"{year - 1} 年场次", f"{year - 1} 年参加人次"],
            [
                [
                    name(b),
                    sum(held.get(a) == b for a in this),
                    sum(participants[a] for a in this if held.get(a) == b),
                    sum(held.get(a) == b for a in last),
                    sum(participants[a] for a in last if held.get(a) == b),
                ]
                for b in bases
            ],
        )
    )
    kinds = onto.labels["Activity"].properties["kind"].values
    tables.append(
        table(
            "activities_by_kind",
            f"{year} 年活动按类型",
            f"日期在 {year} 年的活动按「类型」计数",
            ["类型", f"{year} 年场次", f"{year} 年参加人次", f"{year - 1} 年场次"],
            [
                [
                    k,
                    sum(nodes[a].properties.get("kind") == k for a in this),
                    sum(participants[a] for a in this if nodes[a].properties.get("kind") == k),
                    sum(nodes[a].properties.get("kind") == k for a in last),
                ]
                for k in kinds
            ],
        )
    )
    settled = Counter(r.target for r in out["SETTLED_IN"] if active_on(r.properties, as_of))
    tables.append(
        table(
            "enterprises",
            "入驻企业",
            f"{as_of} 仍在入驻的企业按同心荟计数",
            ["同心荟", "入驻企业数"],
            [[name(b), settled[b]] for b in bases],
        )
    )

    now, before = (
        coverage(store, as_of=as_of),
        coverage(store, as_of=f"{year - 1}-12-31"),
    )
    tables.append(
        table(
            "liaison_system",
            "列名联系制度",
            "与列名联系覆盖查询相同：有有效「列名联系」的代表人士为已覆盖",
            ["指标", as_of, f"{year - 1}-12-31"],
            [
                ["代表人士", now["total"], before["total"]],
                ["已列名联系", now["covered"], before["covered"]],
                ["覆盖率", now["rate"], before["rate"]],
                ["一年内未联系", len(now["stale"]), len(before["stale"])],
                ["联系人数过多的领导", len(now["overloaded_liaisons"]), len(before["overloaded_liaisons"])],
                ["无负责领导的同心荟", len(now["bases_without_liaison"]), len(before["bases_without_liaison"])],
            ],
        )
    )
    tables.append(
        table(
            "coverage_by_town",
            "列名联系覆盖按镇街",
            "与列名联系覆盖查询相同，代表人士按其「位于」的镇街分组",
            ["镇街", "代表人士", "已列名联系", f"{as_of} 覆盖率", f"{year - 1}-12-31 覆盖率"],
            [
                [town, g["total"], g["covered"], g["rate"], before["by_region"].get(town, {}).get("rate")]
                for town, g in now["by_region"].items()
            ],
        )
    )
    methods = onto.relationships["CONTACTED"].properties["method"].values
    contacts = Counter(
        (str(r.properties.get("date", ""))[:4], r.properties.get("method", NONE)) for r in out["CONTACTED"]
    )
    tables.append(
        table(
            "contacts_by_method",
            f"{year} 年联系记录按方式",
            f"日期在 {year} 年的「联系记录」按「方式」计数",
            ["方式", f"{year} 年", f"{year - 1} 年"],
            [[m, contacts[str(year), m], contacts[str(year - 1), m]] for m in methods],
        )
    )
    tables.append(
        table(
            "liaison_loads",
            "联系领导的工作量",
            "与列名联系覆盖查询相同：有效「列名联系」的不同对象数；联系人数多的在前",
            ["联系领导", "联系人数", "负责同心荟数", "最近联系"],
            [
                [w["name"], w["load"], len(w["bases"]), w["last_contact"] or ""]
                for w in sorted(now["workload"], key=lambda w: (-w["load"], -len(w["bases"]), w["name"]))
            ],
        )
    )
    tables.extend(voices_and_services(onto, nodes, out, year=year, name=name))
    # The places at the top of what the store holds: the district, or a scoped view's towns.
    places = [n.properties for n in nodes.values() if "Region" in n.labels and n.properties.get("name")]
    names = {p["name"] for p in places}
    area = "、".join(sorted(p["name"] for p in places if p.get("parent") not in names))
    return {"as_of": as_of, "year": year, "area": area, "tables": tables}


def base_networks(store: Store, *, as_of=None) -> list[tuple[str, nx.Graph]]:
    """Each base with who is around it at ``as_of``: members, experts, settled enterprises,
    partner organisations and responsible leaders, and the standing ties among them.

    For the printed report's small pictures: a node carries its ``kind`` (most specific
    label) and a ``name`` only when it is a leader (a public office), so no member is named.
    """
    as_of = day(as_of)
    onto = store.ontology
    ties = onto.relationship_types("tie")  # standing links, not events or places
    around_base = {t for t in ties if "Base" in onto.relationships[t].from_labels + onto.relationships[t].to_labels}
    nodes = {n.id: n for n in store.iter_nodes()}
    # in a fixed order: a store may stream relationships in any order, and the pictures'
    # edges are drawn in the order they were added (the same report must print the same bytes)
    rels = sorted(
        (r for r in store.iter_relationships() if r.type in ties and active_on(r.properties, as_of)),
        key=lambda r: (r.source, r.target, r.type, r.key),
    )
    around = defaultdict(set)
    for r in rels:
        if r.type in around_base:
            base, other = (r.source, r.target) if "Base" in nodes[r.source].labels else (r.target, r.source)
            around[base].add(other)
    pictures = []
    for base in sorted(i for i, n in nodes.items() if "Base" in n.labels):
        graph = nx.Graph()
        for node_id in sorted({base} | around[base]):  # a fixed order, so the layout is the same every time
            kind = onto.kind(nodes[node_id].labels)
            graph.add_node(
                node_id, kind=kind, name=nodes[node_id].properties.get("name") if kind == "Liaison" else None
            )
        graph.add_edges_from((base, other) for other in sorted(around[base]))
        graph.add_edges_from((r.source, r.target) for r in rels if r.source in graph and r.target in graph)
        pictures.append((nodes[base].properties.get("name", base), graph))
    return pictures


def ledger(answer: dict) -> bytes:
    """The report as a ledger (台账) workbook: one sheet per table, its basis under the title,
    Chinese headers, landscape A4 with the header row repeated on every printed page."""
    book = Workbook()
    book.remove(book.active)
    for number, item in enumerate(answer["tables"], start=1):
        sheet = book.create_sheet(sheet_title(f"{number:02d} {item['title']}"))
        append_text(sheet, [f"{item['title']}（截至 {answer['as_of']}）"])
        append_text(sheet, [f"口径：{item['basis']}"])
        append_text(sheet, item["columns"])
        for row in item["rows"]:  # names staff typed: text, never a formula
            append_text(sheet, row)
        sheet["A1"].font = Font(bold=True, size=13)
        for cell in sheet[3]:
            cell.font, cell.fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
        for index, _ in enumerate(item["columns"], start=1):
            sheet.column_dimensions[get_column_letter(index)].width = 18 if index > 1 else 24
        sheet.freeze_panes = "A4"
        sheet.print_title_rows = "3:3"
        sheet.page_setup.orientation, sheet.page_setup.paperSize = "landscape", sheet.PAPERSIZE_A4
        sheet.page_setup.fitToWidth, sheet.sheet_properties.pageSetUpPr.fitToPage = 1, True
        sheet.page_setup.fitToHeight = 0
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
