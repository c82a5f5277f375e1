"""One self-contained interactive HTML picture: no CDN, no remote asset, opens from file://
on an offline intranet.  The page carries Cytoscape.js and the fCoSE layout (the same
vendored files as the web page, web/vendor/cytoscape) and lays the network out in the
browser, so a district's picture is written in a second, not laid out on the server for
minutes; it colours each label as the ontology says, with a legend, searches within the
picture, zooms at the pointer and lets nodes be dragged."""

from __future__ import annotations

import html
import json
from functools import cache
from pathlib import Path

from graph.ontology import Ontology
from graph.records import Node, Relationship

VENDOR = Path(__file__).resolve().parents[1] / "web" / "vendor" / "cytoscape"
SCRIPTS = ("cytoscape.min.js", "layout-base.js", "cose-base.js", "cytoscape-fcose.js")  # in this order
DRAFT = 2000  # more nodes than this: fCoSE's quick spectral layout only

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ margin: 0; font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }}
header {{ padding: .5rem 1rem; display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; border-bottom: 1px solid #ddd; }}
#legend span {{ margin-right: .8rem; white-space: nowrap; }}
#legend i {{ display: inline-block; width: .8rem; height: .8rem; border-radius: 50%; margin-right: .25rem; vertical-align: middle; }}
#picture {{ width: 100vw; height: calc(100vh - 4rem); }}
#info {{ position: fixed; right: 1rem; bottom: 1rem; max-width: 22rem; background: #fff; border: 1px solid #ccc; padding: .5rem; font-size: 13px; white-space: pre-wrap; }}
</style>
{scripts}
</head><body>
<header><strong>{title}</strong>
<label>在图中查找 <input id="find" type="search" placeholder="姓名、拼音或编号"></label>
<button type="button" id="fit">适合窗口</button>
<span id="count"></span><div id="legend"></div></header>
<div id="picture" role="img" aria-label="{title}"></div>
<div id="info" hidden></div>
<script>
const DATA = {data};
cytoscape.use(cytoscapeFcose);
const elements = DATA.nodes.map(n => ({{group: "nodes", data: {{...n, colour: DATA.colours[n.kind],
  find: (n.name + " " + n.id + " " + (n.pinyin || "") + " " + (n.initials || "")).toLowerCase()}}}}));
DATA.edges.forEach((e, i) => elements.push({{group: "edges", data: {{id: "e" + i, source: e.s, target: e.t, zh: e.zh}}}}));
const many = DATA.nodes.length > 150;  // names as one zooms in, and on search hits
const cy = window.cy = cytoscape({{container: document.getElementById("picture"), elements, wheelSensitivity: 0.3,
  style: [
    {{selector: "node", style: {{"background-color": "data(colour)", label: "data(name)", "font-size": 11, width: many ? 6 : 12, height: many ? 6 : 12,
      "text-valign": "bottom", "text-margin-y": 3, "min-zoomed-font-size": many ? 14 : 6}}}},
    {{selector: "node.hit", style: {{"border-width": 3, "border-color": "#000", "min-zoomed-font-size": 0}}}},
    {{selector: "node.dim", style: {{opacity: 0.15}}}},
    {{selector: "edge", style: {{"line-color": "#999", "line-opacity": 0.6, "curve-style": "haystack",
      width: many ? 0.5 : 1, label: "data(zh)", "font-size": 8, "min-zoomed-font-size": 10, color: "#666"}}}},
  ]}});
function quiet() {{  // a crowded picture names its nodes once one zooms in past the whole of it
  if (!many) return;
  const shown = 11 * cy.zoom() * 1.6;
  cy.style().selector("node").style("min-zoomed-font-size", shown).selector("edge").style("min-zoomed-font-size", shown)
    .selector("node.hit").style("min-zoomed-font-size", 0).update();
}}
cy.layout({{name: "fcose", quality: DATA.nodes.length > {draft} ? "draft" : "default", randomize: true, animate: false,
           padding: 20, nodeRepulsion: 6000, idealEdgeLength: 60, stop: quiet}}).run();
document.getElementById("count").textContent = DATA.nodes.length + " 个，" + DATA.edges.length + " 条联系";
const legend = document.getElementById("legend");
for (const [kind, colour] of Object.entries(DATA.colours)) {{
  const item = document.createElement("span"), dot = document.createElement("i");
  dot.style.background = colour; item.append(dot, kind); legend.append(item);
}}
cy.on("tap", "node", e => {{
  const n = e.target.data(), info = document.getElementById("info"); info.hidden = false;
  info.textContent = n.name + "（" + n.id + "）\\n" + Object.entries(n.props).map(([k, v]) => k + "：" + v).join("\\n");
}});
document.getElementById("find").addEventListener("input", e => {{
  const q = e.target.value.trim().toLowerCase();
  cy.nodes().forEach(n => {{
    const hit = !!q && n.data("find").includes(q);
    n.toggleClass("hit", hit); n.toggleClass("dim", !!q && !hit);
  }});
}});
document.getElementById("fit").addEventListener("click", () => cy.fit(undefined, 20));
</script></body></html>
"""


@cache
def _scripts() -> str:
    """Cytoscape.js and fCoSE, inline: the file must open with nothing beside it."""
    parts = []
    for name in SCRIPTS:
        code = (VENDOR / name).read_text(encoding="utf-8").replace("</script", "<\\/script")
        parts.append(f"<script>/* web/vendor/cytoscape/{name}, MIT licence */\n{code}\n</script>")
    return "\n".join(parts)


def picture(onto: Ontology, nodes: list[Node], rels: list[Relationship]) -> bytes:
    kinds = {n.id: onto.labels[onto.kind(n.labels)].zh for n in nodes}
    drawn = set(kinds.values())
    colours = {label.zh: label.colour for label in onto.labels.values() if label.zh in drawn}
    data = {
        "colours": colours,
        "nodes": [
            {
                "id": n.id,
                "name": n.properties.get("name") or n.id,
                "kind": kinds[n.id],
                "pinyin": n.properties.get("pinyin"),
                "initials": n.properties.get("initials"),
                "props": {k: v for k, v in n.properties.items() if not k.startswith(("source_", "pinyin", "initials"))},
            }
            for n in sorted(nodes, key=lambda n: n.id)
        ],
        "edges": [{"s": r.source, "t": r.target, "zh": onto.relationships[r.type].zh} for r in rels],
    }
    # No < > & left in the script's text (JSON may say them as \\u escapes): no name can end it
    # early (</script>) or change how the browser reads it (<!--<script>).
    payload = json.dumps(data, ensure_ascii=False)
    for character, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        payload = payload.replace(character, escaped)
    page = PAGE.format(title=html.escape("同心图谱 · 关系网"), data=payload, scripts=_scripts(), draft=DRAFT)
    return page.encode()
