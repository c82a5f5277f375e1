"""One self-contained interactive HTML picture: no CDN, no remote asset, opens from file://
on an offline intranet.  Positions come from networkx (fixed seed); the page draws SVG,
colours each label with a legend, searches within the picture, pans and zooms."""

from __future__ import annotations

import html
import json

import networkx as nx

from graph.ontology import Ontology
from graph.records import Node, Relationship

PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ margin: 0; font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; }}
header {{ padding: .5rem 1rem; display: flex; gap: 1rem; align-items: center; flex-wrap: wrap; border-bottom: 1px solid #ddd; }}
#legend span {{ margin-right: .8rem; white-space: nowrap; }}
#legend i {{ display: inline-block; width: .8rem; height: .8rem; border-radius: 50%; margin-right: .25rem; vertical-align: middle; }}
svg {{ width: 100vw; height: calc(100vh - 4rem); cursor: grab; }}
.node circle {{ stroke: #fff; stroke-width: 1.5; }}
.node text {{ font-size: 11px; pointer-events: none; }}
.node.hit circle {{ stroke: #000; stroke-width: 3; }}
.node.dim {{ opacity: .15; }}
.many .node text {{ display: none; }}
.many .node.hit text {{ display: inline; }}
line {{ stroke: #999; stroke-opacity: .6; }}
#info {{ position: fixed; right: 1rem; bottom: 1rem; max-width: 22rem; background: #fff; border: 1px solid #ccc; padding: .5rem; font-size: 13px; white-space: pre-wrap; }}
</style></head><body>
<header><strong>{title}</strong>
<label>在图中查找 <input id="find" type="search" placeholder="姓名、拼音或编号"></label>
<span id="count"></span><div id="legend"></div></header>
<svg id="picture" role="img" aria-label="{title}"><g id="view"></g></svg>
<div id="info" hidden></div>
<script>
const DATA = {data};
const NS = "http://www.w3.org/2000/svg", view = document.getElementById("view");
const place = {{}};
DATA.nodes.forEach(n => place[n.id] = n);
for (const e of DATA.edges) {{
  const line = document.createElementNS(NS, "line"), a = place[e.s], b = place[e.t];
  line.setAttribute("x1", a.x); line.setAttribute("y1", a.y); line.setAttribute("x2", b.x); line.setAttribute("y2", b.y);
  const title = document.createElementNS(NS, "title"); title.textContent = e.zh; line.appendChild(title);
  view.appendChild(line);
}}
for (const n of DATA.nodes) {{
  const g = document.createElementNS(NS, "g"), c = document.createElementNS(NS, "circle"), t = document.createElementNS(NS, "text");
  g.setAttribute("class", "node"); g.dataset.id = n.id; g.dataset.find = (n.name + " " + n.id + " " + (n.pinyin || "") + " " + (n.initials || "")).toLowerCase();
  c.setAttribute("cx", n.x); c.setAttribute("cy", n.y); c.setAttribute("r", 6); c.setAttribute("fill", DATA.colours[n.kind]);
  t.setAttribute("x", n.x + 8); t.setAttribute("y", n.y + 4); t.textContent = n.name;
  const tip = document.createElementNS(NS, "title"); tip.textContent = n.name + "（" + n.kind + "）";
  g.append(c, t, tip); g.addEventListener("click", () => show(n)); view.appendChild(g); n.el = g;
}}
if (DATA.nodes.length > 150) view.classList.add("many");  // names on hover and on search hits only
document.getElementById("count").textContent = DATA.nodes.length + " 个节点，" + DATA.edges.length + " 条关系";
document.getElementById("legend").innerHTML = Object.entries(DATA.colours).map(([k, c]) => `<span><i style="background:${{c}}"></i>${{k}}</span>`).join("");
function show(n) {{
  const info = document.getElementById("info"); info.hidden = false;
  info.textContent = n.name + "（" + n.id + "）\\n" + Object.entries(n.props).map(([k, v]) => k + "：" + v).join("\\n");
}}
document.getElementById("find").addEventListener("input", e => {{
  const q = e.target.value.trim().toLowerCase();
  for (const n of DATA.nodes) {{
    const hit = q && n.el.dataset.find.includes(q);
    n.el.classList.toggle("hit", !!hit); n.el.classList.toggle("dim", !!q && !hit);
  }}
}});
let scale = 1, dx = 0, dy = 0, drag = null;
const svg = document.getElementById("picture");
function apply() {{ view.setAttribute("transform", `translate(${{dx}},${{dy}}) scale(${{scale}})`); }}
svg.addEventListener("wheel", e => {{ e.preventDefault(); scale *= e.deltaY < 0 ? 1.1 : 0.9; apply(); }});
svg.addEventListener("mousedown", e => drag = [e.clientX - dx, e.clientY - dy]);
svg.addEventListener("mousemove", e => {{ if (drag) {{ dx = e.clientX - drag[0]; dy = e.clientY - drag[1]; apply(); }} }});
window.addEventListener("mouseup", () => drag = null);
apply();
</script></body></html>
"""


def picture(onto: Ontology, nodes: list[Node], rels: list[Relationship]) -> bytes:
    graph = nx.Graph()
    graph.add_nodes_from(sorted(n.id for n in nodes))
    graph.add_edges_from(sorted({tuple(sorted((r.source, r.target))) for r in rels}))
    layout = nx.spring_layout(graph, seed=2024, scale=340, center=(520, 360)) if len(graph) else {}
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
                "x": round(float(layout[n.id][0]), 1),
                "y": round(float(layout[n.id][1]), 1),
                "props": {k: v for k, v in n.properties.items() if not k.startswith(("source_", "pinyin", "initials"))},
            }
            for n in nodes
        ],
        "edges": [{"s": r.source, "t": r.target, "zh": onto.relationships[r.type].zh} for r in rels],
    }
    # No < > & left in the script's text (JSON may say them as \u escapes): no name can end it
    # early (</script>) or change how the browser reads it (<!--<script>).
    payload = json.dumps(data, ensure_ascii=False)
    for character, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        payload = payload.replace(character, escaped)
    page = PAGE.format(title=html.escape("同心图谱 · 关系网"), data=payload)
    return page.encode()
