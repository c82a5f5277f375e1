"""Data quality: what staff should look at before trusting the answers."""

from __future__ import annotations

import datetime as dt

from graph.ontology import ROOT_LABEL
from graph.store import Store
from queries.base import default_types
from queries.coverage import coverage
from queries.options import FINDINGS, WINDOW_DAYS

DUPLICATE_KEYS = {  # what makes two person records likely the same person
    "same_name_and_birth_year": ("name", "birth_year"),
    "same_phone": ("phone",),
    "same_id_number": ("id_number",),
}


def _isolated(store: Store, limit: int) -> list[str]:
    """Nodes linked to nobody (places are left out: they only hold things)."""
    found = store.without(ROOT_LABEL, default_types(store), "both", limit)
    return [i for i, node in sorted(store.brief(found).items()) if "Region" not in node.labels]


def quality(store: Store, *, as_of=None, window_days: int = WINDOW_DAYS.default, limit: int = FINDINGS.default) -> dict:
    """Likely duplicate persons, isolated nodes, members in no base, bases without members,
    relationships that have ended, and liaisons with no contact in the window."""
    FINDINGS.check(limit)
    figures = coverage(store, as_of=as_of, window_days=window_days)
    as_of = figures["as_of"]
    since = (dt.date.fromisoformat(as_of) - dt.timedelta(days=window_days)).isoformat()
    return {
        "as_of": as_of,
        "duplicates": {name: store.duplicates("Person", keys, limit) for name, keys in DUPLICATE_KEYS.items()},
        "isolated": _isolated(store, limit),
        "members_without_base": store.without("Member", ["MEMBER_OF"], "out", limit),
        "bases_without_members": store.without("Base", ["MEMBER_OF"], "in", limit),
        "ended_relationships": store.ended(as_of),
        "liaisons_without_contact": [
            w["id"] for w in figures["workload"] if not (w["last_contact"] and w["last_contact"] > since)
        ][:limit],
    }
