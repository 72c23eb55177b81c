"""Running the partitioned check's dask tasks: schedulers, stages and progress.

A scheduler is dask's default, a local one (threads, processes, synchronous), a
``distributed`` scheduler's address or client. The tasks are computed in stages that share
dependencies, and their progress is reported as ``progress(stage, done, total)``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from os import PathLike, fspath
from typing import Any

from planning.errors import UsageError, require

Progress = Callable[[str, int, int], None]
"""A progress callback: ``progress(stage, done, total)``; ``total`` 0 when unknown."""


@contextmanager
def use_scheduler(scheduler: Any) -> Iterator[Any]:
    """Set up the scheduler; yield the distributed client to use, or None for local ones."""
    import dask

    local = {"threads", "threading", "processes", "multiprocessing", "sync", "synchronous"}
    if scheduler is None:
        yield default_client()
    elif isinstance(scheduler, str) and scheduler in local:
        with dask.config.set(scheduler=scheduler):
            yield None
    elif isinstance(scheduler, str | PathLike):
        require("distributed", extra="dask")
        from distributed import Client

        try:
            client = Client(fspath(scheduler), set_as_default=False, timeout="30s")
        except (OSError, TimeoutError) as exc:
            raise UsageError(f"cannot reach the dask scheduler at {scheduler}: {exc}") from None
        try:
            with dask.config.set(scheduler=client):
                yield client
        finally:
            client.close()
    else:  # a distributed.Client
        with dask.config.set(scheduler=scheduler):
            yield scheduler


def default_client() -> Any:
    if "distributed" not in sys.modules:
        return None
    from distributed import default_client

    try:
        return default_client()
    except ValueError:
        return None


def staged(stages: list[tuple[str, list[Any]]], client: Any, say: Progress) -> Iterator[list[Any]]:
    """Compute lists of lazy tasks that share dependencies; yield each list's results in turn.

    On a distributed client every stage is submitted at once (shared tasks run once), and
    the driver can work on a stage's results while the next one's tasks run. Local
    schedulers compute all stages in one call.
    """
    import dask

    if client is not None:
        from distributed import as_completed

        submitted = [(stage, client.compute(items)) for stage, items in stages]
        for stage, futures in submitted:
            total = len(futures)
            say(stage, 0, total)
            for done, _ in enumerate(as_completed(futures, loop=client.loop), start=1):
                say(stage, done, total)
            yield list(client.gather(futures))
        return
    with LocalProgress(", ".join(stage for stage, _ in stages), say):
        computed = dask.compute(*(items for _, items in stages))
    yield from (list(c) for c in computed)


class LocalProgress:
    """Counts the finished tasks of dask's local schedulers (threads, processes, sync)."""

    def __init__(self, stage: str, say: Progress) -> None:
        from dask.callbacks import Callback

        self._stage, self._say = stage, say
        self._done, self._total = 0, 0
        outer = self

        class _Hook(Callback):
            def _start_state(self, dsk: Any, state: Any) -> None:
                outer._total = len(dsk)
                outer._say(outer._stage, 0, outer._total)

            def _posttask(self, *args: Any) -> None:
                outer._done += 1
                outer._say(outer._stage, min(outer._done, outer._total), outer._total)

        self._hook = _Hook()

    def __enter__(self) -> LocalProgress:
        self._hook.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._hook.__exit__(*exc)
        if exc[0] is None and self._total:
            self._say(self._stage, self._total, self._total)
