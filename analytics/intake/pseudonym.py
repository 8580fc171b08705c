"""Keyed pseudonyms for membership identifiers (KPJ, NIK).

A pseudonym is the first 32 hex characters (128 bits) of HMAC-SHA256 over
``"<kind>:<value>"`` with a secret key. The same value and key always give the same
pseudonym, so memberships can be counted and de-duplicated across files and rebuilds,
while nobody without the key can go back from a pseudonym to the identifier (a NIK has
too little entropy for an unkeyed hash). The kind prefix keeps a KPJ and a NIK that
happen to share digits apart.
"""

from __future__ import annotations

import hashlib
from typing import Final

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

PSEUDONYM_HEX_CHARS: Final = 32
_BLOCK: Final = 64  # SHA-256 block size in bytes
_CHUNK: Final = 200_000  # values hashed per batch, to bound memory
_STR: Final = pd.StringDtype("pyarrow", na_value=np.nan)  # the default ``str`` dtype


def _keyed_states(key: bytes) -> tuple[hashlib._Hash, hashlib._Hash]:
    """Inner and outer SHA-256 states of HMAC (RFC 2104) with ``key`` already absorbed.

    Copying a prepared state per value is several times faster than ``hmac.digest``,
    which re-derives the padded keys for every call.
    """
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    return inner, outer


def _hmac_hex(text: pa.ChunkedArray | pa.Array, key: bytes) -> pa.ChunkedArray:
    """Truncated hex HMAC-SHA256 of every non-null string (nulls stay null), in batches.

    The loop only hashes; hex encoding and the Arrow array are built per batch from one
    buffer, with no Python string per row.
    """
    inner, outer = _keyed_states(key)
    size = PSEUDONYM_HEX_CHARS // 2
    filler = bytes(size)
    chunks: list[pa.Array] = []
    for start in range(0, len(text), _CHUNK):
        part = text.slice(start, _CHUNK)
        raw = bytearray()
        for value in part.cast(pa.large_binary()).to_pylist():
            if value is None:
                raw += filler
                continue
            i = inner.copy()
            i.update(value)
            o = outer.copy()
            o.update(i.digest())
            raw += o.digest()[:size]
        n = len(part)
        offsets = np.arange(0, PSEUDONYM_HEX_CHARS * (n + 1), PSEUDONYM_HEX_CHARS, dtype=np.int64)
        hexed = pa.Array.from_buffers(
            pa.large_string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(raw.hex().encode())]
        )
        if part.null_count:
            hexed = pc.if_else(pc.is_valid(part), hexed, pa.scalar(None, pa.large_string()))
        chunks.extend(hexed.chunks if isinstance(hexed, pa.ChunkedArray) else [hexed])
    return pa.chunked_array(chunks, pa.large_string())


def _arrow(values: pd.Series) -> pa.ChunkedArray | pa.Array:
    """Arrow text of ``values``, without a copy when they are Arrow-backed already."""
    arrow_backed = isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"
    text = pa.array((values if arrow_backed else values.astype("string[pyarrow]")).array)
    return text if text.type == pa.large_string() else text.cast(pa.large_string())


def _prefixed(kind: str, text: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    prefix = pa.scalar(f"{kind}:", pa.large_string())
    return pc.binary_join_element_wise(prefix, text, pa.scalar("", pa.large_string()))


def _check(key: bytes, kind: str) -> None:
    if not key:
        raise ValueError("the pseudonymisation key must not be empty")
    if not kind or ":" in kind:
        raise ValueError(f"invalid identifier kind {kind!r}")


def pseudonymize(values: pd.Series, key: bytes, kind: str) -> pd.Series:
    """Pseudonyms (32 lowercase hex characters) of ``values``; missing where missing.

    Equal to ``hmac.new(key, f"{kind}:{value}".encode(), sha256).hexdigest()[:32]``.
    """
    _check(key, kind)
    digests = _hmac_hex(_prefixed(kind, _arrow(values)), key)
    return pd.Series(pd.array(digests, dtype=_STR), index=values.index, name=values.name)


def pseudonymize_identity(kpj: pd.Series, nik: pd.Series, key: bytes) -> pd.Series:
    """Membership pseudonyms: of the KPJ where present, else of the NIK; missing without both.

    The same as ``pseudonymize(kpj, key, "kpj")`` filled in with
    ``pseudonymize(nik, key, "nik")``, with one HMAC per row.
    """
    _check(key, "kpj")
    kpj_text = _arrow(kpj)
    identity = _prefixed("kpj", kpj_text)
    if kpj_text.null_count:
        # The NIK counts only where the KPJ is empty.
        nik_text = pc.if_else(pc.is_null(kpj_text), _arrow(nik), pa.scalar(None, pa.large_string()))
        identity = pc.coalesce(identity, _prefixed("nik", nik_text))
    digests = _hmac_hex(identity, key)
    return pd.Series(pd.array(digests, dtype=_STR), index=kpj.index)


def pseudonym_keys(pseudonyms: pd.Series) -> np.ndarray:
    """64-bit integer keys from the first 16 hex characters of present pseudonyms.

    Equal pseudonyms give equal keys; different ones collide with probability about
    n^2 / 2^65, so callers that need exactness confirm equal keys on the full text.
    Read straight from the Arrow buffer: no Python object per row.
    """
    text = _arrow(pseudonyms)
    chunks = text.chunks if isinstance(text, pa.ChunkedArray) else [text]
    if sum(c.null_count for c in chunks):
        raise ValueError("pseudonym_keys needs present pseudonyms")
    return np.concatenate([np.zeros(0, dtype=np.int64), *(_chunk_keys(c) for c in chunks)])


def pseudonym_key_pairs(pseudonyms: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """The whole 128-bit pseudonyms of present pseudonyms as two 64-bit integer keys.

    ``(high, low)`` from hex characters 1-16 and 17-32: equal pairs mean equal pseudonyms,
    exactly (16 bytes a row instead of a 32-character string).
    """
    text = _arrow(pseudonyms)
    chunks = text.chunks if isinstance(text, pa.ChunkedArray) else [text]
    if sum(c.null_count for c in chunks):
        raise ValueError("pseudonym_key_pairs needs present pseudonyms")
    empty = np.zeros(0, dtype=np.int64)
    high = np.concatenate([empty, *(_chunk_keys(c) for c in chunks)])
    low = np.concatenate([empty, *(_chunk_keys(c, 16) for c in chunks)])
    return high, low


def pseudonyms_from_key_pairs(high: np.ndarray, low: np.ndarray) -> pd.Series:
    """The pseudonyms (32 lowercase hex characters) of :func:`pseudonym_key_pairs`."""
    n = len(high)
    pairs = np.empty((n, 2), dtype=">u8")
    pairs[:, 0], pairs[:, 1] = high.view(np.uint64), low.view(np.uint64)
    offsets = np.arange(0, (n + 1) * PSEUDONYM_HEX_CHARS, PSEUDONYM_HEX_CHARS, dtype=np.int64)
    hexed = pa.Array.from_buffers(
        pa.large_string(),
        n,
        [None, pa.py_buffer(offsets), pa.py_buffer(pairs.tobytes().hex().encode())],
    )
    return pd.Series(pd.array(hexed, dtype=_STR))


def _chunk_keys(text: pa.Array, start: int = 0) -> np.ndarray:
    n = len(text)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64)[text.offset : text.offset + n + 1]
    if not (np.diff(offsets) == PSEUDONYM_HEX_CHARS).all():
        raise ValueError("pseudonym_keys needs pseudonyms of 32 hex characters")
    data = np.frombuffer(text.buffers()[2], dtype=np.uint8)
    chars = data[offsets[0] : offsets[0] + n * PSEUDONYM_HEX_CHARS].reshape(n, -1)
    chars = chars[:, start : start + 16]
    nibbles = _HEX_VALUE[chars].astype(np.uint64)
    keys = np.zeros(n, dtype=np.uint64)
    for column in range(16):
        keys = (keys << np.uint64(4)) | nibbles[:, column]
    return keys.view(np.int64)


_HEX_VALUE: Final = np.zeros(256, dtype=np.uint8)
_HEX_VALUE[np.frombuffer(b"0123456789abcdef", dtype=np.uint8)] = np.arange(16, dtype=np.uint8)
