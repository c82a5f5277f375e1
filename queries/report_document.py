"""The yearly report as a document: HTML with its charts and its own font, and the same HTML
printed to an A4 PDF by WeasyPrint.  ``REPORT_FORMATS`` gives each format's writer, media
type and suffix; the command line and the API both read it.

The report counts and names no member: the only names are of bases, towns and the leaders
listed in the liaison system (public offices), so every role gets the same document.
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import networkx as nx
from jinja2 import Environment, FileSystemLoader, select_autoescape

from graph.errors import InvalidQuery, NotSupported
from graph.ontology import Ontology
from graph.store import Store
from queries.cjk_font import report_font
from queries.formats import XLSX
from queries.report import base_networks, ledger
from queries.report_charts import bars, busiest, chart_font, network

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"), autoescape=select_autoescape(default=True)
)
PRINTED_ROWS = 40  # a longer table prints its first rows; the ledger (xlsx) holds them all
PICTURE_NODES = 150  # dots in one base's picture; the caption counts them all
CHARTS = {  # table key → the columns drawn as bars (the first column names the bars)
    "bases_by_category": [1],
    "towns": [1],
    "activities_by_base": [1, 3],
    "coverage_by_town": [3, 4],
    "contacts_by_method": [1, 2],
    "seat_holders": [1, 2],
    "proposals_by_kind": [1, 2],
    "proposals_by_channel": [1, 2],
    "proposals_by_status": [1, 2],
    "services_by_kind": [1, 4],
}


def formatted(value, *headings: str) -> str:
    """A number as printed: a rate (its column's or its row's heading says 率) as a
    percentage, a count with thousands separators.

    >>> formatted(0.8571, "覆盖率"), formatted(0.8571, "2025-12-31", "覆盖率"), formatted(12345, "人数")
    ('85.7%', '85.7%', '12,345')
    """
    return f"{value:.1%}" if any("率" in str(h) for h in headings) else f"{value:,}"


def highlights(answer: dict) -> list[str]:
    """The report's opening sentences, as a work report states them, from its own tables."""
    tables = {t["key"]: t for t in answer["tables"]}

    def total(key: str, column: int = 1) -> int:
        return sum(row[column] or 0 for row in tables[key]["rows"])

    levels = "、".join(f"{level} {n} 个" for level, n in tables["bases_by_level"]["rows"])
    towns = tables["towns"]["rows"]
    without = [row[0] for row in towns if not row[1]]
    system, seats, voices, served = (
        {row[0]: row[1:] for row in tables[key]["rows"]}
        for key in ("liaison_system", "seat_holders", "proposals", "services")
    )
    year = answer["year"]
    return [
        f"建成同心荟 {total('bases_by_level')} 个"
        + (f"（{levels}）" if levels else "")
        + f"，分 {len(tables['bases_by_category']['rows'])} 类；"
        f"{len(towns) - len(without)} 个镇街建有同心荟，共 {len(towns)} 个镇街"
        + (f"，尚无同心荟的镇街：{'、'.join(without)}。" if without else "，实现镇街全覆盖。"),
        f"新的社会阶层人士 {total('members_by_stratum')} 人，其中代表人士 {system['代表人士'][0]} 人，"
        f"任人大代表、政协委员等 {total('seats', 2)} 人次；入驻企业 {total('enterprises')} 家。",
        f"{year} 年举办活动 {total('activities_by_base')} 场、{total('activities_by_base', 2)} 人次参加"
        f"（{year - 1} 年 {total('activities_by_base', 3)} 场、{total('activities_by_base', 4)} 人次）。",
        f"列名联系覆盖率 {formatted(system['覆盖率'][0] or 0, '覆盖率')}（{system['已列名联系'][0]}/{system['代表人士'][0]}），"
        f"一年内未联系 {system['一年内未联系'][0]} 人；{year} 年联系记录 {total('contacts_by_method')} 次。",
        f"各级人大代表、政协委员 {seats['合计'][-1]} 人，{year} 年撰写课题报告、提案建议 {voices['提案建议等（件）'][0]} 件"
        f"（{year - 1} 年 {voices['提案建议等（件）'][1]} 件）；“三师”为 {served['服务企业'][0]} 家企业服务，"
        f"接受咨询事项 {served['服务事项'][0]} 件，助企化解问题 {served['已解决'][0]} 个。",
    ]


def picture(svg: str) -> str:
    """An SVG as a data URI: each picture its own document, so the ids matplotlib gives
    (figure_1, clip paths, glyphs) cannot clash between pictures, and none can run a script."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def caption(graph: nx.Graph, onto: Ontology) -> str:
    """Who is around a base, by kind; says so when the picture shows only the busiest."""
    counts = Counter(d["kind"] for _, d in graph.nodes(data=True) if d["kind"] != "Base")
    text = "、".join(f"{onto.labels[k].zh} {counts[k]}" for k in onto.labels if counts[k]) or "暂无联系"
    return text + (f"（图中为联系最多的 {PICTURE_NODES} 个）" if len(graph) > PICTURE_NODES else "")


def html(store: Store, answer: dict, font_path: Path) -> bytes:
    """A self-contained page: charts as SVG pictures with letters as outlines, the Chinese
    font embedded (only the characters the page uses), printable on A4 with page numbers."""
    onto = store.ontology
    colors = {name: label.colour for name, label in onto.labels.items()}
    title = f"{answer['area']}同心荟工作年度报表（{answer['year']} 年）"

    def page(font: bytes | None, charts: dict, networks: list) -> str:
        return TEMPLATES.get_template("report.html").render(
            title=title,
            answer=answer,
            highlights=highlights(answer),
            charts=charts,
            networks=networks,
            formatted=formatted,
            printed_rows=PRINTED_ROWS,
            legend=[(onto.labels[k].zh, colors[k]) for k in drawn_kinds],
            font=base64.b64encode(font).decode() if font else "",
        )

    captions = [
        (name, caption(graph, onto), busiest(graph, PICTURE_NODES))
        for name, graph in base_networks(store, as_of=answer["as_of"])
    ]
    kinds = {d["kind"] for _, _, graph in captions for _, d in graph.nodes(data=True)}
    drawn_kinds = [k for k in onto.labels if k in kinds]  # the pictures' legend
    drawn = [d["name"] for _, _, graph in captions for _, d in graph.nodes(data=True) if d.get("name")]
    font = report_font(page(None, {}, [(n, c, "") for n, c, _ in captions]) + "".join(drawn), font_path)
    with chart_font(font) as face:
        charts = {}
        for table in answer["tables"]:
            if table["key"] in CHARTS:
                rows = table["rows"][:PRINTED_ROWS]  # the chart draws what the table prints
                labels = [str(row[0]) for row in rows]
                series = [(table["columns"][c], [row[c] for row in rows]) for c in CHARTS[table["key"]]]
                charts[table["key"]] = picture(bars(labels, series, face, percent="率" in series[0][0]))
        networks = [(name, text, picture(network(graph, colors, face))) for name, text, graph in captions]
    return page(font, charts, networks).encode()


def pdf(store: Store, answer: dict, font_path: Path) -> bytes:
    """The HTML report printed to A4 by WeasyPrint, its font subset and embedded."""
    try:
        from weasyprint import HTML  # loads the system's Pango when imported
    except OSError as exc:
        raise NotSupported(
            "生成 PDF 需要系统的 Pango 库：请安装 libpango-1.0-0 与 libpangoft2-1.0-0"
            f"（apt-get install libpango-1.0-0 libpangoft2-1.0-0）；原因：{exc}"
        ) from exc
    return HTML(string=html(store, answer, font_path).decode()).write_pdf()


class ReportFormat(NamedTuple):
    write: Callable[[Store, dict, Path], bytes]
    media_type: str
    suffix: str

    def filename(self, answer: dict) -> str:
        """What the file is called when saved or downloaded: 同心荟年度报表-2025.pdf."""
        return f"同心荟年度报表-{answer['year']}.{self.suffix}"


REPORT_FORMATS = {
    "xlsx": ReportFormat(lambda store, answer, font: ledger(answer), XLSX, "xlsx"),
    "pdf": ReportFormat(pdf, "application/pdf", "pdf"),
    "html": ReportFormat(html, "text/html; charset=utf-8", "html"),
    "json": ReportFormat(
        lambda store, answer, font: json.dumps(answer, ensure_ascii=False, indent=1).encode(),
        "application/json",
        "json",
    ),
}


def report_format(name: str) -> ReportFormat:
    """The format named, or a Chinese refusal listing those there are."""
    if name not in REPORT_FORMATS:
        raise InvalidQuery(f"未知格式「{name}」，应为 {'、'.join(REPORT_FORMATS)} 之一")
    return REPORT_FORMATS[name]
