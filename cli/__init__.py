"""The ``cakupan`` command line; it may use the report builder, never Dash callbacks."""
