"""SWA checkpoints: saved sliding-window state that makes rollbacks on Gemma 3 exact.

With ``swa_full=False`` five of six Gemma 3 layers keep only a ring of recent positions, so
"remove everything after position p" succeeds in llama.cpp but leaves the window before p
missing and the next answer silently wrong. A checkpoint is the per-sequence state of just the
sliding-window layers (``LLAMA_STATE_SEQ_FLAGS_PARTIAL_ONLY``) at token count ``n``: ~7.5 MiB
and a few milliseconds on the 270M model. To roll back to p the worker truncates the cache to a
checkpoint's ``n`` <= p (the full-attention layers keep every position) and writes the window
back.

Each checkpoint remembers a digest of the token ids it was taken after, so one store can serve
several branches and conversations: a checkpoint is used only for a prompt that starts with
exactly those ids. The store is bounded in bytes; the least recently used entry goes first.
"""

from __future__ import annotations

import ctypes
import hashlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import llama_cpp
import numpy as np

_SEQ = 0
_FLAGS = llama_cpp.LLAMA_STATE_SEQ_FLAGS_PARTIAL_ONLY


def prefix_digest(tokens: Sequence[int], n: int) -> bytes:
    return hashlib.blake2b(
        np.asarray(tokens[:n], dtype=np.int32).tobytes(), digest_size=16
    ).digest()


@dataclass(frozen=True)
class Checkpoint:
    n_tokens: int
    digest: bytes
    data: bytes


class CheckpointStore:
    """Bounded, digest-keyed SWA checkpoints of one llama.cpp context (sequence 0)."""

    def __init__(self, ctx: llama_cpp.llama_context_p, *, budget_bytes: int) -> None:
        self._ctx = ctx
        self.budget_bytes = budget_bytes
        self._items: OrderedDict[tuple[int, bytes], Checkpoint] = OrderedDict()
        self.bytes_held = 0
        self.saves = 0
        self.restores = 0

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        self._items.clear()
        self.bytes_held = 0

    def save(self, n_tokens: int, tokens: Sequence[int]) -> Checkpoint | None:
        """Save the window state as it is now, after ``tokens[:n_tokens]``."""
        if n_tokens <= 0 or self.budget_bytes <= 0:
            return None
        key = (n_tokens, prefix_digest(tokens, n_tokens))
        if key in self._items:
            self._items.move_to_end(key)
            return self._items[key]
        size = int(llama_cpp.llama_state_seq_get_size_ext(self._ctx, _SEQ, _FLAGS))
        if size <= 0 or size > self.budget_bytes:
            return None
        buffer = (ctypes.c_uint8 * size)()
        written = int(llama_cpp.llama_state_seq_get_data_ext(self._ctx, buffer, size, _SEQ, _FLAGS))
        if written <= 0:
            return None
        checkpoint = Checkpoint(n_tokens, key[1], bytes(buffer)[:written])
        self._items[key] = checkpoint
        self.bytes_held += len(checkpoint.data)
        self.saves += 1
        while self.bytes_held > self.budget_bytes and self._items:
            _, evicted = self._items.popitem(last=False)
            self.bytes_held -= len(evicted.data)
        return checkpoint

    def best_for(self, limit: int, prompt: Sequence[int]) -> Checkpoint | None:
        """The newest checkpoint at or before ``limit`` whose prefix equals ``prompt``'s."""
        digests: dict[int, bytes] = {}
        best: Checkpoint | None = None
        for (n, digest), checkpoint in self._items.items():
            if n > limit or n > len(prompt) or (best is not None and n <= best.n_tokens):
                continue
            if n not in digests:
                digests[n] = prefix_digest(prompt, n)
            if digests[n] == digest:
                best = checkpoint
        return best

    def restore_before(
        self, limit: int, prompt: Sequence[int], truncate: Callable[[int], None]
    ) -> int:
        """Restore the best checkpoint for ``prompt``; return the tokens now held (0: none).

        ``truncate(n)`` must drop every position >= n from the context. One extra position
        is dropped after the restore so that at least one prompt token is evaluated again
        (fresh logits), mirroring llama-server.
        """
        checkpoint = self.best_for(limit, prompt)
        if checkpoint is None:
            return 0
        truncate(checkpoint.n_tokens)
        data = (ctypes.c_uint8 * len(checkpoint.data)).from_buffer_copy(checkpoint.data)
        read = int(
            llama_cpp.llama_state_seq_set_data_ext(
                self._ctx, data, len(checkpoint.data), _SEQ, _FLAGS
            )
        )
        if read == 0:
            truncate(0)
            return 0
        self._items.move_to_end((checkpoint.n_tokens, checkpoint.digest))
        self.restores += 1
        truncate(checkpoint.n_tokens - 1)
        return checkpoint.n_tokens - 1


@dataclass(frozen=True)
class SavedSequence:
    """The whole state of sequence 0 for one conversation, kept while another one runs."""

    tokens: tuple[int, ...]
    data: bytes


class ConversationStates:
    """Full per-sequence states of recently used conversations and branches (LRU, in bytes).

    Switching from conversation (or branch) A to B parks A's state here; switching back
    restores it, so going back and forth costs milliseconds instead of a re-prefill.
    """

    def __init__(self, ctx: llama_cpp.llama_context_p, *, budget_bytes: int) -> None:
        self._ctx = ctx
        self.budget_bytes = budget_bytes
        self._items: OrderedDict[str, SavedSequence] = OrderedDict()
        self.bytes_held = 0

    def __contains__(self, key: str) -> bool:
        return key in self._items

    def clear(self) -> None:
        self._items.clear()
        self.bytes_held = 0

    def save(self, key: str, tokens: Sequence[int]) -> bool:
        self.discard(key)
        if not tokens or self.budget_bytes <= 0:
            return False
        size = int(llama_cpp.llama_state_seq_get_size(self._ctx, _SEQ))
        if size <= 0 or size > self.budget_bytes:
            return False
        buffer = (ctypes.c_uint8 * size)()
        written = int(llama_cpp.llama_state_seq_get_data(self._ctx, buffer, size, _SEQ))
        if written <= 0:
            return False
        self._items[key] = SavedSequence(tuple(tokens), bytes(buffer)[:written])
        self.bytes_held += written
        while self.bytes_held > self.budget_bytes and self._items:
            _, evicted = self._items.popitem(last=False)
            self.bytes_held -= len(evicted.data)
        return True

    def discard(self, key: str) -> None:
        saved = self._items.pop(key, None)
        if saved is not None:
            self.bytes_held -= len(saved.data)

    def get(self, key: str) -> SavedSequence | None:
        return self._items.get(key)

    def entries(self) -> list[tuple[str, tuple[int, ...]]]:
        """(key, tokens) of every parked state, most recently parked last."""
        return [(key, saved.tokens) for key, saved in self._items.items()]

    def restore(self, key: str, truncate: Callable[[int], None]) -> tuple[int, ...] | None:
        """Replace sequence 0 with the saved state; return its tokens (None: failed)."""
        saved = self._items.pop(key, None)
        if saved is None:
            return None
        self.bytes_held -= len(saved.data)
        truncate(0)
        data = (ctypes.c_uint8 * len(saved.data)).from_buffer_copy(saved.data)
        if int(llama_cpp.llama_state_seq_set_data(self._ctx, data, len(saved.data), _SEQ)) == 0:
            truncate(0)
            return None
        return saved.tokens
