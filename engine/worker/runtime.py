"""The loaded model inside the inference worker: prompt building, KV reuse and the token loop.

Only the worker process imports this module (it is the one place that drives llama.cpp).

KV cache policy (Gemma 3): ``swa_full=False``. Five of every six layers keep only the last
``n_swa`` positions, which shrinks the KV cache ~5x at 32K context. Follow-up turns still reuse
the whole evaluated prefix because the worker keeps the exact token ids it evaluated and builds
every prompt token-exactly (see ``engine.chat.gemma_format``). Rolling back (regenerate, edit)
is only correct while the sliding window before the rollback point is still cached; the worker
checks that (``llama_memory_seq_pos_min``) and otherwise restores an SWA checkpoint or
re-prefills. It never takes a path that could silently change the answer.
"""

from __future__ import annotations

import codecs
import ctypes
import os
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

import llama_cpp

from engine.chat import gemma_format
from engine.chat.messages import ChatMessage
from engine.chat.sampling import SamplingParams
from engine.chat.template import choose_prompt_format
from engine.errors import Cancelled, HearthError, ModelFileError
from engine.llama_backends import ensure_backends_loaded
from engine.model.gguf_header import TEXT_ARCHITECTURES, GGUFInfo, read_gguf_header
from engine.model.memory import estimate_memory
from engine.worker.checkpoints import CheckpointStore, ConversationStates, prefix_digest
from engine.worker.protocol import GenerationStats, ModelConfig, ModelInfo
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


class CancelFlag(Protocol):
    def is_set(self) -> bool: ...


class ContextFullError(HearthError):
    """The prompt does not fit in the loaded context."""


@dataclass(frozen=True)
class ChatResult:
    text: str
    token_ids: tuple[int, ...]
    stats: GenerationStats


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
        if self.header.architecture not in TEXT_ARCHITECTURES:
            raise ModelFileError(
                f"Hearth cannot run '{self.header.architecture}' models yet; "
                "it supports the Gemma 3 family."
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
        self.prompt_format = choose_prompt_format(self.header.chat_template)
        self._bos = int(self.llm.token_bos())
        self._eot = self._single_token(gemma_format.END_OF_TURN)
        # A turn ends at <end_of_turn>; a model that starts a new turn has ended its own.
        self._stop_ids = {
            int(self.llm.token_eos()),
            self._eot,
            self._single_token(gemma_format.START_OF_TURN),
        }
        self._token_cache: OrderedDict[str, tuple[int, ...]] = OrderedDict()
        self._piece_buffer = ctypes.create_string_buffer(_PIECE_BUFFER)
        self._abort_cb: Any = None
        budget = config.checkpoint_budget_mib << 20
        self.checkpoints = CheckpointStore(self.llm.ctx, budget_bytes=budget)
        self.conversations = ConversationStates(self.llm.ctx, budget_bytes=budget)
        self._tile_cache: OrderedDict[object, TileSet] = OrderedDict()
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
            text = template.render(messages, open_answer=continue_answer)
            if text.startswith(gemma_format.BOS):
                text = text[len(gemma_format.BOS) :]
            return Prompt([self._bos, *self.tokenize(text)], [])
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
            tiles = make_tiles(image.data, image.mode, image.zoom_box)
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

    def _window_intact(self, position: int) -> bool:
        """True when truncating the sequence to ``position`` leaves a correct cache."""
        if self.n_swa == 0 or position == 0:
            return True
        pos_min = int(llama_cpp.llama_memory_seq_pos_min(self._memory, 0))
        return 0 <= pos_min <= max(0, position - self.n_swa)

    def _truncate(self, position: int) -> None:
        llama_cpp.llama_memory_seq_rm(self._memory, 0, position, -1)
        self.llm.n_tokens = position

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
        if keep > 0 and self._window_intact(keep):
            self._truncate(keep)
            return keep, "rollback"
        restored = self.checkpoints.restore_before(common, prompt, self._truncate)
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
                    self._truncate(good)
                    if cancel.is_set():
                        raise Cancelled() from exc
                    raise
                done = end
                if done in stops:
                    self.checkpoints.save(self.llm.n_tokens, self.held_tokens)
                if progress is not None:
                    progress("prefill", done, total)
        finally:
            self._set_abort(None)

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
    ) -> ChatResult:
        started = time.perf_counter()
        prompt = self.build_prompt(messages, continue_answer=continue_answer)
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
        prefill_s = time.perf_counter() - started
        # Checkpoint at the prompt's end: regenerate comes back here.
        self.checkpoints.save(self.llm.n_tokens, self.held_tokens)
        state = _PromptState(
            ids, cached, path, len(ids) - cached, started, prefill_s, images, prompt.image_tiles
        )
        return self._generate(state, sampling, max_tokens, cancel, on_token)

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
            position = self.llm.n_tokens
        self.evaluate(prompt.ids[position:], cancel, progress, user_starts)
        return evaluated

    def _user_turn_starts(self, prompt: Sequence[int]) -> list[int]:
        """Where to checkpoint: before "<start_of_turn>user" (where edits branch off).

        Every one of the last ``_RECENT_TURNS`` user turns; further back, one at least every
        ``_CHECKPOINT_SPACING`` tokens, so memory grows with the conversation's length, not its
        number of turns. An edit far back re-reads at most that spacing.
        """
        start_id, user_id = self._cached_tokens(f"{gemma_format.START_OF_TURN}user\n")[:2]
        starts = [
            i
            for i in range(2, len(prompt) - 1)
            if prompt[i] == start_id and prompt[i + 1] == user_id
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
    ) -> ChatResult:
        llm = self.llm
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
        return ChatResult("".join(parts), tuple(generated), stats)
