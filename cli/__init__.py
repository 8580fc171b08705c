"""The ``cakupan`` command line (typer); may use the report builder, never Dash callbacks."""
