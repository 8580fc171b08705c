"""``python -m cli``: the ``cakupan`` command without the installed console script."""

from cli.main import app

app(prog_name="cakupan")
