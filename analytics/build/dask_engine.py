"""The build's heavy steps on a Dask cluster (``cakupan build --engine dask``).

What runs where:

* **registry intake per file** (reading, pseudonymising, validating, placing every row)
  runs as one task per registry file on the workers (:func:`file_mapper`); each file is
  independent until de-duplication, so a registry split into files (e.g. one Parquet
  file per province) spreads over the cluster. De-duplication then runs on the client,
  on 64-bit keys.
* **counting** runs per partition of the memberships (:func:`count_memberships_dask`):
  each partition's :class:`~analytics.engine.coverage.MembershipDeltas` are summed in a tree on
  the workers, and active memberships are their running sum, exactly as the default
  engine computes them, so the store is identical.

Dask and distributed are imported only here, and only when this engine is chosen.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Final

import numpy as np
import pandas as pd

from analytics.engine.coverage import (
    MembershipDeltas,
    VillageCounts,
    counts_from_deltas,
    membership_deltas,
)

#: Memberships per counting partition (a partition's deltas are ~3 x villages x 4 x months
#: int64 values, so few large partitions beat many small ones).
PARTITION_ROWS: Final = 5_000_000
_COUNT_COLUMNS: Final = ["village_code", "segment", "registered_on", "ended_on"]


@contextmanager
def dask_client(scheduler: str | None = None) -> Iterator[Any]:
    """A ``distributed.Client`` on ``scheduler`` (``tcp://host:8786``), else on a local
    cluster of one single-threaded worker process per core; closed on exit."""
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler) as client:
            yield client
        return
    with LocalCluster(threads_per_worker=1) as cluster, Client(cluster) as client:
        yield client


def file_mapper(client: Any) -> Callable[[Callable[..., Any], list[tuple[Any, ...]]], list[Any]]:
    """A mapper for :func:`analytics.intake.registries.ingest_registries`: one task per file."""

    def run(function: Callable[..., Any], jobs: list[tuple[Any, ...]]) -> list[Any]:
        futures = [client.submit(function, *job, pure=False) for job in jobs]
        return list(client.gather(futures))

    return run


def _add(parts: list[MembershipDeltas]) -> MembershipDeltas:
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


def count_memberships_dask(
    memberships: Any,
    village_codes: np.ndarray,
    months: pd.DatetimeIndex,
    client: Any,
    partition_rows: int = PARTITION_ROWS,
) -> VillageCounts:
    """:func:`analytics.engine.coverage.count_memberships` over a Dask cluster.

    ``memberships`` is a pandas frame (split into partitions of ``partition_rows``) or a
    ``dask.dataframe`` (its own partitions). Partition deltas are summed pairwise on the
    workers; only the final sum comes back.
    """
    import dask.dataframe as dd

    if isinstance(memberships, pd.DataFrame):
        frame = memberships[_COUNT_COLUMNS]
        parts = max(1, -(-len(frame) // partition_rows))
        memberships = dd.from_pandas(frame, npartitions=parts, sort=False)
    codes = np.sort(np.asarray(village_codes, dtype=object))
    # Every partition's deltas have the full shape, even an empty partition's.
    futures = [
        client.submit(membership_deltas, part, codes, months, pure=False)
        for part in client.compute(memberships[_COUNT_COLUMNS].to_delayed())
    ]
    while len(futures) > 1:
        pairs = [futures[i : i + 2] for i in range(0, len(futures), 2)]
        futures = [client.submit(_add, pair, pure=False) for pair in pairs]
    return counts_from_deltas(futures[0].result())
