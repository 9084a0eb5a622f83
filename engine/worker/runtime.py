"""The loaded model inside the inference worker: prompt building, KV reuse and the token loop.

Only the worker process imports this module (it is the one place that drives llama.cpp).

Any architecture the pinned llama.cpp runs is loaded (``engine.model.architectures``); the
prompt comes from the model's own template or a format chosen for it
(``engine.chat.template``), and the cache policy from its memory kind:

* attention without a sliding window (llama, qwen2, phi3, ... and SmolLM2): the cache keeps
  every position, so any tail rollback is exact and no checkpoints are needed;
* a sliding window (Gemma 2/3, gpt-oss, cohere2, ...): the rule below;
* recurrent or hybrid (mamba, rwkv, jamba, lfm2, ...): the state holds only its newest
  position, so a rollback re-reads the prompt (follow-ups still append; a parked state is
  restored whole). Not exercised here: no such model is available on the test machines.

KV cache policy (Gemma 3): ``swa_full=False``. Five of every six layers keep only a ring of
recent positions (``n_swa`` = 512 on 270M/1B, 1024 on 4B+; the ring has
``GGML_PAD(n_swa + n_ubatch, 256)`` cells), which shrinks the KV cache ~5x at 32K context.
Follow-up turns reuse the whole evaluated prefix because the worker keeps the exact token ids
it evaluated and builds every prompt token-exactly (see ``engine.chat.gemma_format``).

When is a tail rollback correct?
--------------------------------
Rolling back to ``keep`` tokens (regenerate, edit, a follow-up whose re-rendered history
differs) removes positions ``>= keep`` with ``llama_memory_seq_rm`` -- which always "succeeds"
-- and evaluates from position ``keep`` on. The token at ``keep`` attends, in the sliding
layers, to positions ``q`` with ``keep - q < n_swa`` (``llama_hparams::is_masked_swa``,
standard type: masked when ``p1 - p0 >= n_swa``). So the rollback is correct exactly when the
SWA cache still holds every position of ``[keep - n_swa, keep - 1]`` (one more than strictly
needed, which is what llama.cpp's own state filter keeps). The full-attention layers never
reuse a cell (their cache is ``n_ctx`` cells), so they always hold ``[0, keep)``.

What llama.cpp does (vendored llama.cpp of llama-cpp-python 0.3.36, ``llama-kv-cache.cpp``):

* ``find_slot`` places a ubatch in cells that are empty *or* hold a position masked for the
  sequence's next position: ``is_masked_swa(pos_cell, seq_pos_max + 1)``. With ``s`` the
  ubatch's first position, the cells it may take over hold positions ``<= s - n_swa``. Which
  of those it takes depends on the ring's head and on which cells earlier rollbacks freed, so
  the worker cannot tell from its own bookkeeping which old positions survive.
* ``apply_ubatch`` then purges every position ``<=`` the largest one it overwrote, to keep
  ``[seq_pos_min, seq_pos_max]`` gap-free. The earlier guard (``seq_pos_min <= keep - n_swa``)
  was only as good as that purge; the worker no longer infers the window, it measures it.
* ``state_write`` of one sequence with ``LLAMA_STATE_SEQ_FLAGS_PARTIAL_ONLY`` writes only the
  SWA cells that are not masked for ``seq_pos_max``, i.e. the window positions it holds --
  and ``llama_state_seq_get_size_ext`` computes that size with a counting writer that copies
  nothing (microseconds).

The rule (``_rollback_is_exact``), each half sufficient on its own:

1. *Only the last evaluated token is dropped* (``keep >= n_tokens - 1``). That token was
   evaluated in a ubatch starting at ``s <= keep``; that ubatch, and every earlier one, could
   only take over cells holding positions ``<= s - n_swa < keep - n_swa``, outside the window
   the re-evaluated token needs. (By induction: the worker only ever evaluates on a complete
   window, and a checkpoint restore writes back exactly the window of its ``n``.)
2. *The window is measured complete* after the truncation: the size of the PARTIAL_ONLY state
   is ``base + per_cell * cells`` (calibrated at load from 1-, 2- and 3-token states; the
   layout is checked to be linear or the measurement is not used), and positions are unique in
   one sequence, so ``cells == min(keep, n_swa)`` means every window position is there.

Otherwise the newest checkpoint at or before the divergence is restored (the end-of-prompt
checkpoint for regenerate), or the prompt is read again from the start. For models with
another sliding-window kind (chunked, symmetric) only rule 1 is used.

Independent check: at the end of every prompt the worker saves the regenerate checkpoint
anyway; its bytes list the window positions llama.cpp really holds
(``engine.worker.swa_window``). If one is missing, whatever shortcut led there is treated as
our bug: every checkpoint and parked state is dropped, the prompt is read again from scratch,
and the worker log says so. The answer is never computed on an incomplete window.
"""

from __future__ import annotations

import codecs
import ctypes
import os
import sys
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import llama_cpp
import numpy as np

from engine.chat import gemma_format
from engine.chat.messages import ChatMessage
from engine.chat.sampling import SamplingParams
from engine.chat.template import PromptFormat, choose_prompt_format
from engine.errors import Cancelled, HearthError, ModelFileError
from engine.llama_backends import ensure_backends_loaded
from engine.model.architectures import Architecture, architecture
from engine.model.gguf_header import GGUFInfo, read_gguf_header
from engine.model.memory import estimate_memory
from engine.worker.checkpoints import CheckpointStore, ConversationStates, prefix_digest
from engine.worker.protocol import ChatProbe, GenerationStats, ModelConfig, ModelInfo
from engine.worker.swa_window import (
    WindowGauge,
    missing_positions,
    state_bytes,
    state_size,
    window_positions,
)
from engine.worker.threads import default_thread_count

if TYPE_CHECKING:
    from engine.vision.mtmd_runtime import ImageEval, VisionRuntime
    from engine.vision.prompt import ImageSlot
    from engine.vision.tiles import TileSet

_TOKEN_CACHE_ENTRIES = 4096
_TILE_CACHE_BYTES = 128 << 20
# Park the live state when a request would drop at least this many of its tokens, and
# restore a parked one when it covers at least this many more of the prompt.
_MIN_PARK_LOSS = 256
_MIN_PARK_GAIN = 64
# Checkpoints at every one of the last few user turns, then one per this many tokens.
_RECENT_TURNS = 3
_CHECKPOINT_SPACING = 1024
_PIECE_BUFFER = 256
# Texts that open a new turn in the common formats: a model that starts one has ended its own.
_TURN_OPENERS = ("<start_of_turn>", "<|im_start|>", "<|start_header_id|>", "[INST]", "<|user|>")
# Private-use markers for finding where a user's message starts in a rendered template.
_ANSWER_MARK = "\ue001"
_USER_MARK = "\ue002"
# Diagnostics (ChatProbe): the best logits of the first answer steps.
_PROBE_STEPS = 16
_PROBE_TOP = 8


class CancelFlag(Protocol):
    def is_set(self) -> bool: ...


class ContextFullError(HearthError):
    """The prompt does not fit in the loaded context."""


@dataclass(frozen=True)
class ChatResult:
    text: str
    token_ids: tuple[int, ...]
    stats: GenerationStats
    probe: ChatProbe | None = None


@dataclass
class Prompt:
    """A prompt as the worker evaluates it.

    ``ids`` are the kept token ids; at an image's 256 positions they hold placeholder ids
    derived from the tile's hash (negative, never passed to llama.cpp as text), so a prompt
    that repeats an image matches the cached prefix. ``images`` maps the position of each
    image's first embedding to its tile.
    """

    ids: list[int]
    images: list[tuple[int, ImageSlot]]

    @property
    def image_tiles(self) -> int:
        return len(self.images)


@dataclass(frozen=True)
class _PromptState:
    """Where a request stands once its prompt is in the cache."""

    prompt: list[int]
    cached: int
    path: str
    evaluated: int
    started: float
    prefill_s: float
    images: list[ImageEval]
    image_tiles: int


ProgressFn = Callable[[str, int, int], None]
TokenFn = Callable[[str, int], None]


def _common_prefix(a: Iterable[int], b: Iterable[int]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _kv_type_id(name: str) -> int | None:
    return {"f16": None, "q8_0": llama_cpp.GGML_TYPE_Q8_0}[name]


class LoadedModel:
    """One model and its single-sequence context, owned by the worker's main thread."""

    def __init__(self, config: ModelConfig) -> None:
        self.config = config
        self.header: GGUFInfo = read_gguf_header(config.model_path)
        if self.header.is_mmproj:
            raise ModelFileError(
                "This file is a vision projector (mmproj), not a language model; "
                "choose the model file and pair the projector with it."
            )
        arch = architecture(self.header.architecture)
        assert arch is not None  # the header reader refuses unknown architectures
        self.arch: Architecture = arch
        self.prompt_format: PromptFormat = choose_prompt_format(
            self.header.chat_template,
            gemma_family=arch.gemma_turns,
            chosen=config.prompt_format,
            model_name=os.path.basename(config.model_path),
        )
        train_ctx = self.header.context_length or config.n_ctx
        self.n_ctx = min(config.n_ctx, train_ctx)
        threads = config.n_threads or default_thread_count()
        kv_type = _kv_type_id(config.kv_type)
        started = time.perf_counter()
        try:
            ensure_backends_loaded()
            self.llm = llama_cpp.Llama(
                model_path=config.model_path,
                n_ctx=self.n_ctx,
                n_threads=threads,
                n_threads_batch=threads,
                n_batch=config.n_batch,
                n_ubatch=config.n_ubatch,
                swa_full=config.swa_full,
                flash_attn=config.flash_attn,
                type_k=kv_type,
                type_v=kv_type,
                verbose=False,
            )
        except (ValueError, RuntimeError) as exc:
            raise ModelFileError(
                f"llama.cpp could not load {os.path.basename(config.model_path)}: {exc}"
            ) from exc
        self.load_s = time.perf_counter() - started
        self._vocab = llama_cpp.llama_model_get_vocab(self.llm.model)
        self._memory = llama_cpp.llama_get_memory(self.llm.ctx)
        self.n_swa = 0 if config.swa_full else int(llama_cpp.llama_model_n_swa(self.llm.model))
        self._gauge: WindowGauge | None = None
        # The last held token was evaluated by a completed ubatch (rule 1 of the docstring);
        # False after any truncation or restore until the next evaluation.
        self._last_evaluated = False
        self._bos = int(self.llm.token_bos())
        self._add_bos = bool(llama_cpp.llama_vocab_get_add_bos(self._vocab)) and self._bos >= 0
        self._token_cache: OrderedDict[str, tuple[int, ...]] = OrderedDict()
        self._piece_buffer = ctypes.create_string_buffer(_PIECE_BUFFER)
        self._abort_cb: Any = None
        budget = config.checkpoint_budget_mib << 20
        self.checkpoints = CheckpointStore(self.llm.ctx, budget_bytes=budget)
        self.conversations = ConversationStates(self.llm.ctx, budget_bytes=budget)
        self._tile_cache: OrderedDict[object, TileSet] = OrderedDict()
        # End of an answer: every end-of-generation token of the vocabulary (EOS, EOT,
        # <|im_end|>, ...; checked per token) and the tokens that open a new turn.
        self._stop_ids = {int(self.llm.token_eos())}
        self._eot = -1
        if self.prompt_format.uses_gemma_pieces or self.arch.gemma_turns:
            # Gemma's pieces also lay out image turns when the template renders text.
            self._eot = self._single_token(gemma_format.END_OF_TURN)
            self._stop_ids.add(self._eot)
        self._stop_ids |= self._turn_opener_ids()
        self._user_marker = self._find_user_marker()
        # Checkpoints only where a rollback needs them: a sliding window (measured rollbacks).
        self._checkpointing = self.n_swa > 0 and self.arch.rollback == "measured"
        self._fast_jpeg_decode = config.fast_jpeg_decode_approximate
        if self.n_swa >= 3 and self.arch.swa == "standard" and self.arch.rollback == "measured":
            self._gauge = self._calibrate_gauge()
        self.vision: VisionRuntime | None = None
        if config.mmproj_path:
            self.vision = self._load_vision(config, threads)
        estimate = estimate_memory(self.header, self.n_ctx, swa_full=config.swa_full)
        self.info = ModelInfo(
            path=config.model_path,
            architecture=self.header.architecture,
            size_label=self.header.size_label,
            quantization=self.header.quantization,
            n_ctx=self.n_ctx,
            n_ctx_train=train_ctx,
            n_embd=int(self.llm.n_embd()),
            n_swa=int(llama_cpp.llama_model_n_swa(self.llm.model)),
            swa_full=config.swa_full,
            kv_bytes=estimate.kv_bytes,
            load_s=self.load_s,
            prompt_format=self.prompt_format.note,
            vision=self.vision is not None,
        )

    def _load_vision(self, config: ModelConfig, threads: int) -> VisionRuntime:
        from engine.vision.mtmd_runtime import VisionRuntime

        try:
            return VisionRuntime(
                self.llm,
                str(config.mmproj_path),
                n_threads=threads,
                allow_text_only_model=config.allow_text_only_vision,
                model_header=self.header,
            )
        except HearthError:
            self.llm.close()
            raise

    # ------------------------------------------------------------------ tokens

    def close(self) -> None:
        self.checkpoints.clear()
        self.conversations.clear()
        self._tile_cache.clear()
        if self.vision is not None:
            self.vision.close()
        self.llm.close()

    def tokenize(self, text: str, *, add_bos: bool = False, special: bool = True) -> list[int]:
        return list(self.llm.tokenize(text.encode("utf-8"), add_bos=add_bos, special=special))

    def _cached_tokens(self, text: str) -> tuple[int, ...]:
        ids = self._token_cache.get(text)
        if ids is None:
            ids = tuple(self.tokenize(text))
            self._token_cache[text] = ids
            if len(self._token_cache) > _TOKEN_CACHE_ENTRIES:
                self._token_cache.popitem(last=False)
        else:
            self._token_cache.move_to_end(text)
        return ids

    def _single_token(self, text: str) -> int:
        ids = self.tokenize(text)
        if len(ids) != 1:
            raise ModelFileError(f"The model's vocabulary has no {text} token.")
        return ids[0]

    def _turn_opener_ids(self) -> set[int]:
        """Single control tokens that open a turn in this model's format."""
        probe = self.prompt_format.template
        rendered = (
            probe.render([ChatMessage("user", "x")]) if probe is not None else gemma_format.BOS
        )
        ids: set[int] = set()
        for opener in _TURN_OPENERS:
            if probe is not None and opener not in rendered:
                continue
            if probe is None and opener != gemma_format.START_OF_TURN:
                continue
            tokens = self.tokenize(opener)
            if len(tokens) == 1 and llama_cpp.llama_vocab_is_control(self._vocab, tokens[0]):
                ids.add(tokens[0])
        return ids

    def _find_user_marker(self) -> tuple[int, ...]:
        """The token ids that open a user turn after an answer (where edits branch off).

        Gemma: "<start_of_turn>user". A template: what it renders between an answer and the
        next user message, without the answer's end-of-turn tokens. Empty when unknown (then
        no user-turn checkpoints: rollbacks are still right, only costlier).
        """
        template = self.prompt_format.template
        if template is None:
            return tuple(self._cached_tokens(f"{gemma_format.START_OF_TURN}user\n")[:2])
        try:
            text = template.render(
                [
                    ChatMessage("user", "a"),
                    ChatMessage("assistant", _ANSWER_MARK),
                    ChatMessage("user", _USER_MARK),
                ],
                bos_token=self.piece(self._bos).decode("utf-8", "replace"),
                add_generation_prompt=False,
            )
        except ValueError:
            return ()
        start = text.find(_ANSWER_MARK)
        end = text.find(_USER_MARK)
        if start < 0 or end <= start:
            return ()
        ids = self.tokenize(text[start + len(_ANSWER_MARK) : end])
        while ids and llama_cpp.llama_vocab_is_eog(self._vocab, ids[0]):
            ids = ids[1:]
        return tuple(ids) if ids and llama_cpp.llama_vocab_is_control(self._vocab, ids[0]) else ()

    def piece(self, token: int) -> bytes:
        n = llama_cpp.llama_token_to_piece(
            self._vocab, token, self._piece_buffer, _PIECE_BUFFER, 0, False
        )
        return self._piece_buffer.raw[: max(n, 0)]

    def build_prompt(
        self, messages: Sequence[ChatMessage], *, continue_answer: bool = False
    ) -> Prompt:
        """The prompt's token ids, identical for identical conversations.

        ``continue_answer``: the last message is the model's unfinished answer; its turn is
        left open (no end-of-turn, no new header), so generation continues it.
        """
        has_images = any(m.images for m in messages)
        template = self.prompt_format.template
        if template is not None and not has_images:
            text = template.render(
                messages,
                open_answer=continue_answer,
                bos_token=self._token_text(self._bos),
                eos_token=self._token_text(int(self.llm.token_eos())),
            )
            ids = self.tokenize(text)
            if self._add_bos and (not ids or ids[0] != self._bos):
                ids.insert(0, self._bos)
            return Prompt(ids, [])
        if not (self.prompt_format.uses_gemma_pieces or self.arch.gemma_turns):
            raise HearthError(
                "This model cannot see images. Load a Gemma 3 4B, 12B or 27B model together "
                "with its vision projector (mmproj) to ask about pictures."
            )
        prompt = Prompt([self._bos], [])
        pieces = gemma_format.turn_pieces(messages, open_answer=continue_answer)
        for index, piece in enumerate(pieces):
            prompt.ids += self._cached_tokens(piece.header)
            if piece.images:
                self._add_images_and_text(prompt, piece.body, piece.images)
            else:
                prompt.ids += self._cached_tokens(piece.body)
            if continue_answer and index == len(pieces) - 1:
                return prompt
            prompt.ids.append(self._eot)
            prompt.ids += self._cached_tokens(gemma_format.TURN_SEPARATOR)
        prompt.ids += self._cached_tokens(gemma_format.GENERATION_HEADER)
        return prompt

    def _token_text(self, token: int) -> str:
        return self.piece(token).decode("utf-8", "replace") if token >= 0 else ""

    def _add_images_and_text(self, prompt: Prompt, text: str, images: Sequence[object]) -> None:
        from engine.vision.mtmd_runtime import placeholder_ids
        from engine.vision.prompt import ImageSlot, layout_message

        vision = self.vision
        if vision is None:
            raise HearthError(
                "This model cannot see images. Load a Gemma 3 4B, 12B or 27B model together "
                "with its vision projector (mmproj) to ask about pictures."
            )
        tile_sets = [self._tiles(image) for image in images]
        for segment in layout_message(text, tile_sets):
            if isinstance(segment, ImageSlot):
                prompt.ids.append(vision.start_of_image)
                prompt.images.append((len(prompt.ids), segment))
                prompt.ids += placeholder_ids(segment.sha256, vision.n_image_tokens)
                prompt.ids.append(vision.end_of_image)
            else:
                prompt.ids += self._cached_tokens(segment)

    def _tiles(self, image: object) -> TileSet:
        """Tiles of an attached image, made here in the worker and kept for follow-ups."""
        from engine.vision.attachment import ImageAttachment
        from engine.vision.tiles import make_tiles

        if not isinstance(image, ImageAttachment):
            raise TypeError(f"unsupported image reference {type(image).__name__}")
        key = image.recipe_key
        tiles = self._tile_cache.get(key)
        if tiles is None:
            tiles = make_tiles(
                image.data,
                image.mode,
                image.zoom_box,
                fast_jpeg_decode_approximate=self._fast_jpeg_decode,
            )
            self._tile_cache[key] = tiles
            held = sum(len(t.rgb) for ts in self._tile_cache.values() for t in ts.tiles)
            while held > _TILE_CACHE_BYTES and len(self._tile_cache) > 1:
                _, dropped = self._tile_cache.popitem(last=False)
                held -= sum(len(t.rgb) for t in dropped.tiles)
        else:
            self._tile_cache.move_to_end(key)
        return tiles

    # ------------------------------------------------------------------ KV reuse

    @property
    def held_tokens(self) -> list[int]:
        return [int(t) for t in self.llm.input_ids[: self.llm.n_tokens]]

    def _calibrate_gauge(self) -> WindowGauge | None:
        """Measure the SWA state size after 1, 2 and 3 tokens (a few ms at load)."""
        sizes = []
        for _ in range(3):
            self.llm.eval([self._bos])
            sizes.append(state_size(self.llm.ctx))
        self._truncate(0)
        return WindowGauge.calibrate(self.llm.ctx, sizes)

    def _rollback_is_exact(self, keep: int) -> bool:
        """Truncate the cache to ``keep`` tokens; True when what is left is exactly right.

        The rule and the llama.cpp behaviour it rests on are in the module docstring. On False
        the tail is gone too, and the caller restores a checkpoint or starts over.
        """
        if self.arch.rollback == "checkpoint":
            return False  # a recurrent state cannot be cut back (module docstring)
        if self.n_swa == 0 or (keep == self.llm.n_tokens - 1 and self._last_evaluated):
            self._truncate(keep)
            return True
        if self._gauge is None:
            return False
        self._truncate(keep)
        return self._gauge.cells() == min(keep, self.n_swa)

    def window_missing(self, state: bytes | None = None) -> int | None:
        """How many window positions the next token needs are not cached (None: unknown)."""
        if self.n_swa == 0:
            return 0
        positions = window_positions(state if state is not None else state_bytes(self.llm.ctx))
        if positions is None:
            return None
        return len(missing_positions(positions, self.llm.n_tokens, self.n_swa))

    def _truncate(self, position: int) -> None:
        llama_cpp.llama_memory_seq_rm(self._memory, 0, position, -1)
        if position < self.llm.n_tokens:
            self._last_evaluated = False
        self.llm.n_tokens = position

    def _window_complete(self) -> bool:
        """The cache holds the whole window for the token after the held ones (measured)."""
        if self.n_swa == 0 or self.llm.n_tokens == 0:
            return True
        if self._gauge is None:
            return False
        return self._gauge.cells() == min(self.llm.n_tokens, self.n_swa)

    def prepare_cache(self, prompt: Sequence[int]) -> tuple[int, str]:
        """Make the context hold a correct prefix of ``prompt``; return (its length, path).

        Paths: ``append`` (the context holds a prefix of the prompt), ``rollback`` (tail
        removed, window still intact), ``checkpoint`` (window restored from a checkpoint),
        ``full`` (nothing reusable: re-prefill from the start).
        """
        common = _common_prefix(self.llm.input_ids[: self.llm.n_tokens], prompt)
        keep = min(common, len(prompt) - 1)  # evaluate at least one token for fresh logits
        while keep > 0 and prompt[keep] < 0 and prompt[keep - 1] < 0:
            keep -= 1  # an image is decoded whole or not at all
        if keep == self.llm.n_tokens and keep > 0:
            return keep, "append"
        if keep > 0 and self._rollback_is_exact(keep):
            return keep, "rollback"
        restored = (
            self.checkpoints.restore_before(common, prompt, self._truncate)
            if self._checkpointing
            else 0
        )
        if restored > 0:
            return restored, "checkpoint"
        self._truncate(0)
        return 0, "full"

    def _switch_state(self, prompt: Sequence[int]) -> bool:
        """Bring back a parked state that covers more of ``prompt`` than the live one.

        Before a request throws away much of the live state (another conversation, or another
        branch of this one), that state is parked; going back to it later restores it in
        milliseconds instead of re-reading thousands of tokens. States are keyed by a digest of
        their tokens, so a branch is parked once however often it is visited.
        """
        held = self.held_tokens
        live = _common_prefix(held, prompt)
        best_key, best = None, live + _MIN_PARK_GAIN
        for key, tokens in self.conversations.entries():
            covered = _common_prefix(tokens, prompt)
            if covered > best:
                best_key, best = key, covered
        if best_key is None and len(held) - live < _MIN_PARK_LOSS:
            return False
        if len(held) - live >= _MIN_PARK_LOSS:
            self.conversations.save(prefix_digest(held, len(held)).hex(), held)
        if best_key is None:
            return False
        restored = self.conversations.restore(best_key, self._truncate)
        if restored is None:
            return False
        self.llm.input_ids[: len(restored)] = restored
        self.llm.n_tokens = len(restored)
        return True

    # ------------------------------------------------------------------ evaluation

    def _set_abort(self, cancel: CancelFlag | None) -> None:
        if cancel is None:
            self._abort_cb = None
            llama_cpp.llama_set_abort_callback(self.llm.ctx, llama_cpp.ggml_abort_callback(), None)
            return

        def should_abort(_data: object) -> bool:
            return cancel.is_set()

        self._abort_cb = llama_cpp.ggml_abort_callback(should_abort)
        llama_cpp.llama_set_abort_callback(self.llm.ctx, self._abort_cb, None)

    def evaluate(
        self,
        tokens: Sequence[int],
        cancel: CancelFlag,
        progress: ProgressFn | None = None,
        checkpoint_at: Sequence[int] = (),
    ) -> None:
        """Prefill ``tokens`` in batches; honour cancel mid-batch; checkpoint on the way."""
        total = len(tokens)
        batch = self.config.n_batch
        stops = sorted(
            {p - self.llm.n_tokens for p in checkpoint_at if 0 < p - self.llm.n_tokens < total}
        )
        done = 0
        self._set_abort(cancel)
        try:
            while done < total:
                if cancel.is_set():
                    raise Cancelled()
                end = min(total, done + batch)
                for stop in stops:
                    if done < stop < end:
                        end = stop
                        break
                good = self.llm.n_tokens
                try:
                    self.llm.eval(tokens[done:end])
                except RuntimeError as exc:
                    self._after_failed_decode(good, end - done)
                    if cancel.is_set():
                        raise Cancelled() from exc
                    raise
                self._last_evaluated = True
                done = end
                if done in stops and self._checkpointing:
                    self.checkpoints.save(self.llm.n_tokens, self.held_tokens)
                if progress is not None:
                    progress("prefill", done, total)
        finally:
            self._set_abort(None)

    def _after_failed_decode(self, good: int, count: int) -> None:
        """An aborted or failed decode of ``count`` tokens after ``good`` held ones.

        llama.cpp removes the positions of the ubatch that failed, but the cells it had already
        taken over are gone. A single ubatch starting at ``good`` could only take over
        positions ``<= good - n_swa``, which the next token at ``good`` does not need; with
        ``n_batch > n_ubatch`` a finished ubatch of the same call may have taken more, so the
        window is measured, and a checkpoint restored when it is not whole.
        """
        held = self.held_tokens[:good]
        self._truncate(good)
        self._last_evaluated = False
        if self.arch.rollback == "checkpoint":
            self._truncate(0)  # the recurrent state may hold part of the failed batch
            return
        if count <= self.config.n_ubatch or self._window_complete():
            return
        if self.checkpoints.restore_before(good, held, self._truncate) == 0:
            self._truncate(0)

    def chat(
        self,
        messages: Sequence[ChatMessage],
        sampling: SamplingParams,
        *,
        max_tokens: int,
        cancel: CancelFlag,
        on_token: TokenFn,
        on_progress: ProgressFn | None = None,
        reuse_cache: bool = True,
        continue_answer: bool = False,
        probe: bool = False,
    ) -> ChatResult:
        started = time.perf_counter()
        prompt = self.build_prompt(messages, continue_answer=continue_answer)
        return self.run_prompt(
            prompt,
            sampling,
            started=started,
            max_tokens=max_tokens,
            cancel=cancel,
            on_token=on_token,
            on_progress=on_progress,
            reuse_cache=reuse_cache,
            probe=probe,
        )

    def complete(
        self,
        text: str,
        sampling: SamplingParams,
        *,
        max_tokens: int,
        cancel: CancelFlag,
        on_token: TokenFn,
        on_progress: ProgressFn | None = None,
    ) -> ChatResult:
        """Continue raw text (no chat template): the text's tokens, after BOS where the
        vocabulary asks for one."""
        started = time.perf_counter()
        ids = self.tokenize(text)
        prompt = Prompt([self._bos, *ids] if self._add_bos else ids, [])
        if not prompt.ids:
            raise HearthError("There is no text to continue.")
        return self.run_prompt(
            prompt,
            sampling,
            started=started,
            max_tokens=max_tokens,
            cancel=cancel,
            on_token=on_token,
            on_progress=on_progress,
        )

    def run_prompt(
        self,
        prompt: Prompt,
        sampling: SamplingParams,
        *,
        started: float,
        max_tokens: int,
        cancel: CancelFlag,
        on_token: TokenFn,
        on_progress: ProgressFn | None = None,
        reuse_cache: bool = True,
        probe: bool = False,
    ) -> ChatResult:
        """Bring ``prompt`` into the cache (reusing what it shares with it) and answer."""
        ids = prompt.ids
        if len(ids) >= self.n_ctx:
            raise ContextFullError(
                f"This conversation is {len(ids):,} tokens long, more than the model's "
                f"context of {self.n_ctx:,} tokens. Start a new chat, or raise the context "
                "size in Settings."
            )
        # Parked states are found by their tokens, whatever the chat they belong to.
        switched = reuse_cache and self._switch_state(ids)
        if not reuse_cache:
            self._truncate(0)
        cached, path = self.prepare_cache(ids)
        if switched:
            path = f"switch+{path}"
        images = self._evaluate_prompt(prompt, cached, cancel, on_progress)
        # Checkpoint at the prompt's end: regenerate comes back here. Its bytes also say which
        # window positions llama.cpp holds: the independent check of the path taken.
        missing = self._checkpoint_prompt_end(probe)
        if missing:
            self._report_incomplete_window(path, missing)
            self.checkpoints.clear()
            self.conversations.clear()
            self._truncate(0)
            cached, path = 0, "repaired"
            images = self._evaluate_prompt(prompt, 0, cancel, on_progress)
            missing = self._checkpoint_prompt_end(probe)
        prefill_s = time.perf_counter() - started
        state = _PromptState(
            ids, cached, path, len(ids) - cached, started, prefill_s, images, prompt.image_tiles
        )
        return self._generate(
            state,
            sampling,
            max_tokens,
            cancel,
            on_token,
            probe_missing=(-1 if missing is None else missing) if probe else None,
        )

    def _checkpoint_prompt_end(self, probe: bool) -> int | None:
        """Save the regenerate checkpoint; return the window positions missing (None: unknown).

        The check reads the checkpoint's bytes; without a checkpoint (no budget) the state is
        serialised for it only when a probe asks.
        """
        if self.n_swa == 0 or not self._checkpointing:
            return 0
        checkpoint = self.checkpoints.save(self.llm.n_tokens, self.held_tokens)
        if checkpoint is None and not probe:
            return None
        return self.window_missing(checkpoint.data if checkpoint is not None else None)

    def _report_incomplete_window(self, path: str, missing: int) -> None:
        """Our bug, caught before it reached an answer: say so in the worker log."""
        print(
            f"hearth worker: BUG: after the '{path}' path the sliding window lacked {missing} "
            f"of its positions at token {self.llm.n_tokens}; re-reading the prompt from the start",
            file=sys.stderr,
            flush=True,
        )

    def _evaluate_prompt(
        self,
        prompt: Prompt,
        start: int,
        cancel: CancelFlag,
        progress: ProgressFn | None,
    ) -> list[ImageEval]:
        """Evaluate ``prompt.ids[start:]``: text in batches, each image as one decode."""
        user_starts = self._user_turn_starts(prompt.ids)
        pending = [(pos, slot) for pos, slot in prompt.images if pos >= start]
        evaluated: list[ImageEval] = []
        position = start
        for index, (image_pos, slot) in enumerate(pending):
            self.evaluate(prompt.ids[position:image_pos], cancel, progress, user_starts)
            if cancel.is_set():
                raise Cancelled()
            if progress is not None:
                progress("image", index, len(pending))
            assert self.vision is not None
            evaluated.append(self.vision.decode_image(slot))
            self._last_evaluated = True
            position = self.llm.n_tokens
        self.evaluate(prompt.ids[position:], cancel, progress, user_starts)
        return evaluated

    def _user_turn_starts(self, prompt: Sequence[int]) -> list[int]:
        """Where to checkpoint: before "<start_of_turn>user" (where edits branch off).

        Every one of the last ``_RECENT_TURNS`` user turns; further back, one at least every
        ``_CHECKPOINT_SPACING`` tokens, so memory grows with the conversation's length, not its
        number of turns. An edit far back re-reads at most that spacing.
        """
        marker = self._user_marker
        if not self._checkpointing or not marker:
            return []
        width = len(marker)
        first = marker[0]
        starts = [
            i
            for i in range(2, len(prompt) - width + 1)
            if prompt[i] == first and tuple(prompt[i : i + width]) == marker
        ]
        kept: list[int] = []
        for index, position in enumerate(starts):
            recent = index >= len(starts) - _RECENT_TURNS
            if recent or not kept or position - kept[-1] >= _CHECKPOINT_SPACING:
                kept.append(position)
        return kept

    def _generate(
        self,
        state: _PromptState,
        sampling: SamplingParams,
        max_tokens: int,
        cancel: CancelFlag,
        on_token: TokenFn,
        *,
        probe_missing: int | None = None,
    ) -> ChatResult:
        """The token loop. ``probe_missing`` (diagnostics) also records the best logits."""
        llm = self.llm
        probing = probe_missing is not None
        steps: list[tuple[tuple[int, float], ...]] = []
        prompt, cached, path, evaluated = state.prompt, state.cached, state.path, state.evaluated
        started, prefill_s = state.started, state.prefill_s
        if sampling.seed is not None:
            llm.set_seed(sampling.seed)
        sampler = llm._init_sampler(
            top_k=sampling.top_k,
            top_p=sampling.top_p,
            min_p=sampling.min_p,
            temp=sampling.temperature,
            repeat_penalty=sampling.repeat_penalty,
        )
        decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        generated: list[int] = []
        parts: list[str] = []
        finish = "stop"
        first_at = 0.0
        while True:
            if cancel.is_set():
                finish = "cancelled"
                break
            if probing and len(steps) < _PROBE_STEPS:
                steps.append(self._top_logits())
            token = int(sampler.sample(llm._ctx, -1))
            if not generated:
                first_at = time.perf_counter()
            if token in self._stop_ids or llama_cpp.llama_vocab_is_eog(self._vocab, token):
                break
            generated.append(token)
            text = decoder.decode(self.piece(token))
            parts.append(text)
            on_token(text, token)
            if len(generated) >= max_tokens:
                finish = "length"
                break
            if llm.n_tokens + 1 >= self.n_ctx:
                finish = "context_full"
                break
            llm.eval([token])
            self._last_evaluated = True
        tail = decoder.decode(b"", final=True)
        if tail:
            parts.append(tail)
            on_token(tail, -1)
        ended = time.perf_counter()
        if not first_at:
            first_at = ended
        n_gen = len(generated)
        gen_s = ended - first_at
        stats = GenerationStats(
            prompt_tokens=len(prompt),
            cached_tokens=cached,
            completion_tokens=n_gen,
            ttft_s=first_at - started,
            tokens_per_s=(n_gen - 1) / gen_s if n_gen > 1 and gen_s > 0 else 0.0,
            prefill_tokens_per_s=evaluated / prefill_s if prefill_s > 0 else 0.0,
            context_used=len(prompt) + n_gen,
            context_size=self.n_ctx,
            finish_reason=finish,  # type: ignore[arg-type]
            reuse_path=path,
            reevaluated_tokens=evaluated,
            generation_s=gen_s,
            image_tiles=state.image_tiles,
            images_encoded=sum(1 for image in state.images if image.encoded),
            encode_ms=tuple(image.encode_ms for image in state.images if image.encoded),
            image_decode_ms=sum(image.decode_ms for image in state.images),
        )
        probe = (
            ChatProbe(window_missing=probe_missing, top_logits=tuple(steps))
            if probe_missing is not None
            else None
        )
        return ChatResult("".join(parts), tuple(generated), stats, probe)

    def _top_logits(self) -> tuple[tuple[int, float], ...]:
        n_vocab = int(self.llm.n_vocab())
        row = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(self.llm.ctx, -1), (n_vocab,))
        best = np.argpartition(row, -_PROBE_TOP)[-_PROBE_TOP:]
        best = best[np.argsort(row[best])[::-1]]
        return tuple((int(i), float(row[i])) for i in best)
