"""Map label glyphs served by the app, so labels draw offline.

MapLibre (inside Plotly's ``map`` traces, and any MapLibre page) draws text from SDF glyphs
fetched per font stack and range of 256 code points from the style's ``glyphs`` URL. Plotly's
built-in styles point at fonts.openmaptiles.org, which an office without internet (or with a
strict proxy) cannot reach: the names and outreach ranks did not draw. Here the app makes
those glyphs itself from Bitstream Vera Sans (the TTFs reportlab ships, so nothing is
downloaded): rendered with Pillow at 4x, the signed distance from scipy's Euclidean distance
transform, written in MapLibre's glyph protobuf with node-fontnik's conventions (24 px,
3 px buffer, radius 8, cutoff 0.25). No maintained Python package does this (fontnik needs
prebuilt native binaries, glyphore is Rust), and the protobuf is seven fields.

Each range is made on first request and kept on disk under the state folder, keyed by the
font file's hash, so the workers share it and a font upgrade makes new files. Any font stack
name is answered (a name containing "Bold" with the bold face), so styles written for other
fonts (Plotly's "Open Sans Regular") work unchanged.

Route: ``/glyphs/<fontstack>/<start>-<end>.pbf`` (public: fonts hold no data). A style's
``glyphs`` must be an absolute URL: :func:`glyphs_url` builds it from the request.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Final

import flask
import numpy as np

#: The font every stack is drawn with (regular; "Bold" stacks get the bold face).
GLYPH_FONT: Final = "Bitstream Vera Sans"
GLYPH_ROUTE: Final = "/glyphs/<fontstack>/<int:start>-<int:end>.pbf"
#: A style's ``glyphs`` template below the app's root (MapLibre fills in both tokens).
GLYPH_TEMPLATE: Final = "glyphs/{fontstack}/{range}.pbf"
FONT_SIZE: Final = 24
BUFFER: Final = 3
RADIUS: Final = 8.0
CUTOFF: Final = 0.25
SUPERSAMPLE: Final = 4
RANGE_SIZE: Final = 256
MAX_CODE_POINT: Final = 0xFFFF
GLYPH_MAX_AGE: Final = 7 * 24 * 3600
#: Bumped when the generator's output changes: part of the cache key.
FORMAT_VERSION: Final = 1
FONT_FILES: Final = {"regular": "Vera.ttf", "bold": "VeraBd.ttf"}


def font_path(face: str = "regular") -> Path:
    """The TTF of ``face`` shipped inside reportlab's package."""
    import reportlab

    return Path(reportlab.__file__).resolve().parent / "fonts" / FONT_FILES[face]


def face_for(fontstack: str) -> str:
    return "bold" if "bold" in fontstack.lower() else "regular"


@lru_cache(maxsize=4)
def font_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


@lru_cache(maxsize=4)
def _covered(path: Path) -> frozenset[int]:
    """Code points the font maps to a glyph (its cmap, read by reportlab's TTF parser)."""
    from reportlab.pdfbase.ttfonts import TTFontFile

    return frozenset(int(c) for c in TTFontFile(str(path)).charToGlyph)


# --- protobuf (MapLibre's glyphs.proto): varints and length-delimited fields only ---------


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _uint_field(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _sint_field(number: int, value: int) -> bytes:
    return _uint_field(number, (value << 1) ^ (value >> 63))  # zigzag


def _bytes_field(number: int, value: bytes) -> bytes:
    return _varint((number << 3) | 2) + _varint(len(value)) + value


# --- glyphs ---------------------------------------------------------------------------------


def _sdf(mask: np.ndarray) -> np.ndarray:
    """Bytes of the signed distance field of a supersampled coverage ``mask`` (0-255), at
    1/SUPERSAMPLE of its size: 255 - 255 * (distance / RADIUS + CUTOFF), distance in output
    pixels, positive outside the outline (MapLibre's edge is at 192)."""
    from scipy.ndimage import distance_transform_edt

    inside = mask >= 128
    if not inside.any():
        signed = np.full(mask.shape, RADIUS * SUPERSAMPLE * 2, dtype=np.float64)
    else:
        signed = distance_transform_edt(~inside) - distance_transform_edt(inside)
    s = SUPERSAMPLE
    h, w = mask.shape[0] // s, mask.shape[1] // s
    # the mean over each output pixel's block is the distance at its centre
    per_pixel = signed[: h * s, : w * s].reshape(h, s, w, s).mean(axis=(1, 3)) / s
    values = np.round(255 - 255 * (per_pixel / RADIUS + CUTOFF))
    return np.clip(values, 0, 255).astype(np.uint8)


def _glyph(font: object, ascender: int, code: int) -> bytes:
    """One ``glyph`` message: id, bitmap, width, height, left, top, advance."""
    from PIL import Image, ImageDraw, ImageFont

    assert isinstance(font, ImageFont.FreeTypeFont)
    s = SUPERSAMPLE
    char = chr(code)
    advance = round(font.getlength(char) / s)
    x0, y0, x1, y1 = font.getbbox(char, anchor="ls")  # y grows downwards from the baseline
    out = _uint_field(1, code)
    if x1 <= x0 or y1 <= y0:  # a space: metrics only
        return (
            out
            + b"".join((_uint_field(3, 0), _uint_field(4, 0), _sint_field(5, 0), _sint_field(6, 0)))
            + _uint_field(7, advance)
        )
    left, right = math.floor(x0 / s), math.ceil(x1 / s)
    top, bottom = math.ceil(-y0 / s), math.floor(-y1 / s)  # pixels above the baseline
    width, height = right - left, top - bottom
    canvas = Image.new("L", ((width + 2 * BUFFER) * s, (height + 2 * BUFFER) * s), 0)
    origin = ((BUFFER - left) * s, (BUFFER + top) * s)
    ImageDraw.Draw(canvas).text(origin, char, font=font, fill=255, anchor="ls")
    bitmap = _sdf(np.asarray(canvas))
    return out + b"".join(
        (
            _bytes_field(2, bitmap.tobytes()),
            _uint_field(3, width),
            _uint_field(4, height),
            _sint_field(5, left),
            _sint_field(6, top - ascender),  # as fontnik: from the ascender line
            _uint_field(7, advance),
        )
    )


def glyph_range(path: Path, start: int, name: str = GLYPH_FONT) -> bytes:
    """The glyph PBF of code points ``start`` .. ``start + 255`` of the font at ``path``."""
    from PIL import ImageFont

    font = ImageFont.truetype(str(path), FONT_SIZE * SUPERSAMPLE)
    ascender = round(font.getmetrics()[0] / SUPERSAMPLE)
    covered = _covered(path)
    end = start + RANGE_SIZE - 1
    stack = _bytes_field(1, name.encode()) + _bytes_field(2, f"{start}-{end}".encode())
    for code in range(start, end + 1):
        if code in covered:
            stack += _bytes_field(3, _glyph(font, ascender, code))
    return _bytes_field(1, stack)


@functools.lru_cache(maxsize=64)
def _made(path: Path, face: str, start: int) -> bytes:
    """A range drawn once per process even when the state folder cannot be written (a
    pure function of the font file: the public route cannot make it redraw at will)."""
    return glyph_range(path, start, f"{GLYPH_FONT} Bold" if face == "bold" else GLYPH_FONT)


def cached_range(cache_dir: Path, face: str, start: int) -> bytes:
    """:func:`glyph_range` of ``face``, made once and kept in ``cache_dir`` (written
    atomically: several workers may make the same file)."""
    path = font_path(face)
    folder = cache_dir / f"{face}-{font_hash(path)}-v{FORMAT_VERSION}"
    target = folder / f"{start}-{start + RANGE_SIZE - 1}.pbf"
    try:
        return target.read_bytes()
    except OSError:
        pass
    data = _made(path, face, start)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except OSError:  # a read-only state folder: made again next time
        pass
    return data


def glyphs_url() -> str | None:
    """The absolute ``glyphs`` template of a MapLibre style, for the current request's host
    (behind a trusted proxy: the address the browser used, see ProxyFix in app.py); None
    outside a request (a figure made by a script has no host to name)."""
    if not flask.has_request_context():
        return None
    return flask.request.host_url.rstrip("/") + flask.request.script_root + "/" + GLYPH_TEMPLATE


def register_glyph_route(server: flask.Flask, cache_dir: Path) -> None:
    @server.route(GLYPH_ROUTE)
    def glyphs(fontstack: str, start: int, end: int) -> flask.Response:
        if start % RANGE_SIZE or end != start + RANGE_SIZE - 1 or end > MAX_CODE_POINT:
            flask.abort(404)
        data = cached_range(cache_dir, face_for(fontstack), start)
        response = flask.Response(data, mimetype="application/x-protobuf")
        response.cache_control.public = True
        response.cache_control.max_age = GLYPH_MAX_AGE
        response.set_etag(f"{font_hash(font_path(face_for(fontstack)))}-{FORMAT_VERSION}-{start}")
        response.make_conditional(flask.request)  # 304 for a cached copy
        return response
