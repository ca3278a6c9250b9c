"""Runs a dependency graph of jobs in parallel: priorities, shared job slots, keep-going and
the closing summary.

Why it looks like this (the project's architecture issue):

* The job is a parameter (``JobFn``): the scheduler knows nothing of recipes, stamps or
  processes, so its ordering, failure and slot logic is unit-tested with fake jobs, and the
  package job (``wasixtasks.jobs``) is tested on its own.
* Outcomes carry a ``Status`` enum, not strings, so a typo is a type error.
* The ready job with the longest chain of dependents starts first (``priority``; by default
  ``chain_lengths``): the critical path decides the wall time, and starting it early keeps
  the later levels of the graph fed while short side branches fill the gaps.
* ``-j N`` is one pool of N slots (a GNU make jobserver, see jobserver.py) shared by the
  packages and their builds' own parallelism: each running job holds one token, its
  make/ninja takes more for parallel compiles. One package alone may use all N slots;
  N packages together get about one each. Nothing multiplies.

Threads, not processes: a job mostly waits for its build tools, and ``console`` and the
observer stay in one process. The observer is called from the scheduling thread only.
"""

from __future__ import annotations

import concurrent.futures as cf
import enum
import graphlib
import heapq
import time
import traceback
from collections.abc import Callable, Collection, Mapping
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from .errors import BuildsFailed, GraphError, WasixError
from .jobserver import Jobserver
from .run import console

#: How often the scheduler looks for finished jobs while it waits for a free token.
POLL_SECONDS = 0.05


class Status(enum.Enum):
    BUILT = "built"
    RESTORED = "restored"  # taken from a shared artifact cache
    UP_TO_DATE = "up to date"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass
class Outcome:
    """What became of one node of the graph."""

    name: str
    status: Status
    seconds: float = 0.0
    log: Path | None = None
    detail: str = ""
    artifact: Path | None = None
    step: str = ""  # the failing step
    steps: tuple[tuple[str, float], ...] = ()  # (step, seconds) of each step, for the summary


@dataclass(frozen=True)
class Slot:
    """What a job may use. ``jobs``: the parallelism a build tool may use (N). ``env``:
    MAKEFLAGS pointing at the jobserver, or empty; when it is set, call make/ninja/cmake
    --build without ``-j`` (an explicit ``-jN`` leaves the jobserver and adds N more
    processes); when it is empty pass ``-j{jobs}``. ``pass_fds``: descriptors the build
    tools must inherit (``run(..., pass_fds=slot.pass_fds)``)."""

    jobs: int
    env: dict[str, str] = field(default_factory=dict)
    pass_fds: tuple[int, ...] = ()


#: ``job(name, slot)`` runs one node; it fails by raising (a WasixError, or anything else:
#: a bug, which is still summarised).
JobFn = Callable[[str, Slot], Outcome]
#: ``observer(name, "start" | "done", outcome or None)``, for progress displays.
Observer = Callable[[str, str, "Outcome | None"], None]


class JobSlots(Protocol):
    """Where the scheduler takes each job's token: a ``Jobserver``, or a fake in tests."""

    @property
    def fds(self) -> tuple[int, ...]: ...

    def env(self) -> dict[str, str]: ...

    def try_acquire(self) -> bool: ...

    def acquire(self, timeout: float) -> bool: ...

    def release(self) -> None: ...


def _edges(graph: Mapping[str, Collection[str]]) -> dict[str, tuple[str, ...]]:
    """The graph with sorted, de-duplicated dependencies; GraphError on an unknown node or
    a cycle (named), before anything runs."""
    edges = {name: tuple(sorted(set(deps))) for name, deps in graph.items()}
    for name, deps in edges.items():
        unknown = [dep for dep in deps if dep not in edges]
        if unknown:
            raise GraphError(f"{name} depends on {', '.join(unknown)}, which is not in the graph",
                             package=name)
    try:
        graphlib.TopologicalSorter(edges).prepare()
    except graphlib.CycleError as exc:
        cycle = [str(node) for node in exc.args[1]]
        raise GraphError(f"dependency cycle: {' -> '.join(cycle)}",
                         hint="remove one of these dependencies from its recipe") from None
    return edges


def _users(edges: Mapping[str, tuple[str, ...]]) -> dict[str, list[str]]:
    users: dict[str, list[str]] = {name: [] for name in edges}
    for name, deps in edges.items():
        for dep in deps:
            users[dep].append(name)
    return users


def topological_order(graph: Mapping[str, Collection[str]]) -> list[str]:
    """Every node, dependencies first, ties by name: deterministic."""
    edges = _edges(graph)
    users = _users(edges)
    waiting = {name: len(deps) for name, deps in edges.items()}
    heap = [name for name, count in waiting.items() if count == 0]
    heapq.heapify(heap)
    order: list[str] = []
    while heap:
        name = heapq.heappop(heap)
        order.append(name)
        for user in users[name]:
            waiting[user] -= 1
            if waiting[user] == 0:
                heapq.heappush(heap, user)
    return order


def chain_lengths(graph: Mapping[str, Collection[str]]) -> dict[str, int]:
    """For each node: the number of nodes on the longest chain that waits for it, itself
    included (a leaf nothing depends on: 1). The default priority of ``run_graph``."""
    edges = _edges(graph)
    users = _users(edges)
    length: dict[str, int] = {}
    for name in reversed(topological_order(edges)):
        length[name] = 1 + max((length[user] for user in users[name]), default=0)
    return length


def _finish(name: str, future: cf.Future[Outcome], started: float) -> Outcome:
    """The outcome of a finished job; a raised error becomes a FAILED outcome and a line."""
    seconds = time.monotonic() - started
    try:
        result = future.result()
    except WasixError as exc:
        exc.package = exc.package or name
        if exc.hint:
            console(f"[{name}] hint: {exc.hint}")
        console(exc.one_line())
        return Outcome(name, Status.FAILED, seconds, exc.log, detail=exc.message, step=exc.step or "")
    except Exception as exc:  # a bug or an unexpected OS error: still summarised
        detail = f"{type(exc).__name__}: {exc}"
        trace = "".join(traceback.format_exception(exc)).rstrip()
        console(f"error: [{name}] {detail} (internal error)\n{trace}")
        return Outcome(name, Status.FAILED, seconds, detail=detail)
    if not isinstance(result, Outcome):
        detail = f"TypeError: the job returned {type(result).__name__}, not an Outcome"
        console(f"error: [{name}] {detail}")
        return Outcome(name, Status.FAILED, seconds, detail=detail)
    return result


def _execute(edges: dict[str, tuple[str, ...]], job: JobFn, jobs: int, keep_going: bool,
             priority: Mapping[str, int], observer: Observer | None,
             source: JobSlots | None) -> dict[str, Outcome]:
    """Run the jobs; returns the outcome of every job that started."""
    sorter = graphlib.TopologicalSorter(edges)
    sorter.prepare()
    outcomes: dict[str, Outcome] = {}
    ready: list[tuple[int, str]] = []  # a heap: highest priority first, then by name
    running: dict[cf.Future[Outcome], tuple[str, bool, float]] = {}  # name, holds a token, start
    stopped = False
    warned = False
    pool = cf.ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="wasixtasks-job")

    def launch(held: bool) -> None:
        nonlocal warned
        _, name = heapq.heappop(ready)
        if source is not None and not held and not warned:
            warned = True
            console(f"jobserver: no free job slot although no job is running (a build tool "
                    f"that was killed keeps its tokens); starting {name} anyway")
        slot = (Slot(jobs, dict(source.env()), tuple(source.fds)) if source is not None
                else Slot(jobs))
        running[pool.submit(job, name, slot)] = (name, held, time.monotonic())
        if observer is not None:
            observer(name, "start", None)

    try:
        while True:
            if not stopped:
                for name in sorter.get_ready():
                    heapq.heappush(ready, (-priority.get(name, 0), name))
            while ready and not stopped and len(running) < jobs:
                held = source.try_acquire() if source is not None else False
                if source is not None and not held and running:
                    break  # every token is in use: wait for one to come back
                launch(held)  # with no job running, a job starts even without a token
            if not running:
                break
            if source is not None and ready and not stopped and len(running) < jobs:
                # starved of tokens: wake up as soon as one is back, and look at the jobs
                if source.acquire(POLL_SECONDS):
                    launch(True)
                done = {future for future in running if future.done()}
            else:
                done, _ = cf.wait(running, return_when=cf.FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: running[f][0]):
                name, held, started = running.pop(future)
                if held and source is not None:
                    source.release()
                outcome = _finish(name, future, started)
                outcomes[name] = outcome
                if outcome.status is Status.FAILED:
                    stopped = stopped or not keep_going
                else:
                    sorter.done(name)
                if observer is not None:
                    observer(name, "done", outcome)
    finally:
        # after an exception (an observer's bug, Ctrl-C): let the running jobs end and give
        # their tokens back, so that the pool is whole whatever happened
        for future, (_name, held, _start) in running.items():
            cf.wait([future])
            if held and source is not None:
                source.release()
        pool.shutdown(wait=True)
    return outcomes


def _skip_the_rest(edges: dict[str, tuple[str, ...]], order: list[str],
                   outcomes: dict[str, Outcome]) -> None:
    """A SKIPPED outcome for every node that never started, naming its failed dependencies."""
    failed = {name for name, o in outcomes.items() if o.status is Status.FAILED}
    blockers: dict[str, set[str]] = {}
    for name in order:  # dependencies first
        blocked: set[str] = set()
        for dep in edges[name]:
            blocked |= blockers[dep] | ({dep} & failed)
        blockers[name] = blocked
        if name not in outcomes:
            reason = (f"blocked by {', '.join(sorted(blocked))}" if blocked
                      else "not started (stopped after a failure)")
            outcomes[name] = Outcome(name, Status.SKIPPED, detail=reason)


def run_graph(
    graph: Mapping[str, Collection[str]],
    job: JobFn,
    *,
    jobs: int = 1,
    keep_going: bool = False,
    priority: Mapping[str, int] | None = None,
    observer: Observer | None = None,
    tokens: JobSlots | None = None,
) -> list[Outcome]:
    """Run ``job`` for every node of ``graph`` (node -> its direct dependencies), at most
    ``jobs`` at a time, dependencies first; returns one outcome per node, dependencies first
    (ties by name).

    Ready nodes with the highest ``priority`` start first (ties by name); without one, the
    longest chain of dependents (``chain_lengths``). A failure stops new starts unless
    ``keep_going``; running jobs finish; nodes never started are SKIPPED. With ``jobs > 1``
    the jobs share a ``Jobserver(jobs)`` with their build tools; ``tokens`` replaces it (a
    fake in tests, or a jobserver the caller shares between runs)."""
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    edges = _edges(graph)
    order = topological_order(edges)
    ranks = dict(priority) if priority is not None else chain_lengths(edges)
    with ExitStack() as stack:
        source = tokens
        if source is None and jobs > 1:
            source = stack.enter_context(Jobserver(jobs))
        outcomes = _execute(edges, job, jobs, keep_going, ranks, observer, source)
    _skip_the_rest(edges, order, outcomes)
    return [outcomes[name] for name in order]


def _detail(outcome: Outcome) -> str:
    if outcome.status is Status.FAILED:
        return outcome.detail + (f" (log: {outcome.log})" if outcome.log else "")
    if outcome.status is Status.BUILT and outcome.steps:
        step, seconds = max(outcome.steps, key=lambda s: s[1])
        longest = f"longest step: {step} {seconds:.1f}s"
        return f"{outcome.detail}; {longest}" if outcome.detail else longest
    return outcome.detail


def summary(outcomes: list[Outcome]) -> str:
    """The closing table (package, status, time of a build, detail) and a line of counts."""
    width = max([len(o.name) for o in outcomes] + [len("package")])
    status_width = max(len(s.value) for s in Status)
    lines = [f"{'package':<{width}}  {'status':<{status_width}}  {'time':>7}  detail"]
    for o in outcomes:
        seconds = f"{o.seconds:6.1f}s" if o.status is Status.BUILT else ""
        lines.append(
            f"{o.name:<{width}}  {o.status.value:<{status_width}}  {seconds:>7}  {_detail(o)}".rstrip())
    timed = [o for o in outcomes if o.steps]
    if timed:
        lines.append("step times:")
        lines += [f"  {o.name:<{width}}  " + ", ".join(f"{step} {secs:.1f}s" for step, secs in o.steps)
                  for o in timed]
    lines.append(", ".join(f"{sum(1 for o in outcomes if o.status is s)} {s.value}" for s in Status))
    return "\n".join(lines)


def raise_if_failed(outcomes: list[Outcome]) -> None:
    """BuildsFailed (exit code 14) naming the first failure, when any job failed."""
    failed = [o for o in outcomes if o.status is Status.FAILED]
    if failed:
        first = failed[0]
        raise BuildsFailed(
            f"{len(failed)} package(s) failed: {first.detail}",
            package=first.name,
            step=first.step or None,
            log=first.log,
        )
