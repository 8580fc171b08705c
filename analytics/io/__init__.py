"""Loaders: the only place in ``analytics`` that reads files.

- :mod:`analytics.io.tables` reads tabular exports (CSV, XLSX, Parquet), whole or in
  chunks of rows, with the per-format readers in :mod:`analytics.io.readers`;
  :mod:`analytics.io.headers` recognises their headers through built-in aliases and an
  optional mapping file.
- :mod:`analytics.io.boundaries` reads village polygons (GeoPackage, Shapefile folder or
  .zip, GeoJSON, GeoParquet) into a :class:`~analytics.schemas.VillageSchema` frame.

Submodules are imported explicitly by their users; nothing heavy happens at import time.
"""
