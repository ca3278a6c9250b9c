"""Tests of wasixtasks.scheduler with fake job functions: no processes, no project.

Order, the bound on parallel jobs, priorities (longest chain first), failures with and
without keep-going, cycles, the observer, the summary, and the job tokens shared with the
builds' tools (a fake token source, and the real Jobserver without any child process)."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from wasixtasks.errors import BuildsFailed, CommandError, GraphError
from wasixtasks.scheduler import (
    Outcome,
    Slot,
    Status,
    chain_lengths,
    raise_if_failed,
    run_graph,
    summary,
    topological_order,
)

#: base <- mid <- top, and `lone` on its own
CHAIN: dict[str, list[str]] = {"top": ["mid"], "mid": ["base"], "base": [], "lone": []}


class FakeTokens:
    """A token pool like Jobserver's, in memory; counts what the scheduler does with it."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self.free = slots
        self.cond = threading.Condition()
        self.acquired = 0
        self.released = 0

    @property
    def fds(self) -> tuple[int, ...]:
        return (97, 98)

    def env(self) -> dict[str, str]:
        return {"MAKEFLAGS": " -jfake"}

    def try_acquire(self) -> bool:
        with self.cond:
            if self.free == 0:
                return False
            self.free -= 1
            self.acquired += 1
            return True

    def acquire(self, timeout: float) -> bool:
        with self.cond:
            self.cond.wait_for(lambda: self.free > 0, timeout)
        return self.try_acquire()

    def release(self) -> None:
        with self.cond:
            assert self.free < self.slots, "a token was given back twice"
            self.free += 1
            self.released += 1
            self.cond.notify_all()


class Recorder:
    """A fake job: records starts, slots and the most jobs seen running at once."""

    def __init__(self, fail: Mapping[str, BaseException] | None = None,
                 pause: float = 0.0, during: Callable[[str, Slot], object] | None = None) -> None:
        self.fail = dict(fail or {})
        self.pause = pause
        self.during = during
        self.started: list[str] = []
        self.slots: dict[str, Slot] = {}
        self.active = 0
        self.most = 0
        self.lock = threading.Lock()

    def __call__(self, name: str, slot: Slot) -> Outcome:
        with self.lock:
            self.started.append(name)
            self.slots[name] = slot
            self.active += 1
            self.most = max(self.most, self.active)
        try:
            if self.during is not None:
                self.during(name, slot)
            time.sleep(self.pause)
            if name in self.fail:
                raise self.fail[name]
            return Outcome(name, Status.BUILT, 1.0, steps=(("configure", 0.5), ("make", 2.0)))
        finally:
            with self.lock:
                self.active -= 1


def statuses(outcomes: list[Outcome]) -> dict[str, Status]:
    return {o.name: o.status for o in outcomes}


def failing_make(name: str) -> CommandError:
    return CommandError("`make` exited with 2: broken.c:3:1: error: expected ';'", returncode=2,
                        argv=["make"], step="build", log=Path(f"/logs/{name}.log"))


def test_dependencies_first_and_a_deterministic_order() -> None:
    job = Recorder()
    outcomes = run_graph(CHAIN, job)
    assert [o.name for o in outcomes] == ["base", "lone", "mid", "top"]  # topological, by name
    assert set(statuses(outcomes).values()) == {Status.BUILT}
    assert job.started.index("base") < job.started.index("mid") < job.started.index("top")
    assert topological_order(CHAIN) == ["base", "lone", "mid", "top"]


def test_one_job_gets_a_plain_slot_and_no_jobserver() -> None:
    job = Recorder()
    run_graph({"a": []}, job)
    assert job.slots["a"] == Slot(1, {}, ())


def test_parallel_jobs_never_exceed_the_bound() -> None:
    graph: dict[str, list[str]] = {f"p{i}": [] for i in range(8)}
    barrier = threading.Barrier(2, timeout=10)
    job = Recorder(pause=0.05, during=lambda name, slot: barrier.wait())  # pairs run together
    tokens = FakeTokens(2)
    outcomes = run_graph(graph, job, jobs=2, tokens=tokens)
    assert set(statuses(outcomes).values()) == {Status.BUILT}
    assert job.most == 2
    assert tokens.free == 2 and tokens.acquired == tokens.released == 8


def test_longest_chain_of_dependents_starts_first() -> None:
    # two independent roots: `deep` has a chain of three dependents, `aaa` none
    graph = {"aaa": [], "deep": [], "d1": ["deep"], "d2": ["d1"], "d3": ["d2"]}
    assert chain_lengths(graph) == {"aaa": 1, "deep": 4, "d1": 3, "d2": 2, "d3": 1}
    job = Recorder()
    run_graph(graph, job)  # default priority: chain_lengths
    assert job.started == ["deep", "d1", "d2", "aaa", "d3"]  # ties (aaa, d3) by name

    job = Recorder()
    run_graph(graph, job, priority={})  # no priority: by name
    assert job.started == ["aaa", "deep", "d1", "d2", "d3"]

    job = Recorder()
    run_graph(graph, job, priority={"aaa": 9})
    assert job.started[0] == "aaa"


def test_a_failure_stops_new_jobs_and_skips_the_rest() -> None:
    graph = {"aaa": [], "bbb": ["aaa"], "ccc": [], "ddd": ["bbb"]}
    job = Recorder(fail={"aaa": failing_make("aaa")})
    outcomes = {o.name: o for o in run_graph(graph, job, priority={"aaa": 1})}
    assert job.started == ["aaa"]
    assert statuses(list(outcomes.values())) == {
        "aaa": Status.FAILED, "bbb": Status.SKIPPED, "ccc": Status.SKIPPED, "ddd": Status.SKIPPED}
    failed = outcomes["aaa"]
    assert failed.detail == "`make` exited with 2: broken.c:3:1: error: expected ';'"
    assert (failed.step, failed.log) == ("build", Path("/logs/aaa.log"))
    assert outcomes["bbb"].detail == "blocked by aaa"
    assert outcomes["ddd"].detail == "blocked by aaa"  # transitively
    assert outcomes["ccc"].detail == "not started (stopped after a failure)"


def test_running_jobs_finish_after_a_failure() -> None:
    # `slow` ends only once the scheduler has recorded the failure of `fast`
    failure_seen = threading.Event()

    def during(name: str, slot: Slot) -> None:
        if name == "slow":
            assert failure_seen.wait(10)

    def observer(name: str, event: str, outcome: Outcome | None) -> None:
        if name == "fast" and event == "done":
            failure_seen.set()

    job = Recorder(fail={"fast": failing_make("fast")}, during=during)
    tokens = FakeTokens(2)
    outcomes = {o.name: o for o in run_graph(
        {"fast": [], "slow": [], "later": []}, job, jobs=2, tokens=tokens,
        priority={"fast": 2, "slow": 2}, observer=observer)}
    assert outcomes["fast"].status is Status.FAILED
    assert outcomes["slow"].status is Status.BUILT
    assert outcomes["later"].status is Status.SKIPPED
    assert outcomes["later"].detail == "not started (stopped after a failure)"
    assert job.started == ["fast", "slow"]
    assert tokens.free == 2 and tokens.acquired == tokens.released == 2


def test_keep_going_skips_only_the_dependents() -> None:
    graph = {"aaa": [], "bbb": ["aaa"], "ccc": [], "ddd": ["bbb", "ccc"], "eee": ["ccc"]}
    job = Recorder(fail={"aaa": failing_make("aaa"), "ccc": failing_make("ccc")})
    outcomes = {o.name: o for o in run_graph({**graph, "fff": []}, job, keep_going=True)}
    assert statuses(list(outcomes.values())) == {
        "aaa": Status.FAILED, "bbb": Status.SKIPPED, "ccc": Status.FAILED,
        "ddd": Status.SKIPPED, "eee": Status.SKIPPED, "fff": Status.BUILT}
    assert outcomes["bbb"].detail == "blocked by aaa"
    assert outcomes["ddd"].detail == "blocked by aaa, ccc"
    assert outcomes["eee"].detail == "blocked by ccc"


def test_any_exception_of_a_job_is_a_failure(capsys: pytest.CaptureFixture[str]) -> None:
    job = Recorder(fail={"bug": KeyError("oops")})
    outcomes = {o.name: o for o in run_graph({"bug": [], "user": ["bug"]}, job, keep_going=True)}
    assert outcomes["bug"].status is Status.FAILED
    assert outcomes["bug"].detail == "KeyError: 'oops'"
    assert outcomes["bug"].log is None and outcomes["bug"].step == ""
    assert outcomes["user"].detail == "blocked by bug"
    out = capsys.readouterr().out
    assert "error: [bug] KeyError: 'oops'" in out and "Traceback" in out


def test_a_wasix_error_is_printed_with_its_hint(capsys: pytest.CaptureFixture[str]) -> None:
    error = failing_make("aaa")
    error.hint = "look at the log"
    run_graph({"aaa": []}, Recorder(fail={"aaa": error}))
    out = capsys.readouterr().out
    assert "[aaa] hint: look at the log" in out
    assert "error: [aaa build] `make` exited with 2" in out and "(log: /logs/aaa.log)" in out


def test_cycles_and_unknown_nodes_are_graph_errors() -> None:
    job = Recorder()
    with pytest.raises(GraphError, match="dependency cycle") as info:
        run_graph({"a": ["c"], "b": ["a"], "c": ["b"], "d": []}, job)
    assert all(name in info.value.message for name in ("a", "b", "c"))
    assert "d" not in info.value.message.split(":", 1)[1]
    assert info.value.exit_code == 4
    with pytest.raises(GraphError, match="cycle: self -> self"):
        run_graph({"self": ["self"]}, job)
    with pytest.raises(GraphError, match="a depends on ghost"):
        run_graph({"a": ["ghost"]}, job)
    assert job.started == []  # nothing ran


def test_observer_sees_start_and_done_of_each_job() -> None:
    events: list[tuple[str, str, Status | None]] = []
    outcomes = run_graph(
        {"a": [], "b": ["a"], "c": ["b"]}, Recorder(fail={"b": failing_make("b")}),
        observer=lambda name, event, o: events.append((name, event, o.status if o else None)))
    assert events == [("a", "start", None), ("a", "done", Status.BUILT),
                      ("b", "start", None), ("b", "done", Status.FAILED)]
    assert statuses(outcomes)["c"] is Status.SKIPPED  # never started: no event


def test_tokens_shared_with_the_builds_tools() -> None:
    # `big` is like a make that takes one more token for a parallel compile: while it holds
    # it, only one more job fits in the pool of three, although the scheduler has room for more
    tokens = FakeTokens(3)
    tool_has_token = threading.Event()
    tool_gave_back = threading.Event()
    starts: dict[str, float] = {}
    gave_back_at = [0.0]

    def during(name: str, slot: Slot) -> None:
        starts[name] = time.monotonic()
        if name == "big":
            assert tokens.try_acquire()  # the tool's extra token
            tool_has_token.set()
            time.sleep(0.3)  # `gate` is done by now, x and y are ready: x fits, y does not
            gave_back_at[0] = time.monotonic()
            tokens.release()
            tool_gave_back.set()
        elif name == "gate":
            assert tool_has_token.wait(10)
        elif name == "x":
            assert tool_gave_back.wait(10)  # x keeps its slot while the tool runs

    job = Recorder(during=during)
    graph = {"big": [], "gate": [], "x": ["gate"], "y": ["gate"]}
    outcomes = run_graph(graph, job, jobs=3, tokens=tokens, priority={"big": 2, "gate": 1})
    assert set(statuses(outcomes).values()) == {Status.BUILT}
    assert starts["x"] < gave_back_at[0] <= starts["y"]
    assert job.slots["x"] == Slot(3, {"MAKEFLAGS": " -jfake"}, (97, 98))
    # four jobs and the tool's extra token, all given back
    assert tokens.free == 3 and tokens.acquired == tokens.released == 5


def test_tokens_all_come_back_after_failures() -> None:
    tokens = FakeTokens(3)
    graph: dict[str, list[str]] = {f"p{i}": [] for i in range(6)}
    job = Recorder(fail={"p1": failing_make("p1"), "p4": RuntimeError("bug")}, pause=0.01)
    run_graph(graph, job, jobs=3, tokens=tokens, keep_going=True)
    assert tokens.free == 3 and tokens.acquired == tokens.released == 6
    tokens = FakeTokens(2)
    run_graph(graph, Recorder(fail={"p0": failing_make("p0")}), jobs=2, tokens=tokens)
    assert tokens.free == 2 and tokens.acquired == tokens.released


def test_tokens_come_back_when_the_observer_raises() -> None:
    tokens = FakeTokens(2)

    def observer(name: str, event: str, outcome: Outcome | None) -> None:
        if event == "done":
            raise RuntimeError("display bug")

    with pytest.raises(RuntimeError, match="display bug"):
        run_graph({"a": [], "b": []}, Recorder(pause=0.05), jobs=2, tokens=tokens,
                  observer=observer)
    assert tokens.free == 2 and tokens.acquired == tokens.released == 2


def test_lost_tokens_do_not_deadlock(capsys: pytest.CaptureFixture[str]) -> None:
    # a killed make keeps its tokens: with none left, a job still starts when none runs
    tokens = FakeTokens(2)
    assert tokens.try_acquire() and tokens.try_acquire()
    job = Recorder()
    outcomes = run_graph(CHAIN, job, jobs=2, tokens=tokens)
    assert set(statuses(outcomes).values()) == {Status.BUILT}
    assert job.most == 1
    assert tokens.released == 0 and tokens.free == 0
    assert capsys.readouterr().out.count("no free job slot") == 1


def test_the_real_jobserver_is_shared_and_closed() -> None:
    seen: dict[str, tuple[Slot, bool]] = {}

    def during(name: str, slot: Slot) -> None:
        read, write = slot.pass_fds
        seen[name] = (slot, os.get_inheritable(read) and os.get_blocking(write))

    run_graph({"a": [], "b": ["a"]}, Recorder(during=during), jobs=3)
    slot, usable = seen["a"]
    assert usable and slot.jobs == 3 and seen["b"][0] == slot
    read, write = slot.pass_fds
    assert slot.env["MAKEFLAGS"].startswith(" -j3 --jobserver-auth=fifo:")
    assert slot.env["MAKEFLAGS"].endswith(f" --jobserver-a={read},{write}")
    fifo = Path(slot.env["MAKEFLAGS"].split("fifo:")[1].split()[0])
    assert not fifo.exists() and not fifo.parent.exists()


def test_summary_table_and_counts() -> None:
    text = summary([
        Outcome("a", Status.BUILT, 1.25, steps=(("configure", 3.0), ("make", 34.12))),
        Outcome("rr", Status.RESTORED, detail="from the artifact cache"),
        Outcome("b", Status.UP_TO_DATE),
        Outcome("c", Status.UP_TO_DATE),
        Outcome("d", Status.FAILED, 2.0, log=Path("/x/d.log"), detail="boom", step="make"),
        Outcome("e", Status.SKIPPED, detail="blocked by d"),
        Outcome("f", Status.BUILT, 2.0, detail="source: override"),
    ])
    lines = text.splitlines()
    assert lines[0].split() == ["package", "status", "time", "detail"]
    assert lines[1].split()[:3] in (["a", "built", "1.2s"], ["a", "built", "1.3s"])
    assert lines[1].endswith("longest step: make 34.1s")
    assert lines[2].split()[:2] == ["rr", "restored"] and lines[2].endswith("from the artifact cache")
    assert lines[3].split() == ["b", "up", "to", "date"]
    assert lines[5].endswith("boom (log: /x/d.log)") and "2.0s" not in lines[5]
    assert lines[6].endswith("blocked by d")
    assert lines[7].endswith("source: override") and "2.0s" in lines[7]
    # every step's duration of each built package, above the counts
    assert lines[8:10] == ["step times:", "  a        configure 3.0s, make 34.1s"]
    assert len(lines) == 11
    assert lines[-1] == "2 built, 1 restored, 2 up to date, 1 failed, 1 skipped"
    assert summary([]).splitlines()[-1] == "0 built, 0 restored, 0 up to date, 0 failed, 0 skipped"


def test_raise_if_failed_names_the_first_failure() -> None:
    raise_if_failed([Outcome("a", Status.BUILT), Outcome("b", Status.SKIPPED)])
    outcomes = [
        Outcome("a", Status.BUILT),
        Outcome("b", Status.FAILED, log=Path("/x/b.log"), detail="boom", step="make"),
        Outcome("c", Status.FAILED, detail="bang"),
    ]
    with pytest.raises(BuildsFailed) as info:
        raise_if_failed(outcomes)
    err = info.value
    assert err.message == "2 package(s) failed: boom"
    assert (err.package, err.step, err.log) == ("b", "make", Path("/x/b.log"))
    assert err.exit_code == 14
    with pytest.raises(BuildsFailed) as info:
        raise_if_failed([Outcome("c", Status.FAILED, detail="bang")])
    assert info.value.step is None and info.value.log is None


def test_jobs_must_be_positive() -> None:
    with pytest.raises(ValueError):
        run_graph({"a": []}, Recorder(), jobs=0)
