"""The printed report's charts, drawn by matplotlib as SVG with every letter turned into an
outline: a chart looks the same in any browser and in the PDF, whatever fonts the reader
has.  matplotlib's object API (no pyplot) keeps no global figure state between requests.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import networkx as nx
from matplotlib import rc_context
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import MaxNLocator

WIDTH = 6.3  # inches: an A4 page's text width
BAR, ZERO = "#1565c0", "#c62828"
PREVIOUS = "#90caf9"
STYLE = {
    "svg.fonttype": "path",
    "svg.hashsalt": "tongxin",
    "font.size": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


@contextmanager
def chart_font(font: bytes) -> Iterator[FontProperties]:
    """matplotlib reads fonts from files: the report's font, for as long as charts are drawn."""
    with tempfile.TemporaryDirectory(prefix="tongxin-font-") as folder:
        path = Path(folder) / "report.otf"
        path.write_bytes(font)
        yield FontProperties(fname=path, size=8)


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    with rc_context(STYLE):
        figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _bar_label(value, percent: bool) -> str:
    if value is None:
        return "—"
    return f"{value:.0%}" if percent else f"{value:,}"


def bars(labels: list[str], series: list[tuple[str, list]], font: FontProperties, *, percent: bool = False) -> str:
    """Horizontal bars, one group per label, one bar per series (this year, last year…);
    the first series' zeros are written in red, since a gap is what staff look for."""
    with rc_context(STYLE):
        figure = Figure(figsize=(WIDTH, 0.45 + 0.2 * len(labels) * (1 + 0.6 * (len(series) - 1))))
        axes = figure.subplots()
        height = 0.8 / len(series)
        for index, (name, values) in enumerate(series):
            where = [i + (index - (len(series) - 1) / 2) * height for i in range(len(labels))]
            numbers = [v or 0 for v in values]
            colors = [BAR if index == 0 else PREVIOUS] * len(values)
            drawn = axes.barh(where, numbers, height=height * 0.9, color=colors, label=name)
            texts = axes.bar_label(drawn, [_bar_label(v, percent) for v in values], padding=2, fontproperties=font)
            if index == 0:
                for text, value in zip(texts, values):
                    text.set_color(ZERO if not value else "black")
        axes.set_yticks(range(len(labels)), labels, fontproperties=font)
        axes.invert_yaxis()
        axes.tick_params(axis="x", labelsize=7)
        axes.margins(x=0.12)
        if percent:
            axes.set_xlim(0, 1.12)
            axes.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
        else:
            axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        if len(series) > 1:
            axes.legend(prop=font, loc="lower left", bbox_to_anchor=(0, 1), ncols=len(series), frameon=False)
        return _svg(figure)


def busiest(graph: nx.Graph, limit: int) -> nx.Graph:
    """The base, its leaders and its best-connected neighbours, ``limit`` nodes in all: a
    printed picture of thousands of dots says nothing, and takes minutes to print.

    >>> star = nx.star_graph(5)
    >>> nx.set_node_attributes(star, "Member", "kind"); star.nodes[0]["kind"] = "Base"
    >>> star.add_edge(4, 5)
    >>> sorted(busiest(star, 3))
    [0, 4, 5]
    """
    if graph.number_of_nodes() <= limit:
        return graph
    rank = {"Base": 0, "Liaison": 1}
    kept = sorted(graph, key=lambda n: (rank.get(graph.nodes[n]["kind"], 2), -graph.degree(n), str(n)))[:limit]
    return graph.subgraph(kept)


def network(graph: nx.Graph, colors: dict[str, str], font: FontProperties) -> str:
    """One base (the large dot) and who is around it, small enough to print nine to a page;
    only nodes that carry a ``name`` (its leaders) are labelled."""
    with rc_context(STYLE):
        figure = Figure(figsize=(2.0, 2.0))
        axes = figure.subplots()
        axes.set_axis_off()
        if graph.number_of_nodes():
            position = nx.spring_layout(graph, seed=7)
            nx.draw_networkx_edges(graph, position, ax=axes, edge_color="#9e9e9e", width=0.4, alpha=0.7)
            kinds = [graph.nodes[n]["kind"] for n in graph]
            sizes = [60 if graph.nodes[n]["kind"] == "Base" else 14 for n in graph]
            nx.draw_networkx_nodes(
                graph,
                position,
                ax=axes,
                node_size=sizes,
                linewidths=0,
                node_color=[colors.get(k, "#757575") for k in kinds],
            )
            for node, data in graph.nodes(data=True):
                if data.get("name"):
                    x, y = position[node]
                    axes.annotate(
                        data["name"],
                        (x, y),
                        xytext=(0, 4),
                        textcoords="offset points",
                        ha="center",
                        fontproperties=font,
                        fontsize=5.5,
                    )
        return _svg(figure)
