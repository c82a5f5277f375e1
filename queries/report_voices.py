"""The yearly report's 参政议政, the 三师's services and what each base reports of itself.

Counted from the proposals, service cases and figures the rosters hold, this year beside
last.  A base's reported figures stay its own, with their source, and the graph's own
count stands beside them where the graph holds the underlying records: never mixed.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable

from graph.ontology import Ontology
from graph.records import active_on
from queries.base import sort_key
from queries.report_tables import NONE, SEAT_LEVELS, in_order, seat_parts, table

BODIES = ("人大代表", "政协委员")


def voices_and_services(onto: Ontology, nodes: dict, out: dict, *, year: int, name: Callable) -> list[dict]:
    """The tables for ``year``, from the report's one pass over nodes (by id) and
    relationships (by type); ``name`` gives a node's name."""
    this, last = str(year), str(year - 1)
    return [
        seat_holders(nodes),
        *proposals(onto, nodes, out, this, last, name),
        *services(onto, nodes, out, this, last),
        awards(onto, nodes, out, this, last),
        base_figures(nodes, out, this, name),
    ]


def awards(onto: Ontology, nodes: dict, out: dict, this: str, last: str) -> dict:
    """荣誉奖项 given in the year, by level, and how many people, enterprises and bases won them."""
    won = defaultdict(set)
    for r in out["AWARDED"]:
        won[r.target].add(r.source)
    given = {
        y: [i for i, n in nodes.items() if "Award" in n.labels and str(n.properties.get("year")) == y]
        for y in (this, last)
    }
    levels = in_order(
        onto.labels["Award"].properties["level"].values,
        {nodes[i].properties.get("level") or NONE for y in given for i in given[y]},
    )

    def count(y: str, level: str | None = None) -> list[int]:
        chosen = [i for i in given[y] if level is None or (nodes[i].properties.get("level") or NONE) == level]
        return [len(chosen), reached(won, chosen)]

    return table(
        "awards",
        "荣誉奖项",
        "「年度」为该年的「荣誉奖项」按「级别」计数；获奖者为获得这些奖项的不同人员、企业或同心荟，合计行每个只算一次",
        ["级别", f"{this} 年奖项", f"{this} 年获奖者", f"{last} 年奖项", f"{last} 年获奖者"],
        [[lv, *count(this, lv), *count(last, lv)] for lv in levels if count(this, lv)[0] or count(last, lv)[0]]
        + [["合计", *count(this), *count(last)]],
    )


def reached(links: dict, chosen) -> int:
    """How many distinct nodes ``links`` (id → set of ids) gives for the ``chosen`` ids."""
    return len(set().union(*(links[i] for i in chosen)))


def seats_held(nodes: dict) -> dict[str, list[tuple[str, str]]]:
    """Each person who is a deputy or CPPCC member, with those seats as (level, body)."""
    held = {}
    for node_id, node in nodes.items():
        seats = [seat_parts(s) for s in node.properties.get("seats") or [] if str(s).endswith(BODIES)]
        if "Person" in node.labels and seats:
            held[node_id] = seats
    return held


def seat_holders(nodes: dict) -> dict:
    """各级人大代表、政协委员: people, by level and body, each counted once per row."""
    held = seats_held(nodes)

    def people(level=None, body=None) -> int:
        return sum(
            any((level is None or lv == level) and (body is None or b == body) for lv, b in seats)
            for seats in held.values()
        )

    levels = [lv for lv in (*SEAT_LEVELS, "") if people(lv)]
    return table(
        "seat_holders",
        "参政议政：各级人大代表、政协委员",
        "「政治安排」中任人大代表或政协委员的人员，按级别与机关计人数；一人兼任几项在同一行只算一人，合计为不同的人数",
        ["级别", *BODIES, "人数"],
        [[lv or NONE, *(people(lv, b) for b in BODIES), people(lv)] for lv in levels]
        + [["合计", *(people(body=b) for b in BODIES), len(held)]],
    )


def proposals(onto: Ontology, nodes: dict, out: dict, this: str, last: str, name: Callable) -> list[dict]:
    props = onto.labels["Proposal"].properties
    years = {i: str(n.properties.get("year") or str(n.properties.get("date", ""))[:4]) for i, n in nodes.items()}
    written = {y: [i for i, n in nodes.items() if "Proposal" in n.labels and years[i] == y] for y in (this, last)}
    authors = defaultdict(set)
    for r in out["AUTHORED"]:
        authors[r.target].add(r.source)
    concerned = defaultdict(set)
    for r in out["CONCERNS"]:
        concerned[r.source].add(r.target)
    seated = set(seats_held(nodes))
    taken_up = list(props["status"].values)[1:]  # past 提交: 立案, 采纳, 办复, 批示

    def summary(y: str) -> list[int]:
        chosen = written[y]
        by = set().union(*(authors[i] for i in chosen))
        return [
            len(chosen),
            len(by),
            len(by & seated),
            sum(len(authors[i]) > 1 for i in chosen),
            sum(nodes[i].properties.get("status") in taken_up for i in chosen),
            sum(bool(concerned[i]) for i in chosen),
        ]

    rows = ["提案建议等（件）", "撰写人（人）", "其中人大代表、政协委员（人）", "多人联名（件）"]
    rows += [f"已{'、'.join(taken_up)}（件）", "涉及同心荟、镇街或企业（件）"]
    tables = [
        table(
            "proposals",
            "参政议政：提案建议概况",
            f"「年度」为该年的提案建议、课题报告和社情民意信息；撰写人含联名者，每人只算一次；"
            f"「办理情况」为{'、'.join(taken_up)}的计入已办理；人大代表、政协委员按现在的「政治安排」",
            ["指标", f"{this} 年", f"{last} 年"],
            [[k, a, b] for k, a, b in zip(rows, summary(this), summary(last))],
        )
    ]
    for prop in ("kind", "channel", "status"):
        title = props[prop].zh
        count = {y: Counter(nodes[i].properties.get(prop) or NONE for i in written[y]) for y in (this, last)}
        order = in_order(props[prop].values, {k for c in count.values() for k in c})
        tables.append(
            table(
                f"proposals_by_{prop}",
                f"参政议政：提案建议按{title}",
                f"「年度」为该年的提案建议、课题报告和社情民意信息按「{title}」计数",
                [title, f"{this} 年", f"{last} 年"],
                [[k, count[this][k], count[last][k]] for k in order if count[this][k] or count[last][k]],
            )
        )
    about = {y: Counter(t for i in written[y] for t in concerned[i]) for y in (this, last)}
    targets = sorted(set(about[this]) | set(about[last]), key=lambda t: (-about[this][t], -about[last][t], name(t)))
    tables.append(
        table(
            "proposals_concern",
            "参政议政：提案建议涉及的同心荟、镇街和企业",
            "「年度」为该年的提案建议按其「涉及」的同心荟、镇街或企业计数（一件可涉及几处）",
            ["涉及", "类型", f"{this} 年", f"{last} 年"],
            [[name(t), onto.labels[onto.kind(nodes[t].labels)].zh, about[this][t], about[last][t]] for t in targets],
        )
    )
    return tables


def services(onto: Ontology, nodes: dict, out: dict, this: str, last: str) -> list[dict]:
    cases = {i: n.properties for i, n in nodes.items() if "ServiceCase" in n.labels}
    dated = {y: [i for i, c in cases.items() if str(c.get("date", ""))[:4] == y] for y in (this, last)}
    asked, served_by = defaultdict(set), defaultdict(set)
    for r in out["REQUESTED"]:
        if "Enterprise" in nodes[r.source].labels:
            asked[r.target].add(r.source)
    for r in out["PROVIDED"]:
        served_by[r.target].add(r.source)

    def summary(y: str) -> list[int]:
        chosen = dated[y]
        return [
            len(chosen),
            sum(cases[i].get("status") == "已解决" for i in chosen),
            reached(asked, chosen),
            reached(served_by, chosen),
            sum(cases[i].get("value") or 0 for i in chosen),
        ]

    kinds = in_order(
        onto.labels["ServiceCase"].properties["kind"].values,
        {cases[i].get("kind") or NONE for y in dated for i in dated[y]},
    )

    def of_kind(y: str, kind: str, status: str | None = None) -> int:
        return sum(
            (cases[i].get("kind") or NONE) == kind and (status is None or cases[i].get("status") == status)
            for i in dated[y]
        )

    return [
        table(
            "services",
            "“三师”服务",
            "「日期」在该年的「服务事项」：件数、状态为已解决的件数、求助的不同企业数、承办的不同专家数、所记价值之和（元）",
            ["指标", f"{this} 年", f"{last} 年"],
            [
                [k, a, b]
                for k, a, b in zip(
                    ("服务事项", "已解决", "服务企业", "承办专家", "价值（元）"), summary(this), summary(last)
                )
            ],
        ),
        table(
            "services_by_kind",
            "“三师”服务按类别",
            "「日期」在该年的「服务事项」按「类别」与「状态」计数",
            ["类别", f"{this} 年", f"{this} 年已解决", f"{this} 年跟进中", f"{last} 年"],
            [
                [k, of_kind(this, k), of_kind(this, k, "已解决"), of_kind(this, k, "跟进中"), of_kind(last, k)]
                for k in kinds
                if of_kind(this, k) or of_kind(last, k)
            ],
        ),
    ]


def base_figures(nodes: dict, out: dict, this: str, name: Callable) -> dict:
    """Each base's reported figures for the year as reported, and beside them the graph's
    own count where it holds the records behind the metric."""
    end = f"{this}-12-31"
    held = {r.source: r.target for r in out["HELD_AT"]}
    joined, trained = Counter(), Counter()
    for r in out["PARTICIPATED_IN"]:
        activity = nodes.get(r.target)
        if activity and str(activity.properties.get("date", ""))[:4] == this and r.target in held:
            joined[held[r.target]] += 1
            trained[held[r.target]] += activity.properties.get("kind") == "培训"
    settled = Counter(r.target for r in out["SETTLED_IN"] if active_on(r.properties, end))
    counted = {  # a metric bases report → the graph's own count per base, and what it counts
        "入驻企业数": (settled, "该年末仍在入驻的企业数"),
        "服务人次": (joined, "该年在本同心荟举办的活动的参加人次"),
        "实训人次": (trained, "该年本同心荟「培训」类活动的参加人次"),
    }
    belongs = {r.source: r.target for r in out["FIGURE_OF"]}
    figures = sorted(
        (
            (i, n.properties)
            for i, n in nodes.items()
            if "BaseFigure" in n.labels and n.properties.get("period") == this
        ),
        key=lambda item: (
            sort_key(nodes[belongs[item[0]]]) if item[0] in belongs else (str(item[1].get("base")),),
            str(item[1].get("metric")),
        ),
    )

    def count(figure_id: str, metric: str) -> int | None:
        return counted[metric][0][belongs[figure_id]] if figure_id in belongs and metric in counted else None

    basis = "；".join(f"{metric}为{words}" for metric, (_, words) in counted.items())
    return table(
        "base_figures",
        f"同心荟自报数据（{this} 年）",
        f"各同心荟在其年报中报告的数字，原样照录并注明来源，不是由图谱统计所得；"
        f"「图谱所记」为图谱中有记录可数的指标由图谱自己数得的数（{basis}），供对照，空白为图谱无此记录",
        ["同心荟", "指标", "自报数值", "单位", "来源", "图谱所记"],
        [
            [
                name(belongs[i]) if i in belongs else f.get("base"),
                f.get("metric"),
                f.get("value"),
                f.get("unit") or "",
                f.get("source") or "",
                count(i, f.get("metric")),
            ]
            for i, f in figures
        ],
    )
