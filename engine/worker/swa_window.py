"""Which positions a sliding-window cache really holds, read from llama.cpp's own state bytes.

The worker keeps a per-sequence SWA state (``LLAMA_STATE_SEQ_FLAGS_PARTIAL_ONLY``) at the end of
every prompt as its regenerate checkpoint. Those bytes start with the cell metadata that
``llama_kv_cache::state_write_meta`` writes (pinned llama.cpp of llama-cpp-python 0.3.36):

    u32 magic, i32 seq_id, u32 n_stream,
    per stream: u32 cell_count, then per cell: i32 pos, u32 n_seq_id, [ext: 3 x i32], n_seq_id x i32

and only the cells that are *not* masked for the next token (``!is_masked_swa(pos,
seq_pos_max)``), i.e. exactly the window positions ``[n - n_swa, n - 1]`` after ``n`` tokens. A
complete window is the condition for the next token to be computed correctly, so reading it
back is an independent check of every cache shortcut the worker takes: it does not trust the
reasoning that chose the shortcut, it looks at what llama.cpp holds.
"""

from __future__ import annotations

import ctypes
import struct
from dataclasses import dataclass
from typing import Any

import llama_cpp
import numpy as np

_MAGIC = 0xAF143CD8
_HEADER = struct.Struct("<IiII")  # magic, seq_id, n_stream, cell_count of the first stream
_EMPTY_STATE = 16  # a sequence with no cells: the header alone
_SEQ = 0
_FLAGS = llama_cpp.LLAMA_STATE_SEQ_FLAGS_PARTIAL_ONLY
# A cell's metadata: pos, n_seq_id, [ext: x, y, tok], seq_id (only one-sequence cells here).
_CELL = np.dtype([("pos", "<i4"), ("n_seq", "<u4"), ("seq", "<i4")])
_CELL_EXT = np.dtype(
    [("pos", "<i4"), ("n_seq", "<u4"), ("x", "<i4"), ("y", "<i4"), ("tok", "<i4"), ("seq", "<i4")]
)


def window_positions(state: bytes) -> list[int] | None:
    """The positions held in a PARTIAL_ONLY sequence state, or None if the layout is unknown."""
    if len(state) < _HEADER.size:
        return None
    magic, seq_id, n_stream, count = _HEADER.unpack_from(state, 0)
    if magic != _MAGIC or n_stream != 1:
        return None
    if count == 0:
        return []
    for dtype in (_CELL, _CELL_EXT):
        end = _HEADER.size + count * dtype.itemsize
        if end + 8 > len(state):
            continue
        cells = np.frombuffer(state, dtype=dtype, count=count, offset=_HEADER.size)
        if not (np.all(cells["n_seq"] == 1) and np.all(cells["seq"] == seq_id)):
            continue
        # The data section follows: u32 v_trans (0 or 1), u32 n_layer.
        v_trans, n_layer = struct.unpack_from("<II", state, end)
        if v_trans <= 1 and 0 < n_layer <= 4096 and np.all(cells["pos"] >= 0):
            return [int(pos) for pos in cells["pos"]]
    return None


def missing_positions(positions: list[int], n_tokens: int, n_swa: int) -> list[int]:
    """Window positions the next token (at ``n_tokens``) needs that the cache does not hold."""
    held = set(positions)
    return [pos for pos in range(max(0, n_tokens - n_swa), n_tokens) if pos not in held]


def state_size(ctx: Any) -> int:
    """Bytes of sequence 0's SWA state; llama.cpp counts them without copying anything."""
    return int(llama_cpp.llama_state_seq_get_size_ext(ctx, _SEQ, _FLAGS))


def state_bytes(ctx: Any) -> bytes:
    size = state_size(ctx)
    if size <= 0:
        return b""
    buffer = (ctypes.c_uint8 * size)()
    written = int(llama_cpp.llama_state_seq_get_data_ext(ctx, buffer, size, _SEQ, _FLAGS))
    return bytes(buffer)[: max(written, 0)]


@dataclass(frozen=True)
class WindowGauge:
    """Counts the window cells of sequence 0 from the size of its SWA state.

    The state is ``base + per_cell * cells`` bytes (every layer writes a fixed header and one
    row per cell), so the count costs one size query. Calibrated on the loaded model; a layout
    that is not linear gives no gauge at all.
    """

    ctx: Any
    base: int
    per_cell: int

    @classmethod
    def calibrate(cls, ctx: Any, sizes: list[int]) -> WindowGauge | None:
        """``sizes``: state sizes after 1, 2 and 3 evaluated tokens."""
        if len(sizes) != 3:
            return None
        step = sizes[1] - sizes[0]
        if step <= 0 or sizes[2] - sizes[1] != step or sizes[0] - step <= _EMPTY_STATE:
            return None
        return cls(ctx, sizes[0] - step, step)

    def cells(self) -> int | None:
        size = state_size(self.ctx)
        if size <= _EMPTY_STATE:
            return 0
        cells, rest = divmod(size - self.base, self.per_cell)
        return cells if rest == 0 and cells > 0 else None
