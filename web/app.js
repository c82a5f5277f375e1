// 同心图谱 page: plain JavaScript, no CDN, no build step; every answer comes from /api.
"use strict";
const NS = "http://www.w3.org/2000/svg";
let ontology = null, current = null, hops = 1;

const $ = id => document.getElementById(id);
// The token lives for this tab only (sessionStorage): on a shared office PC, closing the window signs
// out.  On one's own PC one may ask to be remembered (localStorage) until signing out.
const token = () => sessionStorage.getItem("tongxin-token") || localStorage.getItem("tongxin-token") || "";

async function api(path) {
  const response = await fetch(path, {headers: {Authorization: "Bearer " + token()}});
  if (response.status === 401) {
    signedIn(false);
    throw new Error(token() ? "令牌不对，或已被管理员吊销，请核对或向管理员重新索取" : "请先输入令牌");
  }
  const body = await response.json();
  if (!response.ok) throw new Error(body.detail || response.status);
  return body;
}

function show(view) {
  document.querySelectorAll("main > section").forEach(s => s.hidden = s.id !== view);
  document.querySelectorAll("nav button").forEach(b =>
    b.dataset.view === view ? b.setAttribute("aria-current", "page") : b.removeAttribute("aria-current"));
  if (view !== "signin") location.hash = view === "entity" ? "entity/" + current : view;
  const heading = document.querySelector(`#${view} h2[tabindex]`);  // a screen reader hears where it is now
  if (heading && !heading.parentElement.contains(document.activeElement)) heading.focus();
}

function zh(labels) { return labels.map(l => ontology.labels[l].zh).join("、"); }
function propertyZh(name) { return (propertySpec(name) || {}).zh || name; }  // its Chinese name
function kind(labels) { return labels[labels.length - 1]; }  // the API orders labels as the ontology does
function colour(labels) { return ontology.labels[kind(labels)].colour; }
function legend(target, nodes) {  // the kinds drawn, in the ontology's order, each with its colour
  const drawn = new Set(nodes.map(n => kind(n.labels)));
  target.replaceChildren(...Object.keys(ontology.labels).filter(l => drawn.has(l)).map(l => {
    const item = el("span", {class: "legend-item"}, ontology.labels[l].zh);
    item.prepend(el("i", {style: `background:${ontology.labels[l].colour}`}));
    return item;
  }));
}
function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, v));
  if (text !== undefined) node.textContent = text;
  return node;
}
function svgEl(tag, attrs) {
  const node = document.createElementNS(NS, tag);
  Object.entries(attrs).forEach(([k, v]) => node.setAttribute(k, v));
  return node;
}
function link(id, name) {
  const a = el("a", {href: "#entity/" + id}, name || id);
  a.addEventListener("click", e => { e.preventDefault(); openEntity(id); });
  return a;
}

// -- home: the day's work, a card per town and per base ----------------------------------
let town = sessionStorage.getItem("tongxin-town") || "";  // one town chosen on the home page filters every view
function chooseTown(name) {
  town = name;
  name ? sessionStorage.setItem("tongxin-town", name) : sessionStorage.removeItem("tongxin-town");
  $("town-chip").hidden = !name; $("town-chip-name").textContent = name;
  $("q-region").value = name; $("work-region").value = name;
}
$("town-clear").addEventListener("click", () => { chooseTown(""); route(); });
const SHOWN_NAMES = 5;
function card(title, rows, onPick) {
  const uncovered = rows.filter(r => r.status === "未列名联系"), overdue = rows.filter(r => r.status === "超期未联系");
  const covered = rows.length - uncovered.length, rate = rows.length ? covered / rows.length : null;
  const box = el("article", {class: "card " + (rate === null ? "" : rate >= 0.9 ? "good" : rate >= 0.6 ? "fair" : "poor"), "data-name": title});
  const heading = el("h4");
  heading.append(onPick ? Object.assign(el("button", {type: "button", class: "pick"}, title), {onclick: onPick}) : title);
  box.append(heading, el("p", {class: "rate"}, `覆盖 ${covered}/${rows.length}（${percent(rate)}）`));
  for (const [what, list] of [["未列名联系", uncovered], ["超期未联系", overdue]]) {
    if (!list.length) continue;
    const p = el("p", {class: "who"}, `${what} ${list.length} 人：`);
    list.slice(0, SHOWN_NAMES).forEach((r, i) => { if (i) p.append("、"); p.append(link(r.id, r.name)); });
    if (list.length > SHOWN_NAMES) p.append(el("span", {class: "hint"}, `等，显示 ${SHOWN_NAMES} / ${list.length}`));
    box.append(p);
  }
  return box;
}
async function home() {
  const work = await api("/api/coverage/people");
  const rows = work.rows.filter(r => !town || r.region === town);
  const towns = {}, bases = {};
  for (const r of rows) {
    (towns[r.region || "未填镇街"] ||= []).push(r);
    for (const b of r.bases.length ? r.bases : ["未加入同心荟"]) (bases[b] ||= []).push(r);
  }
  const worst = entries => Object.entries(entries).sort(([a, x], [b, y]) =>  // the most to do first
    y.filter(r => r.status !== "正常").length - x.filter(r => r.status !== "正常").length || a.localeCompare(b, "zh"));
  $("home-towns").replaceChildren(...worst(towns).map(([name, list]) =>
    card(name, list, name === "未填镇街" ? null : () => { chooseTown(name); home(); })));
  $("home-bases").replaceChildren(...worst(bases).map(([name, list]) => card(name, list)));
  const todo = rows.filter(r => r.status !== "正常").length;
  $("home-summary").textContent = `截至 ${work.as_of}${town ? "，" + town : ""}：代表人士 ${rows.length} 人，` +
    `待办 ${todo} 人（未列名联系 ${rows.filter(r => r.status === "未列名联系").length} 人，超期未联系 ` +
    `${rows.filter(r => r.status === "超期未联系").length} 人）。点镇街名称只看该镇街。`;
}

// -- search: the total, a page at a time, by kind and town --------------------------------
const PAGE = 20;
let searchOffset = 0;
async function runSearch() {
  const params = new URLSearchParams({q: $("q").value, limit: PAGE, offset: searchOffset});
  if ($("q-kind").value) params.set("kind", $("q-kind").value);
  if ($("q-region").value) params.set("region", $("q-region").value);
  if ($("q-region").value !== town) chooseTown($("q-region").value);
  const answer = await api("/api/search?" + params);
  const list = $("results"); list.replaceChildren();
  list.start = searchOffset + 1;
  $("results-count").textContent = answer.total ? `共 ${answer.total} 个` +
    (answer.total > answer.results.length ? `，显示第 ${searchOffset + 1}–${searchOffset + answer.results.length} 个` : "") : "没有找到。";
  for (const r of answer.results) {
    const item = el("li", {"data-id": r.id});
    item.append(link(r.id, r.name), el("span", {class: "hint"}, `${zh(r.labels)} · ${r.id}${r.hint ? " · " + r.hint : ""}`));
    list.append(item);
  }
  $("results-previous").hidden = searchOffset === 0;
  $("results-next").hidden = searchOffset + answer.results.length >= answer.total;
}
$("search-form").addEventListener("submit", e => { e.preventDefault(); searchOffset = 0; runSearch(); });
let typing = null;  // results follow the typing, a moment after the last key
$("q").addEventListener("input", () => {
  clearTimeout(typing);
  if ($("q").value.trim()) typing = setTimeout(() => { searchOffset = 0; runSearch(); }, 250);
});
for (const id of ["q-kind", "q-region"]) $(id).addEventListener("change", () => { if ($("q").value.trim()) { searchOffset = 0; runSearch(); } });
$("results-next").addEventListener("click", () => { searchOffset += PAGE; runSearch(); });
$("results-previous").addEventListener("click", () => { searchOffset = Math.max(0, searchOffset - PAGE); runSearch(); });

// -- values as staff read them, with the ontology's Chinese names ------------------------
function propertySpec(name) {  // a property as the ontology declares it, on whichever label or type
  for (const part of [...Object.values(ontology.labels), ...Object.values(ontology.relationships)])
    if (part.properties[name]) return part.properties[name];
  return null;
}
function shown(name, value) {  // 是/否, 2024年3月5日, lists with 、
  const type = (propertySpec(name) || {}).type;
  if (Array.isArray(value)) return value.join("、");
  if (typeof value === "boolean") return value ? "是" : "否";
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value)) return dateZh(value);
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}T/.test(value)) {  // when a roster was read
    const when = new Date(value);
    return isNaN(when) ? value : when.toLocaleString("zh-CN", {dateStyle: "long", timeStyle: "short"});
  }
  if (type === "year") return `${value}年`;
  return String(value);
}
const HIDDEN = new Set(["pinyin", "initials", "source_file", "source_sheet", "source_row", "ingested_at"]);

// -- a person or a base, with the network around it --------------------------------------
async function openEntity(id, keepHops) {
  current = id; hops = keepHops ? hops : 1;
  const [page, network] = await Promise.all([api("/api/entities/" + encodeURIComponent(id)),
                                             api(`/api/entities/${encodeURIComponent(id)}/network?hops=${hops}`)]);
  $("entity-title").textContent = `${page.name}（${zh(page.labels)} · ${page.id}）`;
  const rows = $("properties").tBodies[0]; rows.replaceChildren();
  for (const [key, value] of Object.entries(page.properties)) {
    if (HIDDEN.has(key) || value === null || value === "") continue;
    const row = rows.insertRow(); row.insertCell().textContent = propertyZh(key);
    row.insertCell().textContent = shown(key, value);
  }
  const source = page.properties;
  if (source.source_file) {
    const row = rows.insertRow(); row.insertCell().textContent = "来源";
    row.insertCell().textContent = `${source.source_file}${source.source_sheet ? "「" + source.source_sheet + "」" : ""}` +
      `${source.source_row ? " 第 " + source.source_row + " 行" : ""}${source.ingested_at ? "，" + shown("ingested_at", source.ingested_at) + "导入" : ""}`;
  }
  const rels = $("relationships"); rels.replaceChildren();
  for (const r of page.relationships) rels.append(neighbourList(id, r));
  show("entity");  // first, so the picture is laid out in a container that has its size
  const made = draw($("network"), network);
  $("network-note").textContent = `图中 ${network.nodes.length - made.grouped - made.left} 个` +
    (made.grouped ? `，另有 ${made.grouped} 个按类别合并为一个方块（单击方块看名单）` : "") +
    (made.left ? `，经合并者才能连到的 ${made.left} 个未画出` : "") +
    (network.truncated ? `；已达 ${network.nodes.length} 个的上限，未全部画出，完整名单见下方各类联系` : "");
}
const FIRST = 12;
function neighbourList(id, r) {
  /* The first names, "显示 12 / 295", and 更多 pages on through the rest.  Nodes whose label
     declares a card (proposals, service cases, awards, a base's figures) are a table of its
     columns instead, one row each. */
  const card = r.neighbours.length && r.neighbours[0].card ? kind(r.neighbours[0].labels) : null;
  const columns = card ? ontology.labels[card].card : [];
  const box = el(card ? "div" : "p", {class: "neighbours", "data-type": r.type, "data-direction": r.direction,
                                      "data-kinds": [...new Set(r.neighbours.map(n => kind(n.labels)))].join(" ")});
  const head = el("span", {class: "list-head"}, `${r.direction === "out" ? "→" : "←"}${r.zh}（${r.others}）：`);
  const names = el(card ? "tbody" : "span", {class: "names"}), count = el("span", {class: "hint count"});
  let shownCount = 0;
  const add = list => list.forEach(n => {
    if (card) {
      const row = names.insertRow();
      row.insertCell().append(link(n.id, n.name));
      for (const c of columns) row.insertCell().textContent = n.card && n.card[c] != null ? shown(c, n.card[c]) : "";
    } else {
      if (shownCount) names.append("、");
      names.append(link(n.id, n.name));
    }
    shownCount++;
  });
  const say = () => { count.textContent = shownCount < r.others ? `显示 ${shownCount} / ${r.others}` : ""; more.hidden = shownCount >= r.others; };
  const more = el("button", {type: "button", class: "more"}, "更多");
  more.addEventListener("click", async () => {
    const page = await api(`/api/entities/${encodeURIComponent(id)}/neighbours?type=${r.type}&direction=${r.direction}` +
                           `&offset=${shownCount}&limit=100`);
    add(page.neighbours); say();
  });
  add(r.neighbours.slice(0, FIRST)); say();
  if (card) {
    const table = el("table", {class: "card-list"});
    const header = table.createTHead().insertRow();
    for (const text of [ontology.labels[card].properties.name.zh, ...columns.map(c => ontology.labels[card].properties[c].zh)])
      header.append(el("th", {scope: "col"}, text));
    table.append(names);
    box.append(head, count, more, table);
  } else box.append(head, names, count, more);
  return box;
}

// -- the network picture: Cytoscape.js (vendored from npm), laid out by fCoSE ------------
cytoscape.use(cytoscapeFcose);
const GROUP = 30;  // more neighbours of one kind than this are one node that says how many
const CROWDED = 40;  // more nodes than this: only the centre and the groups are named until zoomed in
let cy = null;
const STYLE = [
  {selector: "node", style: {"background-color": "data(colour)", label: "data(name)", "font-size": 11, width: 14, height: 14,
    "text-valign": "bottom", "text-margin-y": 3, "min-zoomed-font-size": 7, "font-family": "Noto Sans CJK SC, sans-serif"}},
  {selector: "node[?quiet]", style: {"min-zoomed-font-size": 14}},  // a crowded picture names the rest as you zoom in
  {selector: "node.centre", style: {width: 24, height: 24, "font-weight": "bold", "min-zoomed-font-size": 0,
    "border-width": 3, "border-color": "#ffb300"}},
  {selector: "node.group", style: {shape: "round-rectangle", width: "label", height: 26, padding: 8, "text-valign": "center",
    "text-margin-y": 0, "background-opacity": 0.2, "border-width": 2, "border-color": "data(colour)",
    "font-size": 13, "min-zoomed-font-size": 0}},
  {selector: "node.expanded", style: {"border-width": 2, "border-color": "#555"}},
  {selector: "edge", style: {width: 1, "line-color": "#bbb", "curve-style": "bezier", label: "data(zh)", "font-size": 8,
    "min-zoomed-font-size": 9, color: "#666", "text-rotation": "autorotate"}},
];

function distances(network, centre) {  // hops from the centre, over the answer's relationships
  const distance = {[centre]: 0}, queue = [centre], adjacent = {};
  for (const r of network.relationships) { (adjacent[r.from] ||= []).push(r.to); (adjacent[r.to] ||= []).push(r.from); }
  while (queue.length) {
    const here = queue.shift();
    for (const next of adjacent[here] || []) if (!(next in distance)) { distance[next] = distance[here] + 1; queue.push(next); }
  }
  return {distance, adjacent};
}
function elementsOf(network, centre) {
  /* The ego network as Cytoscape elements.  Around the centre, a kind with more than GROUP
     nodes is one group node ("成员 295 个"); what is reached only through them is left out,
     and the note under the title says how many. */
  const {distance, adjacent} = distances(network, centre);
  const near = {};
  for (const n of network.nodes) if (distance[n.id] === 1) (near[kind(n.labels)] ||= []).push(n.id);
  const grouped = new Map();  // member id → group id
  for (const [k, ids] of Object.entries(near)) if (ids.length > GROUP) ids.forEach(id => grouped.set(id, "group:" + k));
  const kept = network.nodes.filter(n => !grouped.has(n.id) &&
    (n.id === centre || distance[n.id] === 1 || (adjacent[n.id] || []).some(o => o !== centre && !grouped.has(o) && distance[o] < distance[n.id])));
  const keptIds = new Set(kept.map(n => n.id));
  const elements = kept.map(n => ({group: "nodes", classes: n.id === centre ? "centre" : "",
    data: {id: n.id, name: n.name || n.id, colour: colour(n.labels), labels: n.labels, node: n}}));
  for (const [k, ids] of Object.entries(near)) if (ids.length > GROUP) {
    elements.push({group: "nodes", classes: "group", data: {id: "group:" + k, name: `${ontology.labels[k].zh} ${ids.length} 个`,
      colour: ontology.labels[k].colour, kind: k, count: ids.length}});
    elements.push({group: "edges", data: {id: `e:group:${k}`, source: centre, target: "group:" + k, zh: ""}});
  }
  const seen = new Set();
  for (const r of network.relationships) {
    if (!keptIds.has(r.from) || !keptIds.has(r.to)) continue;
    const id = `${r.from}|${r.type}|${r.to}`;  // one line per kind of tie between two
    if (seen.has(id)) continue;
    seen.add(id);
    elements.push({group: "edges", data: {id, source: r.from, target: r.to, zh: ontology.relationships[r.type].zh}});
  }
  const left = network.nodes.length - kept.length - grouped.size;
  if (kept.length > CROWDED) for (const e of elements) if (e.group === "nodes" && e.classes === "") e.data.quiet = true;
  return {elements, grouped: grouped.size, left};
}
function layout(fit = true) {
  cy.layout({name: "fcose", quality: "default", randomize: true, animate: false, fit, padding: 30,
             nodeRepulsion: 6000, idealEdgeLength: 70, packComponents: true}).run();
}
function draw(container, network) {
  const centre = network.center.id, made = elementsOf(network, centre);
  legend($("network-legend"), network.nodes);
  if (cy) cy.destroy();
  cy = cytoscape({container, elements: made.elements, style: STYLE, wheelSensitivity: 0.3, minZoom: 0.1, maxZoom: 6});
  window.tongxinNetwork = cy;  // for whoever wants to look closer (and the page tests)
  layout();
  cy.on("tap", "node", e => tapped(e.target));
  cy.on("dbltap", "node", e => { if (!e.target.hasClass("group")) openEntity(e.target.id()); });
  cy.on("mouseover", "node", e => tip(e.target));
  cy.on("mouseout", "node", () => { $("network-tip").hidden = true; });
  cy.on("pan zoom", () => { $("network-tip").hidden = true; });
  return made;
}
function tip(node) {  // name, kind and what tells namesakes apart, beside the pointer
  const box = $("network-tip"), at = node.renderedPosition(), n = node.data("node");
  box.textContent = node.hasClass("group") ? `${node.data("name")}：单击在下方名单中查看`
    : `${n.name}（${zh(n.labels)}）${n.hint ? " · " + n.hint : ""}`;
  box.style.left = `${at.x + 12}px`; box.style.top = `${at.y + 12}px`;
  box.hidden = false;
}
async function tapped(node) {  // a group opens its list; a node grows its own neighbours in place
  if (node.hasClass("group")) {
    const list = document.querySelector(`#relationships .neighbours[data-kinds~='${node.data("kind")}']`) ||
                 document.querySelector("#relationships .neighbours");
    if (list) { list.scrollIntoView({block: "center"}); list.classList.add("flash"); setTimeout(() => list.classList.remove("flash"), 1500); }
    return;
  }
  if (node.hasClass("expanded") || node.hasClass("centre")) return;
  const around = await api(`/api/entities/${encodeURIComponent(node.id())}/network?hops=1&max_nodes=${GROUP + 1}`);
  const known = new Set(cy.nodes().map(n => n.id()));
  const added = around.nodes.filter(n => !known.has(n.id)).slice(0, GROUP).map(n => ({group: "nodes",
    data: {id: n.id, name: n.name || n.id, colour: colour(n.labels), labels: n.labels, node: n},
    position: {x: node.position("x") + (Math.random() - 0.5) * 80, y: node.position("y") + (Math.random() - 0.5) * 80}}));
  cy.add(added);
  for (const r of around.relationships) {
    const id = `${r.from}|${r.type}|${r.to}`;
    if (cy.getElementById(r.from).length && cy.getElementById(r.to).length && !cy.getElementById(id).length)
      cy.add({group: "edges", data: {id, source: r.from, target: r.to, zh: ontology.relationships[r.type].zh}});
  }
  node.addClass("expanded");
  cy.layout({name: "fcose", randomize: false, animate: false, fit: false, nodeRepulsion: 6000, idealEdgeLength: 70}).run();
  legend($("network-legend"), cy.nodes().filter(n => !n.hasClass("group")).map(n => n.data("node")));
  $("network-note").textContent = `图中 ${cy.nodes().length} 个（已就地展开 ${node.data("name")}` +
    (around.nodes.length - 1 > GROUP ? `，其联系较多，只画出 ${added.length} 个，完整名单请打开其详情` : "") + "）";
}
$("network-fit").addEventListener("click", () => cy && cy.fit(undefined, 30));

$("expand").addEventListener("click", () => { hops = Math.min(3, hops + 1); openEntity(current, true); });
$("export").addEventListener("click", async () => {
  const format = $("export-format").value;
  const response = await fetch(`/api/export?format=${format}&scope=ego:${current}:${hops}`,
                               {headers: {Authorization: "Bearer " + token()}});
  const url = URL.createObjectURL(await response.blob());
  const a = el("a", {href: url, download: `tongxin-ego-${current}.${format === "csv" ? "csv.zip" : format}`});
  a.click(); URL.revokeObjectURL(url);
});

// -- path finder: two names, chosen from suggestions as they are typed ---------------------
function describe(r) { return [zh(r.labels), r.hint].filter(Boolean).join(" · "); }
function nameBox(input, list, kind) {  // kind: only suggest that label (联系领导 for the visit form)
  let timer = null, asked = 0;
  input.addEventListener("input", () => {
    delete input.dataset.id;
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) { list.replaceChildren(); return; }
    timer = setTimeout(async () => {
      const mine = ++asked, answer = await api(`/api/search?q=${encodeURIComponent(q)}&limit=8${kind ? "&kind=" + kind : ""}`);
      if (mine !== asked) return;  // a later keystroke's answer wins
      list.replaceChildren(...answer.results.map(r => {
        const option = el("li", {role: "option", tabindex: "-1", "data-id": r.id});
        option.append(el("b", {}, r.name), el("span", {class: "hint"}, describe(r)));
        option.addEventListener("mousedown", e => { e.preventDefault(); pick(input, list, r); });
        option.addEventListener("keydown", e => { if (e.key === "Enter") { e.preventDefault(); pick(input, list, r); } });
        return option;
      }));
      if (answer.total > answer.results.length)
        list.append(el("li", {class: "hint"}, `共 ${answer.total} 个，显示 ${answer.results.length} 个；请多输几个字`));
    }, 150);
  });
  input.addEventListener("keydown", e => { if (e.key === "ArrowDown" && list.firstChild) { e.preventDefault(); list.firstChild.focus(); } });
  input.addEventListener("blur", () => setTimeout(() => { if (!list.contains(document.activeElement)) list.replaceChildren(); }, 200));
}
function pick(input, list, r) {
  input.value = r.name; input.dataset.id = r.id; input.title = describe(r);
  list.replaceChildren(); input.focus();
}
async function chosen(input, kind) {  // the id behind a name box: the one picked, an id typed, or the only match
  if (input.dataset.id) return input.dataset.id;
  const q = input.value.trim();
  if (!q) throw new Error(`请填写“${input.labels[0].textContent}”是哪一位`);
  const answer = await api(`/api/search?q=${encodeURIComponent(q)}&limit=20${kind ? "&kind=" + kind : ""}`);
  const exact = answer.results.filter(r => r.id === q || r.name === q);
  const pool = exact.length ? exact : answer.results;
  if (pool.length === 1) return pool[0].id;
  if (!pool.length) throw new Error(`没有找到“${q}”，请换个写法或用拼音试试`);
  throw new Error(`“${q}”有 ${pool.length} 个（${pool.slice(0, 5).map(r => r.name + "：" + describe(r)).join("；")}），请从提示中选定一个`);
}
nameBox($("from"), $("from-list"));
nameBox($("to"), $("to-list"));
$("path-form").addEventListener("submit", async e => {
  e.preventDefault();
  const list = $("sentences"), svg = $("path-picture");
  list.replaceChildren(); svg.replaceChildren(); $("path-count").textContent = ""; $("path-error").textContent = "";
  let answer;
  try {
    const [from, to] = [await chosen($("from")), await chosen($("to"))];
    answer = await api(`/api/paths?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&max_hops=${$("hops").value}&limit=20`);
  } catch (error) { $("path-error").textContent = error.message; return; }
  if (!answer.found) list.append(el("li", {}, answer.truncated ? "关系网太大，查找到上限时仍未找到，请减少步数或限定关系类型。"
                                                           : `在 ${$("hops").value} 步以内没有找到联系。`));
  else $("path-count").textContent = `${answer.from.name} 与 ${answer.to.name} 之间最短隔 ${answer.length} 步，共 ${answer.count} 条路径` +
    (answer.count > answer.paths.length ? `，显示前 ${answer.paths.length} 条` : "") + (answer.truncated ? "（关系网太大，查找到上限时停止，结果可能不全）" : "") + "。";
  for (const p of answer.paths) {
    const item = el("li", {});
    if (p.go_between.length) item.append(el("b", {}, `可经 ${p.go_between.map(n => n.name).join("、")} 引荐：`));
    item.append(p.sentence);
    list.append(item);
  }
  if (answer.outside) list.append(el("li", {class: "outside"}, answer.outside.note));
  if (answer.found) drawPaths(svg, answer.paths);
});
function drawPaths(svg, paths) {  // every path shown, left to right by step; shared people drawn once
  const columns = [], place = {}, edges = new Map();
  for (const p of paths) p.nodes.forEach((n, i) => {
    columns[i] ||= [];
    if (!(n.id in place)) { place[n.id] = {column: i, row: columns[i].length, node: n}; columns[i].push(n.id); }
  });
  for (const p of paths) p.relationships.forEach(r => {  // one line per pair, naming every kind of tie on it
    const pair = [r.from, r.to].sort().join("|"), names = edges.get(pair) || {from: r.from, to: r.to, kinds: []};
    if (!names.kinds.includes(r.type)) names.kinds.push(r.type);
    edges.set(pair, names);
  });
  const width = svg.clientWidth || 900, stepX = width / (columns.length + 1), stepY = 56;
  const height = Math.max(...columns.map(c => c.length)) * stepY + 40;
  svg.setAttribute("height", height);
  const at = id => ({x: stepX * (place[id].column + 1), y: 30 + place[id].row * stepY + (height - 40 - columns[place[id].column].length * stepY) / 2});
  for (const r of edges.values()) {
    const a = at(r.from), b = at(r.to);
    svg.append(svgEl("line", {x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: "#999"}));
    const label = svgEl("text", {x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 - 4, class: "edge-label", "text-anchor": "middle"});
    label.textContent = r.kinds.map(k => ontology.relationships[k].zh).join("、"); svg.append(label);
  }
  for (const {node} of Object.values(place)) {
    const {x, y} = at(node.id), g = svgEl("g", {class: "node", "data-id": node.id});
    g.append(svgEl("circle", {cx: x, cy: y, r: 9, fill: colour(node.labels)}));
    const t = svgEl("text", {x, y: y + 24, "text-anchor": "middle"}); t.textContent = node.name;
    g.append(t); g.addEventListener("click", () => openEntity(node.id)); svg.append(g);
  }
}

// -- coverage dashboard ------------------------------------------------------------------
function percent(rate) { return rate === null ? "—" : (rate * 100).toFixed(1) + "%"; }
function bars(svg, rows, pick) {  // lowest rate first, coloured by how far from full; a 0 % town still shows
  svg.replaceChildren();
  const entries = Object.entries(rows).sort(([a, x], [b, y]) => (x.rate ?? 2) - (y.rate ?? 2) || a.localeCompare(b, "zh"));
  const height = 22;
  svg.setAttribute("height", entries.length * height + 10);
  entries.forEach(([name, r], i) => {
    const y = i * height + 5, width = Math.max(2, (r.rate || 0) * 300);
    const fill = r.rate === null ? "#bbb" : r.rate >= 0.9 ? "#2e7d32" : r.rate >= 0.6 ? "#f9a825" : "#c62828";
    const g = svgEl("g", {class: "bar", "data-name": name});
    const label = svgEl("text", {x: 0, y: y + 14}); label.textContent = name;
    const bar = svgEl("rect", {x: 160, y, width, height: height - 6, fill, "data-name": name});
    const figure = svgEl("text", {x: 168 + width, y: y + 14, class: "figure"});
    figure.textContent = `${r.covered}/${r.total}（${percent(r.rate)}）`;
    g.append(label, bar, figure);
    if (pick) { g.addEventListener("click", () => pick(name)); g.style.cursor = "pointer"; }
    svg.append(g);
  });
}
function ids(list, values, render) {
  const ul = $(list); ul.replaceChildren();
  values.forEach(v => { const li = el("li"); li.append(render(v)); ul.append(li); });
}
function coverageQuery() {
  return `window_days=${$("window").value}` + ($("as-of").value ? `&as_of=${$("as-of").value}` : "");
}
$("coverage-form").addEventListener("submit", async e => {
  e.preventDefault();
  const c = await api("/api/coverage?" + coverageQuery());
  $("totals").textContent = `截至 ${c.as_of}：代表人士 ${c.total} 人，已列名联系 ${c.covered} 人，覆盖率 ` +
    `${percent(c.rate)}；${c.window_days} 天内未联系 ${c.stale.length} 人。`;
  bars($("by-region"), c.by_region, name => { chooseTown(name); workList(); });
  bars($("by-base"), c.by_base);
  ids("overloaded", c.overloaded_liaisons, l => { const s = el("span"); s.append(link(l.id, l.name), `（${l.load} 人）`); return s; });
  ids("no-liaison", c.bases_without_liaison, id => link(id));
  await workList();
});

// The work list: a row per representative, by name, filtered on the server (the download is the same list).
let work = null, workSort = null, suggest = false;  // suggestions walk the graph: worked out when asked for
function workFilters() {
  const chosen = {region: $("work-region").value || town, base: $("work-base").value, leader: $("work-leader").value,
                  overdue_days: $("work-overdue").value, suggest: suggest ? "true" : ""};
  return coverageQuery() + Object.entries(chosen).filter(([, v]) => v).map(([k, v]) => `&${k}=${encodeURIComponent(v)}`).join("");
}
function fillChoices(select, values) {  // keep what was chosen while the lists are refreshed
  const was = select.value;
  select.replaceChildren(el("option", {value: ""}, "全部"), ...values.map(([value, text]) => el("option", {value}, text)));
  select.value = values.some(([value]) => value === was) ? was : "";
}
async function workList() {
  work = await api("/api/coverage/people?" + workFilters());
  fillChoices($("work-region"), work.choices.regions.map(r => [r, r]));
  if (town) $("work-region").value = town;
  fillChoices($("work-base"), work.choices.bases.map(b => [b, b]));
  fillChoices($("work-leader"), work.choices.leaders.map(l => [l.id, l.name]));
  $("work-count").textContent = `共 ${work.shown} 人（全部代表人士 ${work.total} 人）` +
    ($("work-leader").value ? "，按走访先后：最久未联系的在前" : "");
  $("work-basis").textContent = `口径：截至 ${work.as_of}；“超期未联系”指 ${work.window_days} 天内没有列名联系领导的联系记录；` +
    (work.suggest ? "建议联系领导按关系网远近、是否负责其同心荟、同一镇街、同行业排序，只列联系人数未超上限者。"
                  : "点“建议联系领导”为未列名联系的代表人士推荐领导。");
  drawWork();
}
function drawWork() {
  const rows = [...work.rows];
  if (workSort) rows.sort((a, b) => workSort.order * compare(a, b, workSort.key));
  const body = $("work-list").tBodies[0]; body.replaceChildren();
  for (const r of rows) {
    const row = body.insertRow();
    row.dataset.id = r.id; row.className = {"未列名联系": "uncovered", "超期未联系": "overdue"}[r.status] || "";
    row.insertCell().append(link(r.id, r.name));
    for (const value of [r.region || "", r.bases.join("、"), r.industry || "", r.seats.join("、"), r.status,
                         r.liaisons.map(l => l.name).join("、")]) row.insertCell().textContent = value;
    const last = r.last_contact;
    row.insertCell().textContent = last ? `${dateZh(last.date)}，${last.by.name}${last.method ? "，" + last.method : ""}（${r.days} 天前）`
                                        : (r.status === "未列名联系" ? "" : "从未联系");
    const suggested = row.insertCell();
    r.suggested.forEach((s, i) => {
      if (i) suggested.append("；");
      suggested.append(link(s.id, s.name), `（${s.reasons.join("、")}；已联系 ${s.load} 人）`);
    });
  }
}
function compare(a, b, key) {
  if (key === "days") return (b.days ?? Infinity) - (a.days ?? Infinity);  // longest without a contact first
  if (key === "name") return (a.pinyin || "").localeCompare(b.pinyin || "");
  if (key === "status") return ["未列名联系", "超期未联系", "正常"].indexOf(a.status) - ["未列名联系", "超期未联系", "正常"].indexOf(b.status);
  return (a[key] || "").localeCompare(b[key] || "", "zh");
}
document.querySelectorAll("#work-list th button").forEach(b => b.addEventListener("click", () => {
  const key = b.dataset.sort;
  workSort = {key, order: workSort && workSort.key === key ? -workSort.order : 1};
  drawWork();
}));
$("work-filter").addEventListener("submit", e => { e.preventDefault(); workList(); });
$("work-suggest").addEventListener("click", async () => {
  const button = $("work-suggest");
  suggest = true; button.setAttribute("aria-pressed", "true"); button.disabled = true;
  $("work-count").textContent = "正在根据关系网推荐联系领导……";
  try { await workList(); } finally { button.disabled = false; }
});
$("work-region").addEventListener("change", () => { chooseTown($("work-region").value); workList(); });
for (const id of ["work-base", "work-leader"]) $(id).addEventListener("change", () => workList());
$("work-download").addEventListener("click", async () => {
  const response = await fetch("/api/coverage/people?format=xlsx&" + workFilters(), {headers: {Authorization: "Bearer " + token()}});
  const url = URL.createObjectURL(await response.blob());
  const a = el("a", {href: url, download: `列名联系工作清单-${work ? work.as_of : ""}.xlsx`});
  a.click(); URL.revokeObjectURL(url);
});
$("work-print").addEventListener("click", () => window.print());
function dateZh(iso) {  // 2024-03-05 → 2024年3月5日
  const [y, m, d] = iso.split("-").map(Number);
  return `${y}年${m}月${d}日`;
}

// -- overview ----------------------------------------------------------------------------
async function overview() {
  const stats = await api("/api/stats");
  for (const [table, part, names] of [["nodes", "nodes", ontology.labels], ["relationship-counts", "relationships", ontology.relationships]]) {
    const body = $(table).tBodies[0]; body.replaceChildren();
    for (const [name, count] of Object.entries(stats[part])) {
      const row = body.insertRow(); row.insertCell().textContent = names[name].zh; row.insertCell().textContent = count;
    }
  }
}

// -- recording a visit (officers and admins): checked as a 联系记录 roster row ------------
nameBox($("visit-leader"), $("visit-leader-list"), "Liaison");
nameBox($("visit-person"), $("visit-person-list"), "Person");
$("visit-form").addEventListener("submit", async e => {
  e.preventDefault();
  const status = $("visit-status");
  status.className = ""; status.textContent = "";
  try {
    const body = {leader: await chosen($("visit-leader"), "Liaison"), person: await chosen($("visit-person"), "Person"),
                  date: $("visit-date").value, method: $("visit-method").value, note: $("visit-note").value.trim()};
    const response = await fetch("/api/contacts", {method: "POST", body: JSON.stringify(body),
      headers: {Authorization: "Bearer " + token(), "Content-Type": "application/json"}});
    const answer = await response.json().catch(() => ({detail: `服务器返回 ${response.status}`}));
    if (!response.ok) throw new Error(answer.detail || response.status);
    status.textContent = `已登记：${$("visit-leader").value} ${dateZh(body.date)} ${body.method || "联系"} ${$("visit-person").value}` +
      (answer.relationships_created ? "。" : "（这条记录此前已登记过）。");
    for (const id of ["visit-person", "visit-note"]) { $(id).value = ""; delete $(id).dataset.id; }
  } catch (error) { status.className = "error"; status.textContent = "未登记：" + error.message; }
});

// -- the yearly report, made on the server and downloaded -------------------------------
$("report-form").addEventListener("submit", async e => {
  e.preventDefault();
  const status = $("report-status"), button = $("report-form").querySelector("button");
  const year = $("report-year").value, asOf = $("report-as-of").value || `${year}-12-31`;
  const format = $("report-format").value, started = Date.now();
  button.disabled = true;
  const tick = setInterval(() => { status.textContent = `正在生成 ${year} 年报表……已用 ${Math.round((Date.now() - started) / 1000)} 秒`; }, 500);
  status.className = ""; status.textContent = `正在生成 ${year} 年报表……`;
  try {
    const response = await fetch(`/api/report?year=${year}&as_of=${asOf}&format=${format}`, {headers: {Authorization: "Bearer " + token()}});
    if (!response.ok) throw new Error((await response.json().catch(() => ({}))).detail || `服务器返回 ${response.status}`);
    const name = decodeURIComponent((response.headers.get("Content-Disposition") || "").split("filename*=UTF-8''")[1] || `同心荟年度报表-${year}.${format}`);
    const url = URL.createObjectURL(await response.blob());
    const a = el("a", {href: url, download: name});
    a.click(); URL.revokeObjectURL(url);
    status.textContent = `已生成「${name}」（用时 ${((Date.now() - started) / 1000).toFixed(1)} 秒），请在浏览器的下载中查看。`;
  } catch (error) {
    status.className = "error"; status.textContent = "生成失败：" + error.message;
  } finally { clearInterval(tick); button.disabled = false; }
});

// -- uploading rosters (admins): check first, write only on confirmation -----------------
async function upload(dryRun) {
  const form = new FormData();
  for (const file of $("upload-files").files) form.append("files", file);
  const response = await fetch("/api/ingest?dry_run=" + dryRun, {method: "POST", body: form,
                                                                 headers: {Authorization: "Bearer " + token()}});
  const body = await response.json().catch(() => ({detail: `服务器返回 ${response.status}`}));
  for (const [id, found] of [["upload-errors", body.errors || []], ["upload-warnings", body.warnings || []]]) {
    const table = $(id), rows = table.tBodies[0];  // file, sheet, row, column, what the cell held, why
    rows.replaceChildren();
    for (const e of found) {
      const row = rows.insertRow();
      for (const value of [e.file, e.sheet || "", e.row ?? "", e.column || "", e.value ?? "", e.message]) row.insertCell().textContent = value;
    }
    table.hidden = !found.length;
  }
  const preview = $("upload-preview"), changes = preview.tBodies[0];
  changes.replaceChildren();
  for (const entry of dryRun ? body.preview || [] : []) {
    const row = changes.insertRow();
    const what = entry.kind === "node" ? `${entry.name || ""}（${entry.id}）`
      : `${entry.from_name || entry.from} —${ontology.relationships[entry.type].zh}→ ${entry.to_name || entry.to}`;
    const fields = Object.entries(entry.fields).map(([k, [was, now]]) => `${propertyZh(k)}：${was ?? "（空）"} → ${now}`);
    for (const value of [entry.action, what, fields.join("；")]) row.insertCell().textContent = value;
  }
  preview.hidden = !changes.rows.length;
  const counts = `读取 ${body.rows} 行；新增人员和机构 ${body.nodes_created} 个，更新 ${body.nodes_updated} 个；` +
                 `新增联系 ${body.relationships_created} 条，更新 ${body.relationships_updated} 条。`;
  $("upload-summary").className = response.ok ? "" : "error";
  $("upload-summary").textContent = !response.ok ? (body.detail || "导入失败") :
    dryRun ? "检查通过，尚未写入。确认后将" + counts : "已写入：" + counts;
  $("upload-confirm").hidden = !(response.ok && dryRun);
}
$("upload-form").addEventListener("submit", e => {
  e.preventDefault();
  if ($("upload-files").files.length) return upload(true);
  $("upload-summary").className = "error"; $("upload-summary").textContent = "请先选择名册文件。";
});
$("upload-files").addEventListener("change", () => {
  $("upload-confirm").hidden = true;
  $("upload-chosen").textContent = [...$("upload-files").files].map(f => f.name).join("、") || "未选择文件";
});
$("upload-confirm").addEventListener("click", () => upload(false));

// -- sign-in and navigation --------------------------------------------------------------
$("signin-form").addEventListener("submit", async e => {
  e.preventDefault();
  const given = $("token").value.trim();
  sessionStorage.setItem("tongxin-token", given);
  if ($("remember").checked) localStorage.setItem("tongxin-token", given); else localStorage.removeItem("tongxin-token");
  $("token").value = "";
  try { await start(); } catch (error) { $("signin-error").textContent = "登录失败：" + error.message; }
});
$("signout").addEventListener("click", () => {
  sessionStorage.removeItem("tongxin-token");
  sessionStorage.removeItem("tongxin-town");
  localStorage.removeItem("tongxin-token");  // a remembered token too: signing out forgets it
  $("signin-error").textContent = "已退出。";
  signedIn(false);
});

function signedIn(yes) {  // the menu and sign-out only for someone signed in
  document.querySelector("nav").hidden = !yes;
  $("signout").hidden = !yes;
  if (!yes) { $("who").textContent = ""; show("signin"); }
}
document.querySelectorAll("nav button").forEach(b => b.addEventListener("click", () => { location.hash = b.dataset.view; }));

function route() {
  const [view, id] = location.hash.slice(1).split("/");
  if (view === "entity" && id) return id === current && !$("entity").hidden ? null : openEntity(decodeURIComponent(id));
  const views = ["home", "search", "path", "coverage", "overview", "report"].concat(
    $("nav-upload").hidden ? [] : ["upload"], $("nav-visit").hidden ? [] : ["visit"]);
  const known = views.includes(view) ? view : "home";
  if (known === "home") home();
  if (known === "coverage") $("coverage-form").requestSubmit();
  if (known === "overview") overview();
  if (known === "report" && !$("report-year").value) $("report-year").value = new Date().getFullYear();
  if (known === "visit" && !$("visit-date").value) $("visit-date").value = new Date().toLocaleDateString("sv-SE");  // today here, as YYYY-MM-DD
  show(known);
}

async function start() {
  ontology = ontology || await (await fetch("/api/ontology")).json();
  const me = await api("/api/me");
  const scope = me.regions.length ? `，仅限${me.regions.join("、")}` : "";
  $("who").textContent = `${me.name}（${{viewer: "查看者", officer: "工作人员", admin: "管理员"}[me.role]}${scope}）`;
  $("nav-upload").hidden = me.role !== "admin";
  $("nav-visit").hidden = me.role === "viewer";
  const methods = ontology.relationships.CONTACTED.properties.method.values;
  $("visit-method").replaceChildren(...methods.map(m => el("option", {value: m}, m)));
  $("export-controls").hidden = !me.may_export;
  $("signin-error").textContent = "";
  fillChoices($("q-kind"), Object.entries(ontology.labels).filter(([, l]) => !l.abstract).map(([name, l]) => [name, l.zh]));
  const towns = (await api("/api/places")).places.filter(p => p.parent);
  fillChoices($("q-region"), towns.map(t => [t.name, t.name]));
  chooseTown(towns.some(t => t.name === town) ? town : "");
  signedIn(true);
  route();
}
// Back and forward work; before sign-in the address is kept as it is, to open once signed in.
window.addEventListener("hashchange", () => { if (ontology && !document.querySelector("nav").hidden) route(); });
start().catch(() => signedIn(false));
