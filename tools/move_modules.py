"""One-off tool used for the move of issue 13 (feature packages); kept so that branches
written against the old module paths can be brought over with ``--rewrite``.

    python tools/move_modules.py --move      # git mv every module of MOVES, create packages
    python tools/move_modules.py --rewrite   # rewrite every reference to an old module path
    python tools/move_modules.py --check     # list files --rewrite would still change
    python tools/move_modules.py --resolve-imports  # in a conflicted merge: keep both sides
                                                    # of import-only hunks

``--rewrite`` is idempotent: a rewritten name is never rewritten again, so it can be run
after merging any branch that still imports the old paths. It touches tracked ``*.py``,
``*.md``, ``*.toml``, ``*.ipynb``, ``*.cfg``, ``*.yaml``/``*.yml`` files and ``Makefile``.
Run ``ruff check --fix --select I,F401 .`` afterwards to sort the rewritten import lines.

Why one file of ~400 lines: most of it is the ``MOVES`` table (old module -> new) that
the three modes share; it is a one-off tool, deleted once no branch needs it.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Old dotted module -> new dotted module.
MOVES: dict[str, str] = {
    # analytics.io stays (readers, headers, boundaries, upload_checks, safe_zip, tables,
    # user_store, auth_state); the store's own files move to analytics.store.
    "analytics.values": "analytics.io.values",  # cell values: io.tables uses them (no cycle)
    "analytics.io.store_writer": "analytics.store.writer",
    "analytics.io.store_inputs": "analytics.store.inputs",
    "analytics.store": "analytics.store.reader",
    "analytics.territory_store": "analytics.store.territory",
    "analytics.store_diff": "analytics.store.diff",
    # intake: from raw rows to clean, matched, pseudonymised records
    "analytics.intake": "analytics.intake.registries",
    "analytics.workforce_intake": "analytics.intake.workforce",
    "analytics.outreach.intake": "analytics.intake.outreach_rosters",
    "analytics.matching": "analytics.intake.matching",
    "analytics.name_keys": "analytics.intake.name_keys",
    "analytics.pseudonym": "analytics.intake.pseudonym",
    "analytics.dedup": "analytics.intake.dedup",
    "analytics.intake_outcomes": "analytics.intake.outcomes",
    "analytics.intake_loss": "analytics.intake.loss",
    # engine: the numbers
    "analytics.coverage": "analytics.engine.coverage",
    "analytics.trends": "analytics.engine.trends",
    "analytics.quality": "analytics.engine.quality",
    "analytics.indicators": "analytics.engine.indicators",
    "analytics.classify": "analytics.engine.classify",
    "analytics.denominators": "analytics.engine.denominators",
    "analytics.geometry": "analytics.engine.geometry",
    # build: wiring of a store build
    "analytics.pipeline": "analytics.build.pipeline",
    "analytics.incremental": "analytics.build.incremental",
    "analytics.engine_dask": "analytics.build.dask_engine",
    # report and exports
    "analytics.pdf_pages": "analytics.report.pdf_pages",
    "analytics.tables_export": "analytics.exports.tables",
    "analytics.suppression": "analytics.exports.suppression",
    "analytics.gis_export": "analytics.exports.gis",
    "analytics.profile": "analytics.report.village_profile",
    # the cakupan command: outside analytics (it may use the report builder in layouts)
    "analytics.cli": "cli.main",
    "analytics.cli_users": "cli.users",
    "analytics.cli_store": "cli.store",
    # layouts.core: shared by every page
    "layouts.i18n": "layouts.core.i18n",
    "layouts.theme": "layouts.core.theme",
    "layouts.ids": "layouts.core.ids",
    "layouts.components": "layouts.core.components",
    "layouts.auth": "layouts.core.auth",
    "layouts.shell": "layouts.core.shell",
    "layouts.data_access": "layouts.core.data_access",
    "layouts.url_state": "layouts.core.url_state",
    "layouts.store_notice": "layouts.core.store_notice",
    "layouts.export_jobs": "layouts.core.jobs",
    "layouts.figures": "layouts.core.figures",
    "layouts.outreach_messages": "layouts.core.catalogs.outreach",
    "layouts.quality_messages": "layouts.core.catalogs.quality",
    "layouts.upload_messages": "layouts.core.catalogs.upload",
    "layouts.map_messages": "layouts.core.catalogs.map",
    "layouts.profile_messages": "layouts.core.catalogs.profile",
    "layouts.trend_messages": "layouts.core.catalogs.trends",
    "layouts.page_titles": "layouts.core.page_titles",
    # on branch navigation (not yet merged when this ran; --move picks them up after)
    "layouts.nav_messages": "layouts.core.catalogs.nav",
    "layouts.static_assets": "layouts.core.static_assets",
    "layouts.view_notice": "layouts.core.view_notice",
    # features
    "layouts.map_callbacks": "layouts.map.callbacks",
    "layouts.map_drawer": "layouts.map.drawer",
    "layouts.timeline": "layouts.map.timeline",
    "layouts.profile_views": "layouts.profile.views",
    "layouts.profile_link": "layouts.profile.link",
    "layouts.gis_download": "layouts.exports.gis",
    "layouts.print_map": "layouts.exports.print_map",
    "layouts.trend_views": "layouts.trends.views",
    "layouts.quality_views": "layouts.quality.views",
    "layouts.outreach_columns": "layouts.outreach.columns",
    "layouts.outreach_data": "layouts.outreach.data",
    "layouts.outreach_impact": "layouts.outreach.impact",
    "layouts.outreach_map": "layouts.outreach.map",
    "layouts.outreach_views": "layouts.outreach.views",
    "layouts.outreach_callbacks": "layouts.outreach.callbacks",
    "layouts.export_figures": "layouts.exports.figures",
    "layouts.export_ui": "layouts.exports.ui",
    "layouts.figure_export": "layouts.exports.rendering",
    "layouts.report_job": "layouts.exports.report_job",
    "layouts.upload_views": "layouts.upload.views",
    "layouts.upload_build": "analytics.uploads.rebuild",
    "layouts.upload_diff": "layouts.upload.diff",
}

#: Modules of branches merged after the move: moved by ``--move`` once they are here.
PENDING = frozenset({"layouts.nav_messages", "layouts.static_assets", "layouts.view_notice"})

#: Docstrings of the packages the move creates.
PACKAGES: dict[str, str] = {
    "cli": "The ``cakupan`` command line; it may use the report builder, never Dash callbacks.",
    "analytics.intake": "Intake: registry, workforce and roster rows to clean, matched records.",
    "analytics.engine": "Engine: coverage, trends, quality and indicators (frames in, out).",
    "analytics.build": "Build: the wiring of ``cakupan build`` (full, incremental, Dask).",
    "analytics.store": "The processed store: file names, reader, territory view, writer, diff.",
    "analytics.exports": "Published tables: the export frames and small-count suppression.",
    "layouts.core": "UI shared by every page: i18n, theme, ids, components, auth, data access.",
    "layouts.core.catalogs": "Message catalogs merged by :mod:`layouts.core.i18n`.",
    "layouts.map": "The coverage map page's view model and callbacks.",
    "layouts.trends": "The trends page's views.",
    "layouts.quality": "The data-quality page's views.",
    "layouts.outreach": "The outreach page: plan views, map, impact and callbacks.",
    "layouts.exports": "Figure, table and report exports of the map and trend views.",
    "layouts.upload": "The upload page: staging views, rebuild and diff.",
    "layouts.profile": "The village profile page (/desa) and the map's link to it.",
}

#: Modules added to a moved module's package after the move (new names, never rewritten).
ADDED_MODULES: tuple[str, ...] = ("analytics.store.columnar", "analytics.store.cache")

#: Names that moved between modules (new module -> name -> module that now defines it).
SYMBOL_MOVES: dict[str, dict[str, str]] = {
    "layouts.map.callbacks": {
        "StoreLike": "layouts.core.data_access",
        "level_coverage": "layouts.core.data_access",
    },
    "analytics.store.reader": {"QUALITY_COLUMNS": "analytics.schemas"},
    "layouts.pages.coverage_map": {"state_from_controls": "layouts.map.callbacks"},
}

#: Private names made public by the move (file-scoped: renamed in the defining module and
#: in the modules that import them from it).
PUBLIC_NAMES: dict[str, str] = {"_row_data": "row_data", "_view_rows": "view_rows"}
PUBLIC_FROM = ("layouts.map_callbacks", "layouts.map.callbacks")

#: The tool and its test hold old names on purpose.
SKIP = {"tools/move_modules.py", "tests/test_move_modules.py"}
TEXT_SUFFIXES = {".py", ".md", ".toml", ".ipynb", ".cfg", ".yaml", ".yml"}


def _path(module: str) -> str:
    return module.replace(".", "/") + ".py"


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def move() -> None:
    """``git mv`` each module; a module whose name becomes a package goes via a temp name."""
    new_packages = {m.rsplit(".", 1)[0] for m in MOVES.values()}
    for package in sorted(new_packages):
        parts = package.split(".")
        for i in range(1, len(parts) + 1):
            name = ".".join(parts[:i])
            init = ROOT / name.replace(".", "/") / "__init__.py"
            if init.exists():
                continue
            src_file = ROOT / _path(name)
            if src_file.exists():  # analytics/store.py -> analytics/store/ needs a temp name
                _git("mv", _path(name), _path(name) + ".moving")
            init.parent.mkdir(parents=True, exist_ok=True)
            doc = PACKAGES.get(name, f"{name}.")
            init.write_text(f'"""{doc}"""\n', encoding="utf-8")
            _git("add", "-f", str(init.relative_to(ROOT)))  # -f: a .gitignore may list build/
    for old, new in MOVES.items():
        src = ROOT / _path(old)
        if not src.exists():
            src = ROOT / (_path(old) + ".moving")
        dst = ROOT / _path(new)
        if dst.exists() and not src.exists():
            continue  # already moved
        if not src.exists():
            print(f"skip {old}: not found", file=sys.stderr)
            continue
        _git("mv", str(src.relative_to(ROOT)), str(dst.relative_to(ROOT)))
        print(f"{old} -> {new}")


def _continuations(old: str) -> list[str]:
    """Next segments after ``old`` that start a *new* name (``analytics.store`` ->
    ``reader``, ``writer``...): never rewrite those again."""
    prefix = old + "."
    segs = set()
    for new in [*MOVES.values(), *ADDED_MODULES]:
        if new.startswith(prefix):
            segs.add(new[len(prefix) :].split(".")[0])
    return sorted(segs)


def _dotted_pattern() -> re.Pattern[str]:
    alts = []
    for old in sorted(MOVES, key=len, reverse=True):
        alt = re.escape(old)
        segs = _continuations(old)
        if segs:
            leaf = "|".join(map(re.escape, segs))
            # `analytics.store.writer` and `from analytics.store import writer` are new names
            alt += rf"(?!\.(?:{leaf})\b)(?!\s+import\s+\(?\s*(?:{leaf})\b)"
            # the old module is now a package of that name: a bare mention ("the
            # analytics.store package") is the package; only code-like uses are rewritten
            alt += r"(?=\.\w|\s+import\b|\s+as\b)"
        alts.append(alt)
    return re.compile(r"(?<![\w.])(?:" + "|".join(alts) + r")(?![\w])")


def _path_pattern() -> re.Pattern[str]:
    olds = sorted(MOVES, key=len, reverse=True)
    alts = "|".join(re.escape(_path(o)) for o in olds)
    return re.compile(r"(?<![\w.-])(?:" + alts + r")(?![\w])")


def _from_pattern(parents: list[str]) -> re.Pattern[str]:
    alts = "|".join(map(re.escape, sorted(parents, key=len, reverse=True)))
    return re.compile(
        rf"^(?P<indent>[ \t]*)from[ \t]+(?P<parent>{alts})[ \t]+import[ \t]+"
        r"(?P<names>\([^)]*\)|[^\n]*)",
        re.MULTILINE,
    )


_FROM_MODULES = _from_pattern(sorted({o.rsplit(".", 1)[0] for o in MOVES}))
_FROM_SYMBOLS = _from_pattern(list(SYMBOL_MOVES))


def _module_moved(parent: str, name: str) -> tuple[str, str] | None:
    new = MOVES.get(f"{parent}.{name}")
    return None if new is None else (new.rsplit(".", 1)[0], new.rsplit(".", 1)[1])


def _symbol_moved(parent: str, name: str) -> tuple[str, str] | None:
    home = SYMBOL_MOVES.get(parent, {}).get(name)
    return None if home is None else (home, name)


def _from_rewriter(
    moved: Callable[[str, str], tuple[str, str] | None],
) -> Callable[[re.Match[str]], str]:
    """``from analytics import matching, formatting`` -> one line per new parent."""

    def rewrite_from(match: re.Match[str]) -> str:
        indent, parent, names = match["indent"], match["parent"], match["names"]
        comment = ""
        body = names
        if not body.startswith("("):
            body, _, comment = body.partition("#")
            comment = ("  # " + comment.strip()) if comment.strip() else ""
        else:
            body = re.sub(r"#[^\n]*", "", body[1:-1])
        items = [i.strip() for i in body.split(",") if i.strip()]
        groups: dict[str, list[str]] = {}
        changed = False
        for item in items:
            name, _, alias = item.partition(" as ")
            name, alias = name.strip(), alias.strip()
            target = moved(parent, name)
            if target is None:
                groups.setdefault(parent, []).append(item)
                continue
            changed = True
            new_parent, leaf = target
            local = alias or name
            groups.setdefault(new_parent, []).append(
                leaf if leaf == local else f"{leaf} as {local}"
            )
        if not changed:
            return match.group(0)
        lines = [f"{indent}from {p} import {', '.join(n)}" for p, n in groups.items()]
        lines[0] += comment
        return "\n".join(lines)

    return rewrite_from


_DOTTED = _dotted_pattern()
_PATHS = _path_pattern()
_PATH_MOVES = {_path(o): _path(n) for o, n in MOVES.items()}
_PUBLIC_IMPORT = re.compile(
    r"from[ \t]+(?:"
    + "|".join(map(re.escape, PUBLIC_FROM))
    + r")[ \t]+import[ \t]+(?:\([^)]*\)|[^\n]*)"
)


def _publish(text: str, is_defining: bool) -> str:
    imports = " ".join(m.group(0) for m in _PUBLIC_IMPORT.finditer(text))
    for private, public in PUBLIC_NAMES.items():
        if is_defining or re.search(rf"\b{private}\b", imports):
            text = re.sub(rf"(?<![\w]){private}(?![\w])", public, text)
    return text


def rewrite_text(text: str, suffix: str, is_defining: bool = False) -> str:
    if suffix == ".py":
        text = _FROM_MODULES.sub(_from_rewriter(_module_moved), text)
    text = _DOTTED.sub(lambda m: MOVES[m.group(0)], text)
    text = _PATHS.sub(lambda m: _PATH_MOVES[m.group(0)], text)
    if suffix == ".py":
        text = _FROM_SYMBOLS.sub(_from_rewriter(_symbol_moved), text)
        text = _publish(text, is_defining)
    return text


def rewrite(
    files: list[Path] | None = None, log: Callable[[str], None] = print, *, check: bool = False
) -> int:
    if files is None:
        listed = _git("ls-files").splitlines()
        files = [
            ROOT / f
            for f in listed
            if Path(f).suffix in TEXT_SUFFIXES or Path(f).name == "Makefile"
        ]
    defining = ROOT / _path(MOVES["layouts.map_callbacks"])
    changed = 0
    for file in files:
        if not file.exists() or file.relative_to(ROOT).as_posix() in SKIP:
            continue
        text = file.read_text(encoding="utf-8")
        new = rewrite_text(text, file.suffix, is_defining=file == defining)
        if new != text:
            if not check:
                file.write_text(new, encoding="utf-8")
            changed += 1
            log(f"{'would rewrite' if check else 'rewrote'} {file.relative_to(ROOT)}")
    return changed


_CONFLICT = re.compile(
    r"<<<<<<< [^\n]*\n(?P<ours>.*?)(?:\|{7} [^\n]*\n.*?)?"
    r"=======\n(?P<theirs>.*?)>>>>>>> [^\n]*\n",
    re.DOTALL,
)


def _only_imports(block: str) -> bool:
    """Whole import statements and blank lines only (a parenthesised list closed inside)."""
    open_paren = False
    for line in block.splitlines():
        text = line.strip()
        if open_paren:
            open_paren = ")" not in text
            continue
        if not text or text.startswith("#"):
            continue
        if not text.startswith(("from ", "import ")):
            return False
        open_paren = text.endswith("(")
    return not open_paren


def resolve_imports(files: list[Path]) -> int:
    """Merge conflicts whose two sides are only imports: keep both (``--rewrite`` then maps
    the old paths, ``ruff check --fix --select I,F401`` sorts and drops what is unused).
    Returns the number of hunks left for a person."""
    left = 0
    for file in files:
        text = file.read_text(encoding="utf-8")

        def union(match: re.Match[str]) -> str:
            nonlocal left
            if _only_imports(match["ours"]) and _only_imports(match["theirs"]):
                return match["ours"] + match["theirs"]
            left += 1
            return match.group(0)

        file.write_text(_CONFLICT.sub(union, text), encoding="utf-8")
    return left


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--move", action="store_true", help="git mv the modules")
    parser.add_argument("--rewrite", action="store_true", help="rewrite old module paths")
    parser.add_argument("--check", action="store_true", help="list what --rewrite would change")
    parser.add_argument(
        "--resolve-imports",
        action="store_true",
        help="in files with merge conflicts, keep both sides of import-only hunks",
    )
    args = parser.parse_args()
    if not (args.move or args.rewrite or args.check or args.resolve_imports):
        parser.error("give --move, --rewrite, --check or --resolve-imports")
    if args.resolve_imports:
        conflicted = _git("diff", "--name-only", "--diff-filter=U").splitlines()
        left = resolve_imports([ROOT / f for f in conflicted if f.endswith(".py")])
        print(f"{len(conflicted)} conflicted files; {left} hunks left to resolve by hand")
    if args.check:
        sys.exit(1 if rewrite(check=True) else 0)
    if args.move:
        move()
    if args.rewrite:
        print(f"{rewrite()} files rewritten")


if __name__ == "__main__":
    main()
