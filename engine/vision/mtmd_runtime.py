"""Gemma 3 vision inside the inference worker: libmtmd as a tile encoder, Hearth's own prompt.

``VisionRuntime`` wraps one libmtmd context bound to a loaded ``llama_cpp.Llama``. It does not
use llama-cpp-python's ``MTMDChatHandler`` (which clears the KV cache on every call). Instead:

* **Encode**: a 896x896 RGB tile (only tiles Hearth produced itself, never files or URLs) goes
  through ``mtmd_bitmap_init`` + ``mtmd_tokenize`` (a single media marker) + ``mtmd_encode_chunk``;
  the 256 x n_embd embeddings are copied out into an LRU cache keyed by the tile's SHA-256 and
  bounded in MiB, so the same tile is never encoded twice while it stays in the cache.
* **Decode**: the prompt is an ordered list of text token runs and :class:`ImageSlot` s. Text goes
  through ``Llama.eval``; a slot is ``<start_of_image>`` (text) + the embeddings decoded with
  ``mtmd_helper_decode_image_chunk`` (non-causal, one ubatch) + ``<end_of_image>`` (text).
  ``llm.input_ids`` / ``llm.n_tokens`` stay consistent, so the caller can keep generating and
  append later turns without clearing the KV cache.
* **Positions**: the kept token list holds, at the 256 positions of an image, placeholder ids
  derived from the tile hash (negative, so never valid text and never passed to ``llama_decode``).
  :meth:`VisionRuntime.prefill` compares the expanded prompt with ``llm.input_ids`` and keeps the
  common prefix, so a follow-up question about the same image encodes and decodes nothing again.

Never detokenize a kept token list that holds placeholders: llama.cpp aborts on ids outside the
vocabulary. Use :func:`strip_placeholders` first.

Process safety: before libmtmd sees the projector it is validated with the bounded GGUF header
reader (``engine.model.catalog.check_mmproj_pair``); ``n_batch``/``n_ubatch`` < 256 and a prompt
longer than the context are refused here, because llama.cpp would abort the process on them.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import sys
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import numpy.typing as npt

from engine.errors import ModelFileError
from engine.vision.errors import VisionError
from engine.vision.pan_scan import TILE_SIZE, TOKENS_PER_TILE
from engine.vision.prompt import END_OF_IMAGE, START_OF_IMAGE, ImageSlot, Segment
from engine.vision.tiles import TILE_BYTES, Tile

if TYPE_CHECKING:
    from llama_cpp import Llama

    from engine.model.gguf_header import GGUFInfo

__all__ = [
    "MIN_BATCH",
    "EmbeddingCache",
    "EvalReport",
    "ImageEval",
    "PromptItem",
    "VisionRuntime",
    "is_placeholder",
    "placeholder_ids",
    "strip_placeholders",
]

MIN_BATCH: Final = TOKENS_PER_TILE
"""Gemma 3 decodes an image's 256 tokens non-causally in one ubatch; smaller batches abort."""
_MIB: Final = 1 << 20
_PLACEHOLDER_RANGE: Final = (1 << 31) - 1

PromptItem = Sequence[int] | ImageSlot
"""A run of text token ids, or one image slot."""


def placeholder_ids(tile_sha256: str, count: int = TOKENS_PER_TILE) -> list[int]:
    """The ids kept at an image's positions: negative, distinct per position, fixed per tile."""
    digest = hashlib.shake_256(b"hearth-image\0" + bytes.fromhex(tile_sha256)).digest(4 * count)
    words = np.frombuffer(digest, dtype="<u4").astype(np.int64)
    return [-(1 + int(word) % _PLACEHOLDER_RANGE) for word in words]


def is_placeholder(token_id: int) -> bool:
    return token_id < 0


def strip_placeholders(tokens: Iterable[int]) -> list[int]:
    """The token list without image placeholders (safe to detokenize)."""
    return [token for token in tokens if token >= 0]


@dataclass(frozen=True, slots=True)
class ImageEval:
    """One image slot of an evaluated prompt."""

    sha256: str
    position: int
    """KV position of the first embedding (the ``<start_of_image>`` token is one before)."""
    n_pos: int
    encoded: bool
    """False when the embeddings came from the cache."""
    encode_ms: float
    decode_ms: float


@dataclass(slots=True)
class EvalReport:
    """What one :meth:`VisionRuntime.append` / :meth:`VisionRuntime.prefill` did."""

    start: int
    """``llm.n_tokens`` when evaluation began (after any prefix truncation)."""
    end: int = 0
    reused: int = 0
    """Tokens of the prompt that were already in the KV cache (prefill only)."""
    text_tokens: int = 0
    images: list[ImageEval] = field(default_factory=list)
    skipped_images: int = 0
    """Image slots that were inside the reused prefix: neither encoded nor decoded."""
    prefill_ms: float = 0.0

    @property
    def evaluated(self) -> int:
        return self.end - self.start

    @property
    def encode_count(self) -> int:
        return sum(image.encoded for image in self.images)

    @property
    def encode_ms(self) -> list[float]:
        return [image.encode_ms for image in self.images if image.encoded]

    @property
    def image_positions(self) -> list[int]:
        return [image.n_pos for image in self.images]


class EmbeddingCache:
    """LRU map from tile SHA-256 to its float32 embeddings, bounded in bytes."""

    def __init__(self, capacity_bytes: int) -> None:
        self.capacity_bytes = max(0, capacity_bytes)
        self._entries: OrderedDict[str, npt.NDArray[np.float32]] = OrderedDict()
        self.nbytes = 0
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def get(self, key: str) -> npt.NDArray[np.float32] | None:
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry

    def put(self, key: str, value: npt.NDArray[np.float32]) -> None:
        if value.nbytes > self.capacity_bytes:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self.nbytes -= old.nbytes
        value.setflags(write=False)
        self._entries[key] = value
        self.nbytes += value.nbytes
        while self.nbytes > self.capacity_bytes:
            _, evicted = self._entries.popitem(last=False)
            self.nbytes -= evicted.nbytes

    def clear(self) -> None:
        self._entries.clear()
        self.nbytes = 0


class _MtmdLog:
    """Routes libmtmd/clip log lines into a bounded buffer (echoed to stderr when verbose)."""

    def __init__(self) -> None:
        self.lines: deque[str] = deque(maxlen=64)
        self.verbose = False
        self._installed = False
        self._lock = threading.Lock()
        self._callback: Any = None

    def install(self, mtmd: Any, llama_cpp: Any) -> None:
        with self._lock:
            if self._installed:
                return

            def log(level: int, text: bytes | None, _user_data: object) -> None:
                line = text.decode("utf-8", "replace") if text else ""
                if level >= 3:  # GGML_LOG_LEVEL_WARN, _ERROR, _CONT
                    self.lines.append(line)
                if self.verbose:
                    sys.stderr.write(line)

            # The C library keeps the pointer: the callback object must live as long as the process.
            self._callback = llama_cpp.llama_log_callback(log)
            mtmd.mtmd_helper_log_set(self._callback, None)
            self._installed = True

    def reason(self, since: int) -> str:
        """The most telling error line logged after ``since`` lines, without prefixes."""
        lines = [
            piece.strip()
            for line in list(self.lines)[since:]
            for piece in line.splitlines()
            if piece.strip()
        ]
        for line in reversed(lines):
            lowered = line.lower()
            if "mismatch" in lowered or "error" in lowered or "failed" in lowered:
                text = line
                while ": " in text and text.split(": ", 1)[0].replace("_", "").isalnum():
                    text = text.split(": ", 1)[1]  # drop "func: " and "error: " prefixes
                return text.rstrip(".")
        return lines[-1].rstrip(".") if lines else ""

    def mark(self) -> int:
        return len(self.lines)


_LOG = _MtmdLog()


class VisionRuntime:
    """libmtmd bound to one loaded ``Llama``: encode tiles, evaluate prompts with images.

    Not thread-safe; use it from the thread that owns ``llm``.
    """

    def __init__(
        self,
        llm: Llama,
        mmproj_path: str | os.PathLike[str],
        *,
        n_threads: int | None = None,
        cache_mib: float = 256,
        use_gpu: bool = False,
        validate: bool = True,
        allow_text_only_model: bool = False,
        verbose: bool = False,
        model_header: GGUFInfo | None = None,
    ) -> None:
        """Check the settings and the projector file, then create the libmtmd context.

        Args:
            llm: the loaded text model; needs n_batch >= 256 and n_ubatch >= 256.
            mmproj_path: the Gemma 3 vision projector for this model.
            n_threads: encoder threads (default: the Llama's).
            cache_mib: bound of the embedding cache.
            validate: check the projector with the bounded header reader first (keep True:
                libmtmd aborts the process on some malformed files).
            allow_text_only_model: accept 270M/1B when the widths match (test fixtures only).
            verbose: echo libmtmd's log to stderr.
            model_header: the text model's header, when the caller has read it already.

        Raises:
            VisionError: batch sizes too small for image decoding.
            ModelFileError: the projector is not usable with this model.
        """
        import llama_cpp
        from llama_cpp import mtmd_cpp

        self._llama_cpp: Any = llama_cpp
        self._mtmd: Any = mtmd_cpp
        self.llm = llm
        self.mmproj_path = Path(mmproj_path)
        self._ctx: Any = None
        self._template: Any = None
        self.cache = EmbeddingCache(int(cache_mib * _MIB))
        self.total_encodes = 0

        n_batch = int(llama_cpp.llama_n_batch(llm.ctx))
        n_ubatch = int(llama_cpp.llama_n_ubatch(llm.ctx))
        if n_batch < MIN_BATCH or n_ubatch < MIN_BATCH:
            raise VisionError(
                f"Image input needs a batch size of at least {MIN_BATCH} tokens, but the model "
                f"was loaded with n_batch={n_batch} and n_ubatch={n_ubatch}."
            )
        self.n_batch = n_batch
        if validate:
            self._validate(allow_text_only_model, model_header)

        _LOG.verbose = verbose
        _LOG.install(mtmd_cpp, llama_cpp)
        params = mtmd_cpp.mtmd_context_params_default()
        params.use_gpu = use_gpu
        params.print_timings = False
        params.n_threads = int(n_threads or llm.n_threads or 1)
        mark = _LOG.mark()
        ctx = mtmd_cpp.mtmd_init_from_file(os.fsencode(self.mmproj_path), llm.model, params)
        if not ctx:
            reason = _LOG.reason(mark)
            detail = f": {reason}" if reason else ""
            raise ModelFileError(
                f"The vision projector {self.mmproj_path.name} could not be loaded{detail}."
            )
        self._ctx = ctx
        stack = getattr(llm, "_stack", None)
        if stack is not None:
            # Free libmtmd before the model it points to when the Llama is closed first.
            stack.callback(self.close)
        if not mtmd_cpp.mtmd_support_vision(ctx):
            self.close()
            raise ModelFileError(f"{self.mmproj_path.name} is not a vision projector.")

        self.n_embd = int(llama_cpp.llama_model_n_embd_inp(llm.model))
        self.n_vocab = int(llm.n_vocab())
        self._marker = mtmd_cpp.mtmd_default_marker()
        self.start_of_image = self._special_token(START_OF_IMAGE)
        self.end_of_image = self._special_token(END_OF_IMAGE)
        self._template = self._make_template()

    # -- public API ------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._ctx is None

    @property
    def n_image_tokens(self) -> int:
        """Embeddings (and KV positions) per tile: 256 for Gemma 3."""
        return TOKENS_PER_TILE

    def close(self) -> None:
        """Free the libmtmd context (also done by ``llm.close()``). Idempotent."""
        if self._template is not None:
            self._mtmd.mtmd_input_chunk_free(self._template)
            self._template = None
        if self._ctx is not None:
            self._mtmd.mtmd_free(self._ctx)
            self._ctx = None

    def __enter__(self) -> VisionRuntime:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def tokenize(self, text: str) -> list[int]:
        """Text to token ids with special tokens parsed and no BOS."""
        return list(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def items(self, segments: Iterable[Segment], *, add_bos: bool = False) -> list[PromptItem]:
        """Turn layout segments (``engine.vision.prompt``) into prompt items."""
        items: list[PromptItem] = [[self.llm.token_bos()]] if add_bos else []
        for segment in segments:
            items.append(segment if isinstance(segment, ImageSlot) else self.tokenize(segment))
        return items

    def expand(self, items: Iterable[PromptItem]) -> list[int]:
        """The kept token list of a prompt: text ids, and per image slot ``<start_of_image>``,
        256 placeholder ids, ``<end_of_image>``."""
        return [token for _, tokens in self._pieces(items) for token in tokens]

    def encode(self, tile: Tile) -> tuple[npt.NDArray[np.float32], float | None]:
        """The tile's embeddings (256 x n_embd) and the encode time in ms (None: from cache)."""
        self._check_open()
        cached = self.cache.get(tile.sha256)
        if cached is not None:
            return cached, None
        embeddings, elapsed_ms = self._encode(tile)
        self.cache.put(tile.sha256, embeddings)
        return embeddings, elapsed_ms

    def append(self, items: Iterable[PromptItem]) -> EvalReport:
        """Evaluate ``items`` into the context at ``llm.n_tokens`` (nothing is reused)."""
        self._check_open()
        pieces = self._pieces(items)
        report = EvalReport(start=self.llm.n_tokens)
        self._check_fits(self.llm.n_tokens + sum(len(tokens) for _, tokens in pieces))
        self._run(pieces, report)
        return report

    def decode_image(self, slot: ImageSlot) -> ImageEval:
        """Decode one tile's 256 embeddings at ``llm.n_tokens`` (encoding it unless cached).

        The caller has already evaluated the ``<start_of_image>`` token and evaluates
        ``<end_of_image>`` after; the kept ids get the tile's placeholders.
        """
        self._check_open()
        self._check_fits(self.llm.n_tokens + self.n_image_tokens)
        return self._decode_slot(slot, placeholder_ids(slot.sha256, self.n_image_tokens))

    def reusable_prefix(self, items: Iterable[PromptItem]) -> int:
        """How many leading tokens of the prompt :meth:`prefill` would keep from the KV cache.

        Never inside an image, and never the whole prompt (the last token is re-evaluated so
        fresh logits exist). Lets the caller pick an SWA checkpoint at or before this point.
        """
        return self._reusable_prefix(self.expand(items))

    def prefill(self, items: Iterable[PromptItem]) -> EvalReport:
        """Evaluate a whole prompt, reusing the longest prefix already in the KV cache.

        Afterwards ``llm.input_ids[:llm.n_tokens]`` equals :meth:`expand` of ``items`` and the
        logits are those of the last token, ready for sampling.

        When the cache holds more than the reusable prefix, the rest is dropped with
        ``llama_memory_seq_rm``. With ``swa_full=False`` that call "succeeds" but leaves the
        sliding-window layers wrong (see gemma3-kv-cache.md): restore an SWA checkpoint taken at
        or before :meth:`reusable_prefix` first and set ``llm.n_tokens`` to its length; then
        nothing is removed here and only the new tail is evaluated.
        """
        self._check_open()
        pieces = self._pieces(items)
        full = [token for _, tokens in pieces for token in tokens]
        self._check_fits(len(full))
        if not full:
            return EvalReport(start=self.llm.n_tokens, end=self.llm.n_tokens)
        keep = self._reusable_prefix(full)
        llm = self.llm
        if keep < llm.n_tokens:
            memory = self._llama_cpp.llama_get_memory(llm.ctx)
            if not self._llama_cpp.llama_memory_seq_rm(memory, 0, keep, -1):
                # Sliding-window caches cannot drop a suffix: start over.
                self._llama_cpp.llama_memory_clear(memory, True)
                keep = 0
            llm.n_tokens = keep
        report = EvalReport(start=keep, reused=keep)
        remaining: list[tuple[ImageSlot | None, list[int]]] = []
        offset = 0
        for slot, tokens in pieces:
            end = offset + len(tokens)
            if end <= keep:
                report.skipped_images += slot is not None
            elif slot is not None:
                remaining.append((slot, tokens))  # keep never ends inside an image
            else:
                remaining.append((None, tokens[max(0, keep - offset) :]))
            offset = end
        self._run(remaining, report)
        return report

    # -- internals -------------------------------------------------------------------------

    def _check_open(self) -> None:
        if self._ctx is None:
            raise VisionError("The vision runtime was closed; load the model again.")

    def _validate(self, allow_text_only: bool, model_info: GGUFInfo | None) -> None:
        from engine.model.catalog import check_mmproj_pair
        from engine.model.gguf_header import read_gguf_header

        if not self.mmproj_path.is_file():
            raise ModelFileError(f"The vision projector {self.mmproj_path.name} does not exist.")
        model_info = model_info or read_gguf_header(Path(self.llm.model_path))
        mmproj_info = read_gguf_header(self.mmproj_path)
        check_mmproj_pair(model_info, mmproj_info, allow_text_only=allow_text_only)

    def _special_token(self, text: str) -> int:
        tokens = self.tokenize(text)
        if len(tokens) != 1:
            self.close()
            raise ModelFileError(
                f"The model has no {text} token, so it cannot read images (is it Gemma 3?)."
            )
        return tokens[0]

    def _check_fits(self, total: int) -> None:
        n_ctx = int(self.llm.n_ctx())
        if total > n_ctx:
            raise VisionError(
                f"The conversation with its images needs {total} tokens but the context holds "
                f"{n_ctx}; start a new chat or use fewer images or crops."
            )

    def _pieces(self, items: Iterable[PromptItem]) -> list[tuple[ImageSlot | None, list[int]]]:
        """Split a prompt into text runs and image spans, each with its kept token ids."""
        pieces: list[tuple[ImageSlot | None, list[int]]] = []
        text: list[int] = []
        for item in items:
            if isinstance(item, ImageSlot):
                text.append(self.start_of_image)
                pieces.append((None, text))
                pieces.append((item, placeholder_ids(item.sha256, self.n_image_tokens)))
                text = [self.end_of_image]
                continue
            for token in item:
                if not 0 <= token < self.n_vocab:
                    raise ValueError(f"token id {token} is not in the vocabulary")
            text.extend(int(token) for token in item)
        pieces.append((None, text))
        return [(slot, tokens) for slot, tokens in pieces if tokens]

    def _reusable_prefix(self, full: list[int]) -> int:
        llm = self.llm
        cached = llm.input_ids[: llm.n_tokens]
        limit = min(len(cached), len(full))
        same = np.asarray(cached[:limit]) == np.asarray(full[:limit], dtype=np.int64)
        keep = int(limit if same.all() else np.argmin(same))
        if keep == len(full):
            keep -= 1  # re-evaluate the last token so fresh logits exist
        while 0 < keep < len(full) and full[keep] < 0 and full[keep - 1] < 0:
            keep -= 1  # never split an image
        return keep

    def _run(
        self, pieces: Iterable[tuple[ImageSlot | None, list[int]]], report: EvalReport
    ) -> None:
        llm = self.llm
        started = time.perf_counter()
        try:
            for slot, tokens in pieces:
                if slot is None:
                    llm.eval(tokens)
                    report.text_tokens += len(tokens)
                else:
                    report.images.append(self._decode_slot(slot, tokens))
        finally:
            report.end = llm.n_tokens
            report.prefill_ms = (time.perf_counter() - started) * 1000.0

    def _decode_slot(self, slot: ImageSlot, placeholders: list[int]) -> ImageEval:
        llm = self.llm
        embeddings, encode_ms = self.encode(slot.tile)
        n_past = llm.n_tokens
        memory = self._llama_cpp.llama_get_memory(llm.ctx)
        self._llama_cpp.llama_memory_seq_rm(memory, 0, n_past, -1)
        new_n_past = self._llama_cpp.llama_pos(0)
        started = time.perf_counter()
        ret = self._mtmd.mtmd_helper_decode_image_chunk(
            self._ctx,
            llm.ctx,
            self._template,
            embeddings.ctypes.data_as(ctypes.POINTER(ctypes.c_float)),
            n_past,
            0,
            self.n_batch,
            ctypes.byref(new_n_past),
            self._mtmd.mtmd_helper_post_decode_callback(),
            None,
        )
        decode_ms = (time.perf_counter() - started) * 1000.0
        n_pos = int(new_n_past.value) - n_past
        if ret != 0 or n_pos != len(placeholders):
            self._llama_cpp.llama_memory_seq_rm(memory, 0, n_past, -1)
            llm.n_tokens = n_past
            raise VisionError(f"The model could not take in an image (llama.cpp error {ret}).")
        llm.input_ids[n_past : n_past + n_pos] = placeholders
        llm.n_tokens = n_past + n_pos
        return ImageEval(
            sha256=slot.sha256,
            position=n_past,
            n_pos=n_pos,
            encoded=encode_ms is not None,
            encode_ms=encode_ms or 0.0,
            decode_ms=decode_ms,
        )

    def _with_image_chunk(self, rgb: bytes) -> _ImageChunk:
        return _ImageChunk(self, rgb)

    def _make_template(self) -> Any:
        """A placeholder copy of a tile's image chunk (no pixels): decodes cached embeddings."""
        with self._with_image_chunk(bytes(TILE_BYTES)) as chunk:
            n_tokens = int(self._mtmd.mtmd_input_chunk_get_n_tokens(chunk))
            n_pos = int(self._mtmd.mtmd_input_chunk_get_n_pos(chunk))
            if n_tokens != TOKENS_PER_TILE or n_pos != TOKENS_PER_TILE:
                self.close()
                raise ModelFileError(
                    f"{self.mmproj_path.name} turns an image into {n_tokens} tokens, not the "
                    f"{TOKENS_PER_TILE} of Gemma 3."
                )
            template = self._mtmd.mtmd_input_chunk_get_placeholder(chunk)
        if not template:
            self.close()
            raise VisionError("libmtmd could not prepare image decoding.")
        return template

    def _encode(self, tile: Tile) -> tuple[npt.NDArray[np.float32], float]:
        if len(tile.rgb) != TILE_BYTES:
            raise ValueError(f"a tile is {TILE_SIZE}x{TILE_SIZE} RGB ({TILE_BYTES} bytes)")
        with self._with_image_chunk(tile.rgb) as chunk:
            n_tokens = int(self._mtmd.mtmd_input_chunk_get_n_tokens(chunk))
            started = time.perf_counter()
            ret = self._mtmd.mtmd_encode_chunk(self._ctx, chunk)
            elapsed_ms = (time.perf_counter() - started) * 1000.0
            if ret != 0:
                raise VisionError(f"The vision encoder failed on an image (libmtmd error {ret}).")
            pointer = self._mtmd.mtmd_get_output_embd(self._ctx)
            flat = np.ctypeslib.as_array(pointer, shape=(n_tokens * self.n_embd,))
            embeddings = np.array(flat, dtype=np.float32).reshape(n_tokens, self.n_embd)
        if not np.isfinite(embeddings).all():
            raise VisionError("The vision projector produced invalid numbers for an image.")
        self.total_encodes += 1
        return embeddings, elapsed_ms


class _ImageChunk:
    """Context manager: bitmap + ``mtmd_tokenize`` of one media marker -> the image chunk."""

    def __init__(self, runtime: VisionRuntime, rgb: bytes) -> None:
        self._runtime = runtime
        self._rgb = rgb
        self._bitmap: Any = None
        self._chunks: Any = None

    def __enter__(self) -> Any:
        mtmd = self._runtime._mtmd
        pixels = (ctypes.c_uint8 * len(self._rgb)).from_buffer_copy(self._rgb)
        self._bitmap = mtmd.mtmd_bitmap_init(TILE_SIZE, TILE_SIZE, pixels)
        self._chunks = mtmd.mtmd_input_chunks_init()
        if not self._bitmap or not self._chunks:
            self.__exit__()
            raise VisionError("libmtmd could not allocate an image.")
        text = mtmd.mtmd_input_text()
        text.text = self._runtime._marker
        text.text_len = len(self._runtime._marker)
        text.add_special = False
        text.parse_special = True
        bitmaps = (mtmd.mtmd_bitmap_p_ctypes * 1)(self._bitmap)
        ret = mtmd.mtmd_tokenize(self._runtime._ctx, self._chunks, ctypes.byref(text), bitmaps, 1)
        if ret != 0:
            self.__exit__()
            raise VisionError(f"libmtmd could not prepare an image (error {ret}).")
        for index in range(mtmd.mtmd_input_chunks_size(self._chunks)):
            chunk = mtmd.mtmd_input_chunks_get(self._chunks, index)
            if mtmd.mtmd_input_chunk_get_type(chunk) == mtmd.MTMD_INPUT_CHUNK_TYPE_IMAGE:
                return chunk
        self.__exit__()
        raise VisionError("libmtmd produced no image chunk for an image.")

    def __exit__(self, *_exc: object) -> None:
        mtmd = self._runtime._mtmd
        if self._chunks:
            mtmd.mtmd_input_chunks_free(self._chunks)
            self._chunks = None
        if self._bitmap:
            mtmd.mtmd_bitmap_free(self._bitmap)
            self._bitmap = None
