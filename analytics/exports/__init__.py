"""Published tables: the export frames and small-count suppression."""
