"""llama.cpp vision scenarios, run in a child interpreter by test_mtmd_runtime.py.

Each scenario loads the real bundled Gemma 3 270M with a tiny random-weight projector, does its
work and prints one JSON line of facts for the test to assert on. Running in a child process
means a native abort inside llama.cpp fails the test instead of killing pytest.

Usage: python vision_scenarios.py SCENARIO MODEL MMPROJ [MORE...]
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from typing import Any

import numpy as np
from PIL import Image

TURN_START = "<start_of_turn>user\n"
TURN_END = "<end_of_turn>\n<start_of_turn>model\n"


def _llm(model: str, **overrides: Any) -> Any:
    from llama_cpp import Llama

    options: dict[str, Any] = {
        "n_ctx": 4096,
        "n_batch": 512,
        "n_ubatch": 512,
        "n_threads": 2,
        "verbose": False,
    }
    options.update(overrides)
    return Llama(model_path=model, **options)


def _picture(width: int, height: int, seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:height, 0:width]
    pixels = np.stack([x * 255 // width, y * 255 // height, (x ^ y) & 255], axis=-1)
    pixels = np.clip(pixels + rng.integers(-20, 20, pixels.shape), 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, "PNG")
    return buffer.getvalue()


def _span_facts(runtime: Any, full: list[int]) -> dict[str, Any]:
    """Where the image spans are in a kept token list, and what surrounds them."""
    spans = []
    index = 0
    while index < len(full):
        if full[index] < 0:
            start = index
            while index < len(full) and full[index] < 0:
                index += 1
            spans.append(
                {
                    "start": start,
                    "length": index - start,
                    "before_is_boi": full[start - 1] == runtime.start_of_image,
                    "after_is_eoi": index < len(full) and full[index] == runtime.end_of_image,
                }
            )
        else:
            index += 1
    return {"spans": spans}


def _greedy(llm: Any, tokens: list[int], count: int) -> list[int]:
    out: list[int] = []
    for token in llm.generate(tokens, temp=0.0, top_k=1):
        out.append(int(token))
        if len(out) >= count:
            break
    return out


def conversation(model: str, mmproj: str) -> dict[str, Any]:
    from engine.vision.mtmd_runtime import VisionRuntime, strip_placeholders
    from engine.vision.prompt import layout_message
    from engine.vision.tiles import make_tiles

    facts: dict[str, Any] = {}
    llm = _llm(model)
    runtime = VisionRuntime(llm, mmproj, allow_text_only_model=True)
    wide = make_tiles(_picture(1920, 1080, seed=1))
    segments = [TURN_START, *layout_message("What is in this picture?", [wide]), TURN_END]
    items = runtime.items(segments, add_bos=True)
    full = runtime.expand(items)
    first = runtime.prefill(items)
    facts["first"] = {
        "tiles": wide.tile_count,
        "image_positions": first.image_positions,
        "encode_count": first.encode_count,
        "encode_ms": first.encode_ms,
        "prefill_ms": first.prefill_ms,
        "start": first.start,
        "end": first.end,
        "n_tokens": llm.n_tokens,
        "kept_matches": llm.input_ids[: llm.n_tokens].tolist() == full,
        "full_length": len(full),
        "text_decoded": llm.detokenize(strip_placeholders(full), special=True).decode("utf-8"),
        **_span_facts(runtime, full),
    }
    logits = np.ctypeslib.as_array(llm._ctx.get_logits_ith(-1), shape=(llm.n_vocab(),))
    facts["first"]["logits_finite"] = bool(np.isfinite(logits).all())
    answer = _greedy(llm, full, 4)
    facts["answer_tokens"] = len(answer)
    answer_text = llm.detokenize(answer, special=False).decode("utf-8", "replace")

    # Follow-up about the same image: the whole previous prompt is a cached prefix.
    follow_up = "<end_of_turn>\n" + TURN_START + "And the colours?" + TURN_END
    follow = [*segments, answer_text + follow_up]
    follow_items = runtime.items(follow, add_bos=True)
    n_before = llm.n_tokens
    second = runtime.prefill(follow_items)
    facts["follow_up"] = {
        "encode_count": second.encode_count,
        "decoded_images": len(second.images),
        "skipped_images": second.skipped_images,
        "reused": second.reused,
        "n_tokens_before": n_before,
        "evaluated": second.evaluated,
        "prefill_ms": second.prefill_ms,
        "kept_matches": llm.input_ids[: llm.n_tokens].tolist() == runtime.expand(follow_items),
    }
    facts["follow_up_answer"] = len(_greedy(llm, runtime.expand(follow_items), 2))

    # A second, different image later in the same chat: only it is encoded, appended in place.
    tall = make_tiles(_picture(600, 1500, seed=2), mode="off")
    third_items = [
        *follow_items,
        *runtime.items(["<end_of_turn>\n", TURN_START, *layout_message("And this?", [tall])]),
        *runtime.items([TURN_END]),
    ]
    third = runtime.prefill(third_items)
    facts["new_image"] = {
        "encode_count": third.encode_count,
        "image_positions": third.image_positions,
        "skipped_images": third.skipped_images,
    }

    # append(): evaluate at llm.n_tokens without any prefix matching.
    n_before = llm.n_tokens
    appended = runtime.append(runtime.items(["Thanks."]))
    facts["append"] = {"start": appended.start, "n_before": n_before, "end": appended.end}

    # A fresh context with the first image again: embeddings come from the cache.
    llm.reset()
    llm._ctx.kv_cache_clear()
    fresh = runtime.prefill(items)
    facts["fresh"] = {
        "encode_count": fresh.encode_count,
        "decoded_images": len(fresh.images),
        "reused": fresh.reused,
        "kept_matches": llm.input_ids[: llm.n_tokens].tolist() == full,
    }
    facts["cache_entries"] = len(runtime.cache)
    facts["total_encodes"] = runtime.total_encodes
    llm.close()
    facts["closed_with_llm"] = runtime.closed
    return facts


def real_photo(model: str, mmproj: str, photo: str) -> dict[str, Any]:
    from engine.vision.mtmd_runtime import VisionRuntime
    from engine.vision.prompt import layout_message
    from engine.vision.tiles import make_tiles

    llm = _llm(model)
    with VisionRuntime(llm, mmproj, allow_text_only_model=True) as runtime:
        tiles = make_tiles(photo)
        segments = [TURN_START, *layout_message("Describe the board.", [tiles]), TURN_END]
        items = runtime.items(segments, add_bos=True)
        report = runtime.prefill(items)
        answer = _greedy(llm, runtime.expand(items), 3)
        facts = {
            "source_size": list(tiles.source_size),
            "crops": [list(box) for box in tiles.crop_boxes],
            "tiles": tiles.tile_count,
            "image_positions": report.image_positions,
            "encode_count": report.encode_count,
            "encode_ms": report.encode_ms,
            "answer_tokens": len(answer),
            "n_tokens": llm.n_tokens,
        }
    llm.close()
    return facts


def _outcome(action: Callable[[], object]) -> dict[str, Any]:
    try:
        action()
    except Exception as exc:
        from engine.errors import HearthError

        return {
            "error": type(exc).__name__,
            "hearth": isinstance(exc, HearthError),
            "message": str(exc),
        }
    return {"error": None}


def errors(model: str, mmproj: str, mismatched: str, truncated: str) -> dict[str, Any]:
    from engine.vision.mtmd_runtime import VisionRuntime
    from engine.vision.tiles import make_tiles

    facts: dict[str, Any] = {}
    llm = _llm(model)

    def load(path: str, **options: Any) -> None:
        options.setdefault("allow_text_only_model", True)
        VisionRuntime(llm, path, **options).close()

    facts["mismatched"] = _outcome(lambda: load(mismatched))
    facts["mismatched_unvalidated"] = _outcome(lambda: load(mismatched, validate=False))
    facts["truncated"] = _outcome(lambda: load(truncated))
    facts["missing"] = _outcome(lambda: load(mmproj + ".does-not-exist"))
    facts["text_model_as_mmproj"] = _outcome(lambda: load(model))
    facts["text_only_model"] = _outcome(lambda: load(mmproj, allow_text_only_model=False))

    runtime = VisionRuntime(llm, mmproj, allow_text_only_model=True)
    tiles = make_tiles(_picture(1920, 1080, seed=3))
    from engine.vision.prompt import layout_message

    items = runtime.items([TURN_START, *layout_message("Hi", [tiles]), TURN_END], add_bos=True)
    facts["bad_token"] = _outcome(lambda: runtime.append([[-5]]))
    runtime.close()
    facts["closed"] = _outcome(lambda: runtime.prefill(items))
    llm.close()

    small_ubatch = _llm(model, n_batch=512, n_ubatch=128)
    facts["small_ubatch"] = _outcome(
        lambda: VisionRuntime(small_ubatch, mmproj, allow_text_only_model=True)
    )
    small_ubatch.close()

    small_ctx = _llm(model, n_ctx=512)
    with VisionRuntime(small_ctx, mmproj, allow_text_only_model=True) as runtime:
        items = runtime.items([TURN_START, *layout_message("Hi", [tiles]), TURN_END], add_bos=True)
        facts["context_overflow"] = _outcome(lambda: runtime.prefill(items))
        facts["context_overflow_n_tokens"] = small_ctx.n_tokens
        facts["encodes_after_overflow"] = runtime.total_encodes
    small_ctx.close()
    return facts


SCENARIOS: dict[str, Callable[..., dict[str, Any]]] = {
    "conversation": conversation,
    "real_photo": real_photo,
    "errors": errors,
}


def main() -> None:
    name, *args = sys.argv[1:]
    result = SCENARIOS[name](*args)
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
