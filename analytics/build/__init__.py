"""Build: the wiring of ``cakupan build`` (full, incremental, Dask)."""
