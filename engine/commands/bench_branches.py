"""``hearth-cli bench-branches``: what follow-up, regenerate, edit and branch switches cost.

One worker, one ~8K-token conversation (the 270M model's window is 512 positions, so the
conversation is many windows long). For each action it prints the path the worker took, the
tokens it evaluated again and the time to the first token, next to a full re-prefill of the
same prompt; then the KV cache plus checkpoint memory against the full-size cache.
"""

from __future__ import annotations

import argparse
from typing import Any

from engine.chat.messages import ChatMessage
from engine.chat.sampling import GREEDY
from engine.commands import common
from engine.model.gguf_header import read_gguf_header
from engine.model.memory import estimate_memory, format_bytes
from engine.worker import protocol as p
from engine.worker.client import EngineClient

TOPICS = [
    "rivers",
    "mountains",
    "harbours",
    "forests",
    "deserts",
    "glaciers",
    "islands",
    "valleys",
    "lakes",
    "canyons",
    "prairies",
    "marshes",
    "reefs",
    "volcanoes",
    "caves",
    "dunes",
]


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "bench-branches", help="measure follow-up, regenerate, edit and branch switches"
    )
    common.add_model_options(parser)
    parser.add_argument("--turns", type=int, default=26, help="user/model turn pairs")
    parser.set_defaults(func=run, ctx=16384)


def _text(topic: str, n: int) -> str:
    return " ".join(
        f"Note {i} on {topic}: the {topic} change with the seasons and people near the "
        f"{topic} keep careful records of what they see."
        for i in range(n)
    )


def conversation(turns: int) -> list[ChatMessage]:
    messages: list[ChatMessage] = []
    for index in range(turns):
        topic = TOPICS[index % len(TOPICS)]
        messages.append(ChatMessage("user", f"Tell me about {topic}. " + _text(topic, 7)))
        messages.append(ChatMessage("assistant", _text(topic, 5)))
    messages.append(ChatMessage("user", "Which place would you visit first?"))
    return messages


def _answer(client: EngineClient, messages: list[ChatMessage], **kw: Any) -> p.GenerationStats:
    for event in client.chat(messages, GREEDY, max_tokens=8, **kw):
        if isinstance(event, p.Failed):
            raise RuntimeError(event.message)
        if isinstance(event, p.Done) and event.stats is not None:
            return event.stats
    raise RuntimeError("no answer")


def _row(label: str, stats: p.GenerationStats, full: p.GenerationStats | None) -> str:
    line = (
        f"{label:<28} {stats.reuse_path:<18} {stats.reevaluated_tokens:>7} tokens "
        f"{stats.ttft_s:>8.3f} s"
    )
    if full is not None:
        line += f"   (full re-prefill: {full.reevaluated_tokens} tokens, {full.ttft_s:.2f} s)"
    return line


def run(args: argparse.Namespace) -> int:
    paths = common.paths_from(args)
    model = common.model_path_from(args, paths)
    config = p.ModelConfig(
        model_path=str(model),
        n_ctx=args.ctx,
        n_threads=args.threads,
        prompt_format=common.prompt_format_from(args),
    )
    original = conversation(args.turns)
    with common.start_client(paths) as client:
        client.load(config)
        first = _answer(client, original)
        print(f"conversation: {first.prompt_tokens} tokens, {args.turns} turns, ctx {args.ctx}")
        print(_row("first prefill", first, None))

        follow = [*original, ChatMessage("assistant", "Rivers."), ChatMessage("user", "Why?")]
        print(
            _row(
                "follow-up",
                _answer(client, follow),
                _answer(client, follow, reuse_cache=False),
            )
        )
        print(_row("regenerate", _answer(client, follow), None))

        edit_at = len(original) // 4
        edit_at -= edit_at % 2  # user messages sit at even positions
        edited = [*original[:edit_at], ChatMessage("user", "Tell me about lighthouses.")]
        _answer(client, follow)  # back on the long branch first
        print(
            _row(
                f"edit at message {edit_at} (~25%)",
                _answer(client, edited),
                _answer(client, edited, reuse_cache=False),
            )
        )
        print(_row("switch back to long branch", _answer(client, follow), None))

        other = [ChatMessage("user", "Another chat. " + _text("meadows", 30))]
        _answer(client, other)
        print(_row("switch to other chat & back", _answer(client, follow), None))
        report = client.stats()
    header = read_gguf_header(model)
    small = estimate_memory(header, args.ctx)
    full = estimate_memory(header, args.ctx, swa_full=True)
    held = small.kv_bytes + report.checkpoint_bytes + report.parked_bytes
    print(
        f"memory: KV {format_bytes(small.kv_bytes)} + {report.checkpoints} checkpoints "
        f"{format_bytes(report.checkpoint_bytes)} + parked chats "
        f"{format_bytes(report.parked_bytes)} = {format_bytes(held)}; "
        f"full-size cache (swa_full) {format_bytes(full.kv_bytes)}"
    )
    return 0
