"""The liaison system as a cadre's work list: one row per representative, by name, with where
they are, who is listed with them, when they were last contacted and by whom, and — for those
no leader is listed with — the leaders best placed to take them on.  The figures are
:func:`queries.coverage.coverage`'s; this is the same day seen person by person."""

from __future__ import annotations

import datetime as dt

from graph.names import name_keys
from graph.store import Store
from queries.base import day
from queries.coverage import coverage_facts, suggest_leaders
from queries.options import MAX_LOAD, WINDOW_DAYS

UNCOVERED, OVERDUE, IN_TOUCH = "未列名联系", "超期未联系", "正常"
OUTSIDE_LEADER = "辖区外领导"  # a town-scoped caller's representative listed with a leader from elsewhere
COLUMNS = [
    "姓名",
    "镇街",
    "同心荟",
    "行业",
    "政治安排",
    "状态",
    "列名联系领导",
    "最近联系",
    "联系人",
    "方式",
    "距今天数",
    "建议联系领导",
]


def coverage_table(
    store: Store,
    *,
    as_of=None,
    window_days: int = WINDOW_DAYS.default,
    max_load: int = MAX_LOAD.default,
    region: str | None = None,
    base: str | None = None,
    leader: str | None = None,
    overdue_days: int | None = None,
    suggest: bool = False,
) -> dict:
    """Every representative at ``as_of``, those not yet listed first, then the longest without a
    contact; kept to a town, a base (by name), a leader (by id: their visit list) or those
    without a contact for at least ``overdue_days`` when asked.  ``choices`` lists the towns,
    bases and leaders there are to choose from.  ``suggest`` adds, for those no leader is
    listed with, the leaders best placed to take them on (a walk through the graph: asked
    for, not read with every list).

    A row's ``days`` counts from the last contact by a leader listed with them (None: never);
    ``status`` is 未列名联系, 超期未联系 (none within ``window_days``) or 正常."""
    as_of = day(as_of)
    WINDOW_DAYS.check(window_days)
    MAX_LOAD.check(max_load)
    facts = coverage_facts(store, as_of)
    leaders = {leader_["id"]: leader_ for leader_ in facts["liaisons"]}
    suggested = suggest_leaders(store, facts, max_load) if suggest else {}
    today = dt.date.fromisoformat(as_of)
    rows = []
    for rep in facts["representatives"]:
        last = rep["last"]
        days = (today - dt.date.fromisoformat(last["date"])).days if last else None
        status = UNCOVERED if not rep["liaisons"] else OVERDUE if days is None or days >= window_days else IN_TOUCH
        rows.append(
            {
                "id": rep["id"],
                "name": rep["name"],
                "pinyin": rep["pinyin"],
                "region": rep["region"],
                "bases": rep["bases"],
                "industry": rep["industry"],
                "seats": rep["seats"],
                "status": status,
                "liaisons": [_leader(leaders, i) for i in rep["liaisons"]],
                "last_contact": last and {**last, "by": _leader(leaders, last["by"])},
                "days": days,
                "suggested": suggested.get(rep["id"], []),
            }
        )
    chinese = lambda name: (name_keys(name or "")["pinyin"], name or "")  # noqa: E731 - Chinese order
    choices = {
        "regions": sorted({r["region"] for r in rows if r["region"]}, key=chinese),
        "bases": sorted({b for r in rows for b in r["bases"]}, key=chinese),
        "leaders": sorted(
            ({"id": i, "name": leader_["name"]} for i, leader_ in leaders.items()), key=lambda x: chinese(x["name"])
        ),
    }
    kept = [
        r
        for r in rows
        if (region is None or r["region"] == region)
        and (base is None or base in r["bases"])
        and (leader is None or leader in {lead["id"] for lead in r["liaisons"]})
        and (overdue_days is None or (r["status"] != UNCOVERED and (r["days"] is None or r["days"] >= overdue_days)))
    ]
    order = {UNCOVERED: 0, OVERDUE: 1, IN_TOUCH: 2}
    kept.sort(
        key=lambda r: (order[r["status"]], -(r["days"] if r["days"] is not None else 10**6), r["pinyin"] or "", r["id"])
    )
    return {
        "as_of": as_of,
        "window_days": window_days,
        "filters": {"region": region, "base": base, "leader": leader, "overdue_days": overdue_days},
        "suggest": suggest,
        "total": len(rows),
        "shown": len(kept),
        "rows": kept,
        "choices": choices,
    }


def _leader(leaders: dict, leader_id: str) -> dict:
    """A listed leader as the row names them; one from outside a caller's towns unnamed."""
    if leader_id in leaders:
        return {"id": leader_id, "name": leaders[leader_id]["name"]}
    return {"id": None, "name": OUTSIDE_LEADER}


def as_ledger_table(table: dict) -> dict:
    """The work list in the ledger's layout (:func:`queries.report.ledger`): a title, its 口径,
    Chinese headers, one row per person."""
    basis = (
        f"截至 {table['as_of']} 的新的社会阶层代表人士；“超期未联系”指 {table['window_days']} 天内没有列名联系领导的联系记录；"
        "建议联系领导按关系网远近、是否负责其同心荟、同一镇街、同行业排序，只列联系人数未超上限者"
    )
    leaders = {lead["id"]: lead["name"] for lead in table["choices"]["leaders"]}
    said = {"region": "镇街", "base": "同心荟", "leader": "联系领导", "overdue_days": "未联系天数不少于"}
    kept = [
        f"{said[k]} {leaders.get(v, v) if k == 'leader' else v}" for k, v in table["filters"].items() if v is not None
    ]
    rows = [
        [
            r["name"],
            r["region"] or "",
            "、".join(r["bases"]),
            r["industry"] or "",
            "、".join(r["seats"]),
            r["status"],
            "、".join(lead["name"] or "" for lead in r["liaisons"]),
            r["last_contact"]["date"] if r["last_contact"] else "",
            r["last_contact"]["by"]["name"] if r["last_contact"] else "",
            (r["last_contact"] or {}).get("method") or "",
            "" if r["days"] is None else r["days"],
            "、".join(f"{s['name']}（{'、'.join(s['reasons'])}；已联系 {s['load']} 人）" for s in r["suggested"]),
        ]
        for r in table["rows"]
    ]
    title = "列名联系工作清单" + (f"（{'，'.join(kept)}）" if kept else "")
    return {"key": "coverage_table", "title": title, "basis": basis, "columns": COLUMNS, "rows": rows}
