"""The liaison system (党政领导列名联系制度): is every representative listed with a leader
who keeps in contact?  DESIGN.md section 5, computed from the store's coverage facts."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from graph.records import ended_before
from graph.store import Store
from queries.base import day, default_types
from queries.options import MAX_LOAD, WINDOW_DAYS

NO_REGION, NO_BASE = "未填镇街", "未加入同心荟"
CANDIDATES = 3
EXPAND_LIMIT = 2_000_000  # relationships read to find who is near whom; far above any district's


def _rate(covered: int, total: int) -> float | None:
    return round(covered / total, 4) if total else None


def coverage(
    store: Store,
    *,
    as_of=None,
    window_days: int = WINDOW_DAYS.default,
    max_load: int = MAX_LOAD.default,
    candidates: bool = False,
) -> dict:
    """Coverage of representatives by listed liaisons at ``as_of`` (default today).

    A representative is covered with at least one active LIAISES_WITH; stale when covered
    but no active liaison of theirs recorded a contact dated in (as_of − window_days, as_of];
    a liaison is overloaded above ``max_load`` distinct persons.  ``candidates`` adds, for
    each uncovered representative, the liaisons best placed to take them on: a walk through
    the graph, so only when asked; the figures are read from the kept facts.
    """
    as_of = day(as_of)
    WINDOW_DAYS.check(window_days)
    MAX_LOAD.check(max_load)
    evaluated = _day_of(store, as_of)
    result = dict(evaluated.figures(window_days, max_load))  # a caller may replace a key, not change the lists
    result["candidates"] = suggest_leaders(store, evaluated.answer, max_load) if candidates else None
    return result


def coverage_facts(store: Store, as_of: str) -> dict[str, list[dict]]:
    """What the figures are counted from, at ``as_of`` (ISO date), each list in id order:

    ``representatives`` (members marked 代表人士): id, name, pinyin, region, industry, seats,
    ``liaisons`` (the leaders listed with them on that day), ``last_contact`` (the latest contact
    dated on or before it by one of those leaders) and ``last`` (its date, leader and method),
    ``bases`` (names of the bases they are members of);
    ``liaisons``: id, name, region, ``load`` (persons listed with them), those persons'
    ``industries``, ``bases`` (ids of the bases they answer for), ``last_contact``;
    ``bases``: id, name, ``responsible`` (whether any leader answers for it).

    Read from the facts the store keeps (:mod:`graph.liaison_facts`), evaluated for the day once
    per data version, and after a write only for the facts it changed (the answer and its rows
    are shared: not to be changed by the caller).
    """
    return _day_of(store, as_of).answer


def _day_of(store: Store, as_of: str) -> _Day:
    version = store.version()
    days = _evaluated.setdefault(store, {})
    evaluated = days.pop(as_of, None)
    if evaluated is None or evaluated.version != version:
        evaluated = _Day.of(store.kept_facts(), as_of, version, evaluated)
    days[as_of] = evaluated
    while len(days) > DAYS_KEPT:
        days.pop(next(iter(days)))
    return evaluated


DAYS_KEPT = 8  # days evaluated and kept per store: today, the report's year ends, a chosen date
# store → {day: _Day}: a dashboard asks again and again until the next write
_evaluated: WeakKeyDictionary[Store, dict[str, _Day]] = WeakKeyDictionary()
ROLE_LISTS = ("representatives", "liaisons", "bases")
NONE = (None, None, None)


@dataclass
class _Tally:
    """The counts over representatives the figures need for one window, kept row by row: a
    province has 167,000 representatives and a visit changes one of them."""

    since: str  # a contact after this day is fresh
    covered: int = 0
    regions: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))  # total, covered
    bases: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    uncovered: list[str] = field(default_factory=list)  # ids, in order
    stale: list[str] = field(default_factory=list)

    def count(self, rep: dict, sign: int, last: bool = False) -> None:
        """Count ``rep`` in (``sign`` 1) or out (-1); ``last``: after every id counted so far."""
        covered = 1 if rep["liaisons"] else 0
        self.covered += sign * covered
        for counts in [self.regions[rep["region"] or NO_REGION], *(self.bases[b] for b in rep["bases"] or (NO_BASE,))]:
            counts[0] += sign
            counts[1] += sign * covered
        fresh = rep["last_contact"] and rep["last_contact"] > self.since
        ids = self.stale if covered else self.uncovered
        if covered and fresh:
            return
        if last:
            ids.append(rep["id"])
        else:
            _place(ids, rep["id"], sign > 0)

    def copy(self) -> _Tally:
        """Another tally to count the next version in; this one stays as its figures show it."""
        again = _Tally(self.since, self.covered, uncovered=list(self.uncovered), stale=list(self.stale))
        for mine, theirs in ((self.regions, again.regions), (self.bases, again.bases)):
            theirs.update((group, list(counts)) for group, counts in mine.items())
        return again


def _place(ids: list[str], node_id: str, present: bool, *columns: tuple[list, object]) -> None:
    """``node_id`` in the id-ordered ``ids`` when ``present``, else taken out; each column a list
    beside ``ids`` and the value it holds for ``node_id``."""
    at = bisect_left(ids, node_id)
    here = at < len(ids) and ids[at] == node_id
    if not present:
        if here:
            del ids[at]
            for values, _ in columns:
                del values[at]
    elif here:
        for values, value in columns:
            values[at] = value
    else:
        ids.insert(at, node_id)
        for values, value in columns:
            values.insert(at, value)


def _workload(leader: dict | None) -> dict | None:
    """A leader's line in the figures' ``workload``."""
    return leader and {k: leader[k] for k in ("id", "name", "load", "bases", "last_contact")}


@dataclass
class _Day:
    """The facts evaluated for one day, and the figures counted from them.  The next version's
    evaluation starts from this one and redoes only the nodes whose facts changed (a base
    renamed changes every member's row: then all of them)."""

    version: str
    as_of: str
    kept: dict[str, dict]  # the facts evaluated: an unchanged fact is the same object in the next version's
    names: dict[str, str]  # base id → name
    rows: dict[str, tuple]  # id → (representative row, leader row, base row), None where it has no such role
    ids: dict[str, list[str]]  # per list of the answer: the ids of its rows, in order
    answer: dict[str, list[dict]]
    workload: list[dict]  # the leaders' lines in the figures, beside their rows
    tallies: dict[int, _Tally] = field(default_factory=dict)  # window → counts
    made: dict[tuple[int, int], dict] = field(default_factory=dict)  # (window, max load) → coverage's figures

    @classmethod
    def of(cls, kept: dict[str, dict], as_of: str, version: str, before: _Day | None) -> _Day:
        if before is not None:
            changed = [i for i, fact in kept.items() if before.kept.get(i) is not fact]
            changed += sorted(before.kept.keys() - kept.keys())
            if not any("base" in fact["roles"] for i in changed for fact in (kept.get(i), before.kept.get(i)) if fact):
                return before._then(kept, version, changed)
        names = {i: fact["name"] for i, fact in kept.items() if "base" in fact["roles"]}
        if before is not None and names == before.names:
            return before._then(kept, version, changed)
        rows = {i: _rows(i, fact, names, as_of) for i, fact in kept.items()}
        order = sorted(rows)
        ids = {key: [i for i in order if rows[i][at]] for at, key in enumerate(ROLE_LISTS)}
        answer = {key: [rows[i][at] for i in ids[key]] for at, key in enumerate(ROLE_LISTS)}
        return cls(version, as_of, kept, names, rows, ids, answer, [_workload(row) for row in answer["liaisons"]])

    def _then(self, kept: dict[str, dict], version: str, changed: list[str]) -> _Day:
        """The next version's evaluation: this one's, with the rows of the ``changed`` nodes redone."""
        rows, ids = dict(self.rows), {key: list(found) for key, found in self.ids.items()}
        answer = {key: list(found) for key, found in self.answer.items()}
        workload = list(self.workload)
        tallies = {window: tally.copy() for window, tally in list(self.tallies.items())}  # one may be added meanwhile
        for node_id in changed:
            old, new = self.rows.get(node_id, NONE), NONE
            if node_id in kept:
                new = rows[node_id] = _rows(node_id, kept[node_id], self.names, self.as_of)
            else:
                del rows[node_id]
            for at, key in enumerate(ROLE_LISTS):
                beside = [(workload, _workload(new[at]))] if key == "liaisons" else []
                _place(ids[key], node_id, new[at] is not None, (answer[key], new[at]), *beside)
            for tally in tallies.values():
                for rep, sign in ((old[0], -1), (new[0], 1)):
                    if rep:
                        tally.count(rep, sign)
        return _Day(version, self.as_of, kept, self.names, rows, ids, answer, workload, tallies)

    def figures(self, window_days: int, max_load: int) -> dict:
        made = self.made.get((window_days, max_load))
        if made is None:
            made = self.made[window_days, max_load] = self._figures(window_days, max_load)
        return made

    def _figures(self, window_days: int, max_load: int) -> dict:
        tally = self.tallies.get(window_days)
        if tally is None:  # counted whole before it is kept: another request may read or copy it
            since = (dt.date.fromisoformat(self.as_of) - dt.timedelta(days=window_days)).isoformat()
            tally = _Tally(since)
            for rep in self.answer["representatives"]:  # in id order
                tally.count(rep, 1, last=True)
            self.tallies[window_days] = tally
        total, leaders = len(self.answer["representatives"]), self.answer["liaisons"]
        return {
            "as_of": self.as_of,
            "window_days": window_days,
            "max_load": max_load,
            "total": total,
            "covered": tally.covered,
            "rate": _rate(tally.covered, total),
            "uncovered": tally.uncovered,
            "stale": tally.stale,
            "overloaded_liaisons": sorted(
                (
                    {"id": leader["id"], "name": leader["name"], "load": leader["load"]}
                    for leader in leaders
                    if leader["load"] > max_load
                ),
                key=lambda leader: (-leader["load"], leader["id"]),
            ),
            "bases_without_liaison": [b["id"] for b in self.answer["bases"] if not b["responsible"]],
            "by_region": _groups(tally.regions),
            "by_base": _groups(tally.bases),
            "workload": self.workload,
        }


def _groups(counts: dict[str, list[int]]) -> dict[str, dict]:
    """Representatives and those covered per town or base, those with any."""
    return {g: {"total": t, "covered": c, "rate": _rate(c, t)} for g, (t, c) in sorted(counts.items()) if t}


def _rows(node_id: str, fact: dict, names: dict[str, str], as_of: str) -> tuple[dict | None, ...]:
    """A node's row in each list it belongs to at ``as_of`` (None where it has no such role)."""
    roles, rep, leader, base = fact["roles"], None, None, None
    if "representative" in roles:
        listed = _holding(fact["listed"], as_of)
        made = [(c[0], by, c[1]) for by in listed if (c := _newest_on(fact["contacts"].get(by), as_of))]
        when, by, how = max(made) if made else (None, None, None)
        rep = {k: fact[k] for k in ("name", "region", "industry", "pinyin", "seats")} | {
            "id": node_id,
            "liaisons": listed,
            "last_contact": when,
            "last": when and {"date": when, "by": by, "method": how},
            "bases": sorted({names[b] for b in _holding(fact["member_of"], as_of) if b in names}),
        }
    if "liaison" in roles:
        keeps = _holding(fact["keeps"], as_of)
        leader = {
            "id": node_id,
            "name": fact["name"],
            "region": fact["region"],
            "load": len(keeps),
            "industries": sorted({fact["industries"][p] for p in keeps if p in fact["industries"]}),
            "bases": [b for b in _holding(fact["answers_for"], as_of) if b in names],
            "last_contact": _newest_on(fact["contact_dates"], as_of),
        }
    if "base" in roles:
        base = {"id": node_id, "name": fact["name"], "responsible": bool(_holding(fact["responsible"], as_of))}
    return rep, leader, base


def _holding(spans: list[list], day: str) -> list[str]:
    """The other ends of the [end, since, until] spans that hold on ``day`` (:func:`graph.records.active_on`),
    distinct, in order."""
    return sorted({end for end, since, until in spans if (since or "") <= day and not ended_before(until, day)})


def _newest_on(dated: list | None, day: str):
    """The last of these (dates, or [date, method] pairs, oldest first) dated on or before ``day``."""
    if not dated:
        return None
    at = bisect_right(dated, day, key=_date)
    return dated[at - 1] if at else None


def _date(item) -> str:
    return item if isinstance(item, str) else item[0]


def coverage_series(
    store: Store, dates: list, *, window_days: int = WINDOW_DAYS.default, max_load: int = MAX_LOAD.default
) -> list[dict]:
    """The headline figures at several dates, oldest first: coverage over time."""
    rows = []
    for when in sorted(day(d) for d in dates):
        c = coverage(store, as_of=when, window_days=window_days, max_load=max_load)
        rows.append(
            {k: c[k] for k in ("as_of", "total", "covered", "rate")}
            | {"stale": len(c["stale"]), "overloaded": len(c["overloaded_liaisons"])}
        )
    return rows


def suggest_leaders(store: Store, facts: dict, max_load: int) -> dict[str, list[dict]]:
    """For each uncovered representative, up to three liaisons with spare load, best first:
    close in the graph (linked directly: 3, through one node: 2), responsible for one of
    their bases (3), in their region (1), already keeping someone of their industry (1).

    Only liaisons that can make the top three are scored: those close in the graph or
    responsible for a base, and the first three by (load, id) of the region's, the
    industry's and both's — any later one there is beaten by three before it.  Nobody is
    their own candidate."""
    uncovered = [r for r in facts["representatives"] if not r["liaisons"]]
    spare = {leader["id"]: leader for leader in facts["liaisons"] if leader["load"] < max_load}
    if not uncovered or not spare:
        return {r["id"]: [] for r in uncovered}
    base_ids = {b["name"]: b["id"] for b in facts["bases"]}
    near = _nearby_liaisons(store, [r["id"] for r in uncovered], set(spare))
    by_region, by_industry, by_both, by_base = (defaultdict(list) for _ in range(4))
    for lid in sorted(spare, key=lambda i: (spare[i]["load"], i)):
        by_region[spare[lid]["region"]].append(lid)
        for industry in spare[lid]["industries"]:
            by_industry[industry].append(lid)
            by_both[(spare[lid]["region"], industry)].append(lid)
        for base in spare[lid]["bases"]:
            by_base[base].append(lid)
    first = CANDIDATES + 1  # one more, in case the representative is among them
    found = {}
    for rep in uncovered:
        bases = {base_ids.get(b) for b in rep["bases"]}
        close = near.get(rep["id"], {})
        pool = set(close) | {lid for b in bases for lid in by_base.get(b, [])}
        if rep["region"]:
            pool |= set(by_region.get(rep["region"], [])[:first])
        if rep["industry"]:
            pool |= set(by_industry.get(rep["industry"], [])[:first])
            pool |= set(by_both.get((rep["region"], rep["industry"]), [])[:first])
        scored = []
        for lid in pool - {rep["id"]}:
            liaison, reasons = spare[lid], []
            hops = close.get(lid)
            if hops:
                reasons.append(("关系网中直接相连" if hops == 1 else "关系网中隔一人相连", 4 - hops))
            if bases & set(liaison["bases"]):
                reasons.append(("负责其所在同心荟", 3))
            if rep["region"] and rep["region"] == liaison["region"]:
                reasons.append(("同一镇街", 1))
            if rep["industry"] and rep["industry"] in liaison["industries"]:
                reasons.append(("已联系同行业人士", 1))
            if reasons:
                scored.append((-sum(s for _, s in reasons), liaison["load"], lid, [r for r, _ in reasons]))
        found[rep["id"]] = [
            {"id": lid, "name": spare[lid]["name"], "load": spare[lid]["load"], "score": -score, "reasons": why}
            for score, _, lid, why in sorted(scored)[:CANDIDATES]
        ]
    return found


def _nearby_liaisons(store: Store, people: list[str], liaisons: set[str]) -> dict[str, dict[str, int]]:
    """person → {liaison: 1 when linked directly, 2 when through one node}.

    Walked from both ends and met in the middle, so a base with thousands of members is
    never expanded."""
    types = default_types(store)
    people_set = set(people)
    via: dict[str, set[str]] = defaultdict(set)
    for step in store.expand(people, types, EXPAND_LIMIT):
        via[step.other.id].add(step.at)
    near: dict[str, dict[str, int]] = defaultdict(dict)
    for step in store.expand(sorted(liaisons), types, EXPAND_LIMIT):
        if step.other.id in people_set:
            near[step.other.id][step.at] = 1
        for person in via.get(step.other.id, ()):
            if person != step.at:
                near[person].setdefault(step.at, 2)
    return near
