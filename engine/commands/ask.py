"""``hearth-cli ask``: one question to the local model, answered as it streams."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from engine.chat.messages import ChatMessage
from engine.commands import common
from engine.errors import HearthError
from engine.worker import protocol as p


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("ask", help="ask the local model a question")
    parser.add_argument("prompt", help="the question")
    parser.add_argument("--system", default="", help="a system prompt")
    parser.add_argument("--json", action="store_true", help="print one JSON object at the end")
    common.add_model_options(parser)
    common.add_sampling_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    paths = common.paths_from(args)
    config = common.model_config_from(args, paths)
    messages = []
    if args.system:
        messages.append(ChatMessage("system", args.system))
    messages.append(ChatMessage("user", args.prompt))
    with common.start_client(paths) as client:
        client.load(config)
        done = stream_answer(
            client.chat(messages, common.sampling_from(args), max_tokens=args.max_tokens),
            echo=not args.json,
        )
    assert done.stats is not None
    if args.json:
        common.print_json({"text": done.text, **_ask_fields(done.stats)})
    return 0


def _ask_fields(stats: p.GenerationStats) -> dict[str, Any]:
    fields = stats.as_dict()
    keys = (
        "prompt_tokens",
        "cached_tokens",
        "completion_tokens",
        "ttft_s",
        "tokens_per_s",
        "context_used",
        "context_size",
    )
    return {key: fields[key] for key in keys}


def stream_answer(events: Any, *, echo: bool) -> p.Done:
    """Consume a chat stream, echoing tokens to stdout; raise HearthError on failure."""
    for event in events:
        if isinstance(event, p.Token) and echo:
            sys.stdout.write(event.text)
            sys.stdout.flush()
        elif isinstance(event, p.Done):
            if echo:
                sys.stdout.write("\n")
            if event.stats is None:
                raise HearthError("The answer was cancelled.")
            return event
        elif isinstance(event, p.Failed):
            if event.kind == "bug":
                print(event.details, file=sys.stderr)
            raise HearthError(event.message)
    raise HearthError("The inference worker ended the answer without a result.")
