"""``hearth-cli inspect FILE.gguf``: what a model or vision projector file is, without loading it.

Only the header is read (bounded, pure Python), so this is safe and instant on any file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from engine.chat.template import PromptFormatRequired, choose_prompt_format
from engine.commands import common
from engine.errors import ModelFileError
from engine.model.architectures import architecture
from engine.model.catalog import model_limits, validate_mmproj
from engine.model.gguf_header import GGUFInfo, read_gguf_header
from engine.model.memory import MemoryEstimate, estimate_memory, format_bytes, swa_layers

DEFAULT_CTX = 8192
EXIT_BAD_FILE = 2


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "inspect", help="show what a GGUF model or mmproj file is (reads only its header)"
    )
    parser.add_argument("file", type=Path, help="a .gguf model or vision projector (mmproj)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--ctx",
        type=common.positive_int,
        default=None,
        help=f"context size for the memory estimate (default: the model's, at most {DEFAULT_CTX})",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    info = read_gguf_header(args.file)
    problem: str | None = None
    if info.is_mmproj:
        try:
            validate_mmproj(info)
        except ModelFileError as exc:
            problem = str(exc)
        report = _mmproj_report(info, problem)
    else:
        report = _model_report(info, args.ctx)
    if args.json:
        print(json.dumps(report, indent=2, ensure_ascii=False, default=_jsonable))
    else:
        print(_as_text(report))
    if problem is not None:
        print(f"hearth-cli: {problem}", file=sys.stderr)
        return EXIT_BAD_FILE
    return 0


def _jsonable(value: object) -> object:
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return repr(value)


def _common(info: GGUFInfo) -> dict[str, Any]:
    return {
        "path": str(info.path),
        "file_size": info.file_size,
        "gguf_version": info.version,
        "architecture": info.architecture,
        "name": info.name,
        "quantization": info.quantization,
        "tensor_count": info.tensor_count,
        "weights_bytes": info.weights_bytes,
    }


def _memory(estimate: MemoryEstimate) -> dict[str, Any]:
    return {
        "n_ctx": estimate.n_ctx,
        "swa_full": estimate.swa_full,
        "kv_type": estimate.kv_type,
        "weights_bytes": estimate.weights_bytes,
        "kv_bytes": estimate.kv_bytes,
        "kv_full_bytes": estimate.kv_full_bytes,
        "compute_bytes": estimate.compute_bytes,
        "total_bytes": estimate.total_bytes,
        "global_layers": estimate.global_layers,
        "sliding_layers": estimate.sliding_layers,
        "summary": estimate.describe(),
    }


def _model_report(info: GGUFInfo, ctx: int | None) -> dict[str, Any]:
    limits = model_limits(info)
    n_ctx = ctx if ctx is not None else min(limits.max_context, DEFAULT_CTX)
    estimate = estimate_memory(info, n_ctx, swa_full=False)
    sliding = swa_layers(info)
    arch = architecture(info.architecture)
    assert arch is not None  # the header reader refuses the others
    try:
        prompt_format: str | None = choose_prompt_format(
            info.chat_template, gemma_family=arch.gemma_turns, model_name=info.path.name
        ).note
        format_problem: str | None = None
    except PromptFormatRequired as exc:
        prompt_format, format_problem = None, str(exc)
    return {
        **_common(info),
        "kind": "model",
        "cache": {
            "memory": arch.memory,
            "sliding_window_kind": arch.swa if info.sliding_window else "none",
            "rollback": "exact"
            if arch.rollback == "measured" and not info.sliding_window
            else arch.rollback,
        },
        "prompt_format": prompt_format,
        "prompt_format_problem": format_problem,
        "size_label": info.size_label,
        "context_length": info.context_length,
        "embedding_length": info.embedding_length,
        "block_count": info.block_count,
        "feed_forward_length": info.feed_forward_length,
        "head_count": info.head_count,
        "head_count_kv": info.head_count_kv,
        "key_length": info.key_length
        or (
            info.embedding_length // info.head_count
            if info.embedding_length and info.head_count
            else None
        ),
        "value_length": info.value_length,
        "sliding_window": info.sliding_window,
        "sliding_layers": sum(sliding),
        "global_layers": len(sliding) - sum(sliding),
        "vocab_size": info.vocab_size,
        "has_chat_template": info.has_chat_template,
        "bos_token_id": info.bos_token_id,
        "eos_token_id": info.eos_token_id,
        "family": {
            "member": f"Gemma 3 {limits.label}" if limits.label else None,
            "max_context": limits.max_context,
            "vision": limits.vision,
        },
        "memory": _memory(estimate),
        "metadata": dict(info.metadata),
    }


def _mmproj_report(info: GGUFInfo, problem: str | None) -> dict[str, Any]:
    meta = info.metadata
    return {
        **_common(info),
        "kind": "mmproj",
        "projector_type": info.projector_type,
        "projection_dim": info.projection_dim,
        "has_vision_encoder": info.has_vision_encoder,
        "vision_embedding_length": info.embedding_length,
        "vision_block_count": info.block_count,
        "vision_head_count": info.head_count,
        "image_size": meta.get("clip.vision.image_size"),
        "patch_size": meta.get("clip.vision.patch_size"),
        "valid": problem is None,
        "problem": problem,
        "metadata": dict(info.metadata),
    }


def _count(value: object, unit: str = "") -> str:
    if value is None:
        return "unknown"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}{unit}"
    return str(value)


def _as_text(report: dict[str, Any]) -> str:
    size = format_bytes(report["file_size"])
    rows: list[tuple[str, str]] = [
        ("File", f"{report['path']} ({size}, GGUF v{report['gguf_version']})")
    ]
    if report["kind"] == "model":
        family = report["family"]
        vision = {True: "images and text", False: "text only", None: "unknown"}[family["vision"]]
        member = family["member"] or (
            "not a published Gemma 3 size"
            if report["architecture"] == "gemma3"
            else f"{report['architecture']} architecture"
        )
        cache = report["cache"]
        cache_line = {
            "attention": "attention KV cache",
            "recurrent": "recurrent state",
            "hybrid": "attention KV cache and recurrent state",
        }[cache["memory"]]
        if cache["sliding_window_kind"] != "none":
            cache_line += f" ({cache['sliding_window_kind']} sliding window)"
        cache_line += {
            "exact": "; regenerate and edit cut the cache back exactly",
            "measured": "; rollbacks are measured, SWA checkpoints kept",
            "checkpoint": "; regenerate and edit re-read the prompt",
        }[cache["rollback"]]
        template_line = report["prompt_format"] or report["prompt_format_problem"]
        kv_heads = report["head_count_kv"]
        heads = (
            f"{_count(report['head_count'])} ({_count(kv_heads)} KV "
            f"head{'' if kv_heads == 1 else 's'}, head size {_count(report['key_length'])})"
        )
        window = "none"
        if report["sliding_window"]:
            window = (
                f"{report['sliding_window']:,} tokens ({report['sliding_layers']} sliding, "
                f"{report['global_layers']} global layers)"
            )
        memory = report["memory"]
        full_total = memory["total_bytes"] - memory["kv_bytes"] + memory["kv_full_bytes"]
        memory_line = (
            f"about {format_bytes(memory['total_bytes'])} at {memory['n_ctx']:,} tokens "
            f"(weights {format_bytes(memory['weights_bytes'])}, "
            f"KV cache {format_bytes(memory['kv_bytes'])}, "
            f"compute {format_bytes(memory['compute_bytes'])})"
        )
        full_line = (
            f"KV cache {format_bytes(memory['kv_full_bytes'])}, "
            f"about {format_bytes(full_total)} in total"
        )
        rows += [
            ("Architecture", report["architecture"]),
            ("Name", report["name"] or "unknown"),
            ("Size", report["size_label"] or "unknown"),
            ("Quantization", report["quantization"] or "unknown"),
            ("Context length", _count(report["context_length"], " tokens")),
            ("Embedding width", _count(report["embedding_length"])),
            ("Layers", _count(report["block_count"])),
            ("Attention heads", heads),
            ("Sliding window", window),
            ("Vocabulary", _count(report["vocab_size"], " tokens")),
            ("Chat template", "yes" if report["has_chat_template"] else "no"),
            ("Prompt format", template_line),
            ("Family", f"{member}; up to {family['max_context']:,} tokens; {vision}"),
            ("Cache", cache_line),
            ("Memory", memory_line),
        ]
        if report["sliding_window"]:
            rows.append(("With swa_full", full_line))
    else:
        rows += [
            ("Architecture", f"{report['architecture']} (vision projector)"),
            ("Name", report["name"] or "unknown"),
            ("Quantization", report["quantization"] or "unknown"),
            ("Projector type", report["projector_type"] or "missing"),
            ("Projection dim", f"{_count(report['projection_dim'])} (the text model's width)"),
            (
                "Vision encoder",
                f"{_count(report['vision_block_count'])} layers, "
                f"{_count(report['vision_embedding_length'])} wide, "
                f"{_count(report['vision_head_count'])} heads, image {_count(report['image_size'])}"
                f" px, patch {_count(report['patch_size'])} px",
            ),
            ("Check", "usable as a Gemma 3 projector" if report["valid"] else report["problem"]),
        ]
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in rows)
