"""The intake page's dry run and commit (Dash-free): the staged inputs
(:mod:`analytics.uploads.staging`) built with ``build_store`` (the very function
``cakupan build`` runs: the intake is wired once, in :mod:`analytics.build.pipeline`) into a
candidate folder next to the store, compared with the live store
(:mod:`analytics.store.diff`), then deleted (dry run) or published with the replaced store
kept as a version (commit), and the raw registries deleted under the retention rule.
See docs/security.md, "Data intake page".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from analytics.errors import InputError
from analytics.progress import Progress
from analytics.settings import Settings
from analytics.store.reader import META_FILE
from analytics.uploads.manifest import (
    InputSet,
    read_manifest,
    valid_stored_name,
    without_file,
    write_manifest,
)
from analytics.uploads.staging import StagedInputs, staged_inputs

# --- dry run and rebuild -------------------------------------------------------------------


def _require_complete(inputs: InputSet) -> None:
    if inputs.missing():
        raise InputError(
            f"select a file of each kind first: {', '.join(inputs.missing())} "
            "(the current store gives the boundaries and workforce; a registry must be "
            "selected, or kept from the last commit)",
            code="missing_kinds",
            params={"kinds": inputs.missing()},
        )


def _build_candidate(
    staged: StagedInputs, out: Path, settings: Settings, progress: Progress | None
) -> dict[str, Any]:
    """``cakupan build``'s own function on the staged inputs, into ``out``."""
    from analytics.build.pipeline import BuildInputs, build_store

    inputs = staged.inputs
    _require_complete(inputs)
    assert inputs.boundaries is not None and inputs.workforce is not None  # checked above
    result = build_store(
        BuildInputs(
            boundaries=inputs.boundaries,
            registries=inputs.registries,
            workforce=inputs.workforce,
            out=out,
            roster=inputs.roster,
            events=inputs.events,
        ),
        settings.with_(store_keep=0),
        None if progress is None else overall_progress(progress),
    )
    return result.reconciliation


def dry_run(uploads_dir: Path, settings: Settings) -> dict[str, Any]:
    """Build the store a commit would publish, next to the live one, compare it with the
    live store and delete it: ``{"reconciliation", "diff", "origins"}``. The live store
    and the uploads are left as they were."""
    from analytics.store import writer as store_writer
    from analytics.store.diff import compare_stores

    with (
        staged_inputs(uploads_dir, settings.store_dir) as staged,
        store_writer.candidate(settings.store_dir) as out,
    ):
        rec = _build_candidate(staged, out, settings, None)
        diff = compare_stores(settings.store_dir, out)
    return {"reconciliation": rec, "diff": diff.as_dict(), "origins": staged.origins}


def rebuild_store(
    uploads_dir: Path, settings: Settings, progress: Progress, *, confirmed: bool = False
) -> dict[str, Any]:
    """Build the store from the staged inputs and publish it at ``settings.store_dir``,
    keeping the replaced one as a version, unless it loses data against the live store
    (:mod:`analytics.store.diff`) and ``confirmed`` is false: then nothing is published and
    ``status`` is ``"confirm"``. After a publication, the registries used are deleted under
    the retention rule (``settings.upload_retention``).
    """
    from analytics.store import writer as store_writer
    from analytics.store.diff import compare_stores

    with (
        staged_inputs(uploads_dir, settings.store_dir) as staged,
        store_writer.candidate(settings.store_dir) as out,
    ):
        rec = _build_candidate(staged, out, settings, progress)
        diff = compare_stores(settings.store_dir, out)
        sources = _sources(out)
        if diff.needs_confirmation and not confirmed:
            return {"status": "confirm", "diff": diff.as_dict(), "origins": staged.origins}
        store_writer.publish(out, settings.store_dir, settings.store_keep)
    deleted = _after_commit(uploads_dir, staged.used, settings.upload_retention)
    counts = {
        k: rec.get(k, 0) for k in ("rows_in", "matched", "unmatched", "rejected", "duplicates")
    }
    return {
        "status": "ok",
        **counts,
        "diff": diff.as_dict(),
        "origins": staged.origins,
        "sources": sources,
        "deleted": deleted,
        "files": {
            name: {
                k: v
                for k, v in part.items()
                if k in ("rows_in", "matched", "unmatched", "rejected", "duplicates")
            }
            for name, part in (rec.get("files") or {}).items()
        },
    }


def _sources(store: Path) -> list[dict[str, Any]]:
    """The input files of a built store (name, kind, rows, sha256) from its meta.json."""
    try:
        meta = json.loads((store / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [
        {k: s.get(k) for k in ("file", "kind", "rows", "sha256")} for s in meta.get("sources", [])
    ]


#: Kinds whose raw files hold personal data (NIK, KPJ, names): deleted after a commit
#: under ``CAKUPAN_UPLOAD_RETENTION=delete``.
PERSONAL_KINDS: Final = frozenset({"registry"})


def _after_commit(uploads_dir: Path, used: dict[str, list[str]], retention: str) -> list[str]:
    """Record the files of the commit in the manifest; delete the registries used when the
    retention rule says so. The stored names (``<sha256>.<ext>``) deleted."""
    manifest = read_manifest(uploads_dir)
    manifest = {**manifest, "committed": {k: list(v) for k, v in used.items()}}
    deleted: list[str] = []
    if retention == "delete":
        for kind in PERSONAL_KINDS:
            for file in used.get(kind, []):
                manifest = without_file(manifest, kind, file)
                path = uploads_dir / kind / file
                if valid_stored_name(kind, file) and path.is_file():
                    path.unlink()
                    deleted.append(file)
    write_manifest(uploads_dir, manifest)
    return deleted


def overall_progress(report: Progress) -> Progress:
    """A build's per-step progress as one figure out of ``len(BUILD_STEPS) * 10``; inner
    steps of the intake (``read``, ``deduplicate``) count within the current step."""
    from analytics.build.pipeline import BUILD_STEPS  # geopandas: not at the page's import

    at = {"index": 0}
    total = len(BUILD_STEPS) * 10

    def progress(step: str, done: int, steps: int) -> None:
        if step in BUILD_STEPS:
            at["index"] = BUILD_STEPS.index(step)
            part = int(10 * done / steps) if steps else 0
            report(step, at["index"] * 10 + part, total)
        else:
            report(BUILD_STEPS[at["index"]], at["index"] * 10, total)

    return progress
