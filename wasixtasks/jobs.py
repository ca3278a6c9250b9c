"""The scheduler's job for one package: up to date, restored from the shared artifact cache,
or built by its kind's pipeline; then stamped and stored in the cache.
"""

from __future__ import annotations

import time
from collections.abc import Collection

from .errors import WasixError
from .locks import held
from .pipelines import stamps
from .pipelines.common import Engine
from .progress import Progress
from .recipe import Kind
from .run import Log, console
from .scheduler import JobFn, Outcome, Slot, Status


def package_job(engine: Engine, *, force: Collection[str] = (), quiet: bool = False,
                wait: bool = True, progress: Progress | None = None) -> JobFn:
    """The job function ``run_graph`` calls for each package of ``engine``'s graph. It holds
    the package's lock throughout: another run of the same package waits (or, with
    ``wait=False``, this one refuses) instead of building into the same folders."""
    cfg = engine.cfg

    def job(name: str, slot: Slot) -> Outcome:
        with held(cfg.layout.package(name).lock, what=f"pkgs/{name}", wait=wait,
                  on_wait=lambda message: console(f"[{name}] {message}")):
            return locked_job(name, slot)

    def locked_job(name: str, slot: Slot) -> Outcome:
        recipe = engine.registry.get(name)
        paths = cfg.layout.package(name)
        inputs = engine.input_hash(name)
        if name not in force:
            artifact = stamps.is_current(stamps.read_stamp(paths.stamp), inputs, cfg.root)
            if artifact is not None:
                return Outcome(name, Status.UP_TO_DATE, log=paths.log, artifact=artifact)
            restored = stamps.restore(cfg, name, inputs, cfg.artifacts_dir)
            if restored is not None:
                from .pipelines.wheel import remove_older_wheels

                artifact, cached = restored
                if recipe.kind is Kind.WHEEL:
                    remove_older_wheels(cfg.artifacts_dir, artifact, recipe,
                                        engine.registry.other_lines(recipe))
                stamps.write_stamp(paths.stamp, stamps.make_stamp(
                    cfg, inputs, artifact, cached.logic, cached.origin))
                return Outcome(name, Status.RESTORED, log=paths.log, artifact=artifact,
                               detail="from the artifact cache")
        # the pipelines (git, stage helpers, wheel tools) load only when something builds
        from .pipelines.library import Slots, build_library
        from .pipelines.wheel import build_wheel

        log = Log(name, paths.log, quiet=quiet)
        log.open(truncate=True)
        paths.stamp.unlink(missing_ok=True)
        if not quiet:
            console(f"[{name}] building (log: {log.path})")
        start = time.monotonic()
        pipeline = build_wheel if recipe.kind is Kind.WHEEL else build_library
        if progress is not None:
            progress.attach(name, log)
        try:
            built = pipeline(engine, recipe, log, Slots(slot.jobs, slot.env, slot.pass_fds))
        except WasixError as exc:
            # helpers that do not know the package (archive checks, patch parsing) raise
            # errors without it: the log knows the package, the step and its own path
            exc.package = exc.package or name
            exc.step = exc.step or log.step
            exc.log = exc.log or log.path
            log.write(exc.one_line())
            raise
        finally:
            log.finish_step()
            if progress is not None:
                progress.detach(name)
        # the stamp (and `invoke list`) names the source only when it is not the pin itself
        stamp = stamps.make_stamp(cfg, inputs, built.artifact, built.used_modules,
                                  "" if built.exact else built.origin)
        stamps.write_stamp(paths.stamp, stamp)
        stamps.store(cfg, name, stamp, built.artifact)
        return Outcome(name, Status.BUILT, time.monotonic() - start, log.path,
                       detail=f"source: {built.origin}" if built.origin else "",
                       artifact=built.artifact, steps=tuple(log.durations))

    return job
