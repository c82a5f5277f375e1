"""Concurrent identical questions share one computation, and its error, and nothing is kept."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from api.flights import SingleFlight


def test_callers_at_the_same_moment_share_one_computation():
    flights, started, release = SingleFlight(), threading.Event(), threading.Event()
    calls = []

    def compute():
        calls.append(1)
        started.set()
        release.wait(10)
        return {"rate": 0.5}

    with ThreadPoolExecutor(8) as pool:
        leader = pool.submit(flights.run, "coverage", compute)
        started.wait(10)
        followers = [pool.submit(flights.run, "coverage", compute) for _ in range(7)]
        flight = flights._flying["coverage"]
        deadline = time.monotonic() + 10
        while len(flight._condition._waiters) < 7 and time.monotonic() < deadline:
            time.sleep(0.01)  # until all seven wait on the leader's answer
        release.set()
        answers = [leader.result(10)] + [f.result(10) for f in followers]
    assert len(calls) == 1
    assert all(a == {"rate": 0.5} for a in answers)


def test_an_error_reaches_every_waiter_and_the_next_call_computes_afresh():
    flights = SingleFlight()

    def fail():
        raise ValueError("查询超时")

    with pytest.raises(ValueError, match="查询超时"):
        flights.run("coverage", fail)
    assert flights.run("coverage", lambda: "again") == "again"


def test_different_questions_do_not_wait_for_each_other():
    flights = SingleFlight()
    assert flights.run(("coverage", "2025-01-01"), lambda: 1) == 1
    assert flights.run(("coverage", "2026-01-01"), lambda: 2) == 2
