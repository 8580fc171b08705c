"""The ``cakupan`` command line: data jobs (demo data, build, plans, reports).

This module is the I/O edge: it parses arguments, builds a :class:`Settings`, calls the
pipeline functions and turns expected failures (:class:`InputError`) into one readable
message and a non-zero exit code, never a traceback.

Why one module of ~450 lines: one typer command per subcommand, each an option list
and a thin call into analytics (``users`` and ``store`` commands are in their own
modules); the options are most of the lines.
"""

from __future__ import annotations

import errno
import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, ParamSpec

import typer
from rich.console import Console

from analytics.errors import InputError
from analytics.settings import Settings, SettingsError, check_cache_dir
from cli.store import store_app
from cli.users import users_app

if TYPE_CHECKING:
    import pandas as pd

app = typer.Typer(
    name="cakupan",
    help="Cakupan: coverage analytics for BPJS Ketenagakerjaan (Universal Coverage Jamsostek).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True)
app.add_typer(users_app, name="users")
app.add_typer(store_app, name="store")


#: Exit code of ``cakupan build --strict`` when a registry file loses more than 5 % of its
#: rows (the store is written all the same; 2 is a usage or input error).
EXIT_LOSS = 3


def _fail(message: str) -> None:
    console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code=2)


#: errno -> (what happened, what to do), for :func:`os_error_message`.
OS_ERRORS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("disk full", "free space there or choose another folder, then run again"),
    errno.EDQUOT: ("disk quota exceeded", "free space there or choose another folder"),
    errno.EACCES: ("permission denied", "let the user running cakupan read and write it"),
    errno.EPERM: ("operation not permitted", "let the user running cakupan read and write it"),
    errno.EROFS: ("read-only file system", "choose a folder on a writable disk"),
    errno.ENOENT: ("not found", "check the path"),
    errno.ENOTDIR: ("a part of the path is not a folder", "check the path"),
    errno.EISDIR: ("is a folder, not a file", "check the path"),
    errno.EMFILE: ("too many open files", "raise the open-file limit (ulimit -n)"),
    errno.EIO: ("input/output error", "check the disk"),
    errno.EEXIST: ("a file is where a folder is needed", "move it or choose another path"),
}
_ERRNO_IN_TEXT = re.compile(r"\[errno (\d+)\]", re.IGNORECASE)
_P = ParamSpec("_P")


def os_error_message(exc: OSError, fallback: Path | None = None) -> str:
    """One line for an OS error: the path (else ``fallback``), what happened, what to do."""
    code = exc.errno
    if code is None:  # pyarrow's write errors carry the errno in their text only
        found = _ERRNO_IN_TEXT.search(str(exc))
        code = int(found.group(1)) if found else None
    path = exc.filename if exc.filename is not None else fallback
    where = f"{path}: " if path is not None else ""
    if code in OS_ERRORS:
        what, todo = OS_ERRORS[code]
        return f"{where}{what} ({exc.strerror or exc}); {todo}".replace("\n", " ")
    return f"{where}{exc.strerror or exc}".replace("\n", " ")


def _os_errors(command: Callable[_P, None]) -> Callable[_P, None]:
    """Run a command, turning an OS error (disk full, permission, read-only disk...) or a
    damaged store into one line naming the path and exit code 2, never a traceback. The
    path is the error's, else the command's ``--out``."""

    @functools.wraps(command)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> None:
        from analytics.store.reader import StoreDamaged

        try:
            command(*args, **kwargs)
        except OSError as exc:
            out = kwargs.get("out")
            message = os_error_message(exc, out if isinstance(out, Path) else None)
            console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
            raise typer.Exit(code=2) from None
        except StoreDamaged as exc:
            console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
            raise typer.Exit(code=2) from None

    return run


@app.command()
def demo(
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")] = 7,
    out: Annotated[Path | None, typer.Option(help="Folder for the demo inputs.")] = None,
    shapefiles: Annotated[Path | None, typer.Option(help="Folder for the demo boundaries.")] = None,
) -> None:
    """Write the synthetic demo province ("Provinsi Contoh", code 99) as a user's raw files."""
    from analytics.demo import generate_demo

    settings = Settings.from_env()
    try:
        written = generate_demo(
            out_dir=out or settings.demo_dir,
            shapefiles_dir=shapefiles or settings.shapefiles_dir / "demo",
            seed=seed,
        )
    except (InputError, SettingsError) as exc:
        _fail(str(exc))
    for kind, path in written.items():
        console.print(f"  {kind}: {path}")


def _month_option(value: str | None, name: str) -> pd.Timestamp | None:
    """Parse a YYYY-MM option into a month Timestamp (None stays None)."""
    import pandas as pd

    if value is None:
        return None
    try:
        return pd.Period(value.strip(), freq="M").to_timestamp()
    except ValueError:
        _fail(f"{name} must be a month written YYYY-MM (for example 2024-06), not {value!r}")
    return None


def _print_reconciliation(reconciliation: dict[str, Any], out: Path) -> None:
    from rich.table import Table

    table = Table(title="Reconciliation (registry rows)", show_header=True)
    table.add_column("file")
    for column in ("rows_in", "matched", "unmatched", "rejected", "duplicates"):
        table.add_column(column, justify="right")
    files = reconciliation.get("files") or {}
    for name, row in [*files.items(), ("total", reconciliation)]:
        table.add_row(
            name,
            *(
                str(row.get(k, 0))
                for k in ("rows_in", "matched", "unmatched", "rejected", "duplicates")
            ),
        )
    console.print(table)
    reasons = reconciliation.get("reasons") or {}
    if reasons:
        console.print(
            "reasons: " + ", ".join(f"{k} {v}" for k, v in reasons.items()),
            highlight=False,
        )
    console.print(f"store written to {out}", highlight=False)


def _print_losses(reconciliation: dict[str, Any]) -> bool:
    """A red block per registry file losing more than 5 % of its rows; True if any."""
    from rich.panel import Panel

    from analytics.intake.loss import LOSS_WARN_SHARE, file_losses

    losses = file_losses(reconciliation)
    for loss in losses:
        lines = [
            f"[bold]{loss.lost} of {loss.rows_in} rows ({loss.share:.1%}) are unmatched or "
            f"rejected[/] (more than {LOSS_WARN_SHARE:.0%}); see unmatched.csv and "
            "rejected.csv in the store"
        ]
        for reason, count, examples in loss.top_reasons:
            said = ", ".join(repr(e) for e in examples)
            lines.append(f"  {reason}: {count}" + (f"  e.g. {said}" if said else ""))
        console.print(
            Panel(
                "\n".join(lines),
                title=f"[bold red]warning: {loss.file} loses {loss.share:.1%} of its rows",
                border_style="red",
                expand=False,
            ),
            highlight=False,
        )
    return bool(losses)


@app.command()
@_os_errors
def build(
    boundaries: Annotated[str, typer.Option(help="Village boundaries (GPKG, SHP, GeoJSON...).")],
    registry: Annotated[list[Path], typer.Option(help="Registry export; repeat for each file.")],
    workforce: Annotated[Path, typer.Option(help="Workforce per village and year.")],
    out: Annotated[Path, typer.Option(help="Store folder to write (replaced when done).")],
    start: Annotated[str | None, typer.Option(help="First month, YYYY-MM.")] = None,
    end: Annotated[str | None, typer.Option(help="Last month, YYYY-MM.")] = None,
    mapping: Annotated[Path | None, typer.Option(help="Header mapping file (YAML/TOML).")] = None,
    roster: Annotated[Path | None, typer.Option(help="Bhabinkamtibmas roster.")] = None,
    events: Annotated[Path | None, typer.Option(help="Outreach events.")] = None,
    engine: Annotated[
        str, typer.Option(help="pandas (one machine) or dask (intake and counting on Dask).")
    ] = "pandas",
    scheduler: Annotated[
        str | None,
        typer.Option(help="Dask scheduler address (tcp://host:8786); default: a local cluster."),
    ] = None,
    incremental: Annotated[
        bool,
        typer.Option(
            help="Add new registry files' later months to the store at --out without "
            "recounting history (needs --start); otherwise a full build."
        ),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option(
            help="Exit with code 3 when a registry file loses more than 5 % of its rows "
            "(unmatched + rejected); the store is written all the same."
        ),
    ] = False,
) -> None:
    """Build the processed store the dashboard reads, from raw registry exports."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

    from analytics.build.pipeline import ENGINES, BuildInputs, build_store

    if engine not in ENGINES:
        _fail(f"--engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    if scheduler and engine != "dask":
        _fail("--scheduler needs --engine dask")

    inputs = BuildInputs(
        boundaries=boundaries,
        registries=tuple(registry),
        workforce=workforce,
        out=out,
        start=_month_option(start, "--start"),
        end=_month_option(end, "--end"),
        mapping=mapping,
        roster=roster,
        events=events,
        incremental=incremental,
    )
    try:
        settings = Settings.from_env()
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
        with Progress(*columns, console=console, transient=False) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(step: str, done: int, total: int) -> None:
                if step not in tasks:
                    tasks[step] = bar.add_task(step, total=total or None)
                bar.update(tasks[step], completed=done, total=total or None)

            result = build_store(
                inputs, settings, progress, engine_name=engine, scheduler=scheduler
            )
    except (InputError, SettingsError) as exc:
        _fail(str(exc))
    _print_reconciliation(result.reconciliation, result.store_dir)
    if incremental:
        done = "months added to the store" if not result.refresh_note else result.refresh_note
        console.print(f"incremental: {done}", highlight=False)
    steps = ", ".join(f"{k} {v:.1f}s" for k, v in result.timings.items())
    console.print(f"timings: {steps}", highlight=False)
    if _print_losses(result.reconciliation) and strict:
        console.print(
            "[bold red]--strict:[/] a file lost more than 5 % of its rows", highlight=False
        )
        raise typer.Exit(code=EXIT_LOSS)


@app.command("estimate-denominators")
def estimate_denominators(
    totals: Annotated[
        Path,
        typer.Option(help="Kabupaten totals: kabupaten_code, year, workers, informal_workers."),
    ],
    weights: Annotated[
        Path, typer.Option(help="Village weights: village_code, weight (working-age population).")
    ],
    out: Annotated[Path, typer.Option(help="CSV to write (a workforce file for build).")],
) -> None:
    """Estimate village workforce from kabupaten totals, in proportion to village weights."""
    from analytics.engine.denominators import allocate_workforce, read_totals, read_weights

    try:
        kab_totals = read_totals(totals)
        village_weights = read_weights(weights)
        frame = allocate_workforce(kab_totals, village_weights)
    except InputError as exc:
        _fail(str(exc))
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out, index=False, encoding="utf-8")
    with_totals = set(kab_totals["kabupaten_code"])
    left_out = ~village_weights["village_code"].str.slice(0, 5).isin(with_totals)
    console.print(
        f"{frame['village_code'].nunique()} villages x {frame['year'].nunique()} year(s) "
        f"written to {out}",
        highlight=False,
    )
    if left_out.any():
        console.print(
            f"[yellow]note:[/] {int(left_out.sum())} villages have a weight but their "
            "kabupaten has no totals, so they get no denominator",
            highlight=False,
        )


@app.command()
@_os_errors
def plan(
    out: Annotated[Path, typer.Option(help="Folder for the plan files.")],
    store: Annotated[Path | None, typer.Option(help="Processed store folder.")] = None,
    roster: Annotated[Path | None, typer.Option(help="Roster (else the store's).")] = None,
    events: Annotated[Path | None, typer.Option(help="Outreach events (else the store's).")] = None,
    polres: Annotated[str | None, typer.Option(help="Plan for this Polres/Polresta.")] = None,
    polsek: Annotated[str | None, typer.Option(help="Plan for this Polsek.")] = None,
    area: Annotated[
        str | None, typer.Option(help="Plan for every officer in this area code (e.g. 34).")
    ] = None,
    weeks: Annotated[int, typer.Option(min=1, max=52, help="Weeks to plan.")] = 4,
    capacity: Annotated[int, typer.Option(min=1, max=14, help="Visits per officer/week.")] = 2,
    start: Annotated[str | None, typer.Option(help="First day, YYYY-MM-DD (next Monday).")] = None,
    w_gap: Annotated[float, typer.Option(help="Weight: uncovered informal workers.")] = 0.5,
    w_coverage: Annotated[float, typer.Option(help="Weight: low BPU coverage.")] = 0.2,
    w_pace: Annotated[float, typer.Option(help="Weight: slow 12-month pace.")] = 0.15,
    w_recency: Annotated[float, typer.Option(help="Weight: time since last outreach.")] = 0.15,
    mapping: Annotated[Path | None, typer.Option(help="Header mapping file (YAML/TOML).")] = None,
    lang: Annotated[
        str, typer.Option(help="Language of the XLSX and PDF: id (Bahasa Indonesia) or en.")
    ] = "id",
) -> None:
    """Write outreach plans: rencana_<polsek>.xlsx, briefing_<polsek>.pdf and prioritas.csv."""
    import datetime as dt

    import pandas as pd

    from analytics.io.headers import load_mapping
    from analytics.outreach.plan_job import run_plan_job
    from analytics.outreach.priority import PriorityWeights
    from analytics.store.reader import StoreError

    if lang not in ("id", "en"):
        _fail(f"--lang must be id or en, not {lang!r}")
    try:
        settings = Settings.from_env()
        check_cache_dir(settings)
        first_day = None
        if start is not None:
            try:
                first_day = pd.Timestamp(dt.date.fromisoformat(start))
            except ValueError:
                raise InputError(f"--start {start!r} is not a date YYYY-MM-DD") from None
        weights = PriorityWeights(w_gap, w_coverage, w_pace, w_recency)
        result = run_plan_job(
            store or settings.store_dir,
            out,
            roster=roster,
            events=events,
            polres=polres,
            polsek=polsek,
            area=area,
            weeks=weeks,
            visits_per_week=capacity,
            start=first_day,
            weights=weights,
            mapping=load_mapping(mapping),
            lang=lang,
            cache_dir=settings.cache_dir,
        )
    except (InputError, SettingsError, StoreError, ValueError) as exc:
        _fail(str(exc))
    for kind, recon in result.reconciliation.items():
        console.print(
            f"{kind}: {recon['rows_in']} rows = {recon['accepted']} accepted + "
            f"{recon['rejected']} rejected + {recon['duplicates']} duplicates",
            highlight=False,
        )
    summary = result.plan.summary
    console.print(
        f"{len(summary)} officers, {len(result.plan.schedule)} visits planned, "
        f"{len(result.plan.unassigned)} villages without an officer in scope",
        highlight=False,
    )
    for path in result.written:
        console.print(f"  {path}", highlight=False)


@app.command()
@_os_errors
def report(
    area: Annotated[
        str, typer.Option(help="Area code (e.g. 99.01), or all-kabupaten for one PDF each.")
    ],
    out: Annotated[Path, typer.Option(help="PDF file (one area) or folder (all-kabupaten).")],
    month: Annotated[str | None, typer.Option(help="Month YYYY-MM (default: latest).")] = None,
    store: Annotated[Path | None, typer.Option(help="Processed store folder.")] = None,
    segment: Annotated[str, typer.Option(help="Segment: ALL, PU, BPU, JAKON, PMI.")] = "BPU",
    suppress: Annotated[
        bool, typer.Option("--suppress/--no-suppress", help="Small-count protection.")
    ] = True,
    threshold: Annotated[int, typer.Option(min=2, help="Hide counts 1..threshold-1.")] = 5,
    lang: Annotated[
        str, typer.Option(help="Language of the report: id (Bahasa Indonesia) or en.")
    ] = "id",
) -> None:
    """Write the area report (PDF, Bahasa Indonesia or English): KPIs, map, trend, gaps,
    plan, quality."""
    import time

    from analytics.schemas import COVERAGE_SEGMENTS
    from analytics.store.reader import Store, StoreError

    if segment not in COVERAGE_SEGMENTS:
        _fail(f"--segment must be one of {', '.join(COVERAGE_SEGMENTS)}, not {segment!r}")
    if lang not in ("id", "en"):
        _fail(f"--lang must be id or en, not {lang!r}")
    if month is not None:
        _month_option(month, "--month")
    try:
        settings = Settings.from_env()
        check_cache_dir(settings)
        store_dir = store or settings.store_dir
        from analytics.report.job import kabupaten_codes, write_reports
        from layouts.exports.report_job import report_builder

        areas = (
            kabupaten_codes(Store(store_dir, cache_dir=settings.cache_dir))
            if area == "all-kabupaten"
            else [area.strip()]
        )
        started = time.perf_counter()
        written = write_reports(
            report_builder(store_dir, settings),
            areas,
            (month or "").strip(),
            out,
            segment=segment,
            threshold=threshold if suppress else None,
            progress=lambda _step, done, total: console.print(
                f"  {done}/{total} written", highlight=False
            ),
            lang=lang,
        )
    except (InputError, SettingsError, StoreError, KeyError) as exc:
        _fail(str(exc).strip("'\""))
    for path in written:
        console.print(f"  {path}", highlight=False)
    console.print(
        f"{len(written)} report(s) in {time.perf_counter() - started:.1f}s", highlight=False
    )


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
