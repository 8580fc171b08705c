"""Figure, table and report exports of the map and trend views."""
