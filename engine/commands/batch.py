"""``hearth-cli batch``: one worker serving many requests, JSON lines in, JSON lines out.

Each input line is ``{"text": ..., "conversation": ID or null, "edit": MESSAGE_ID or null,
"regenerate": false, "temperature": 0, "max_tokens": 40}`` (``images`` and ``system`` are
optional). Each output line is the ``ask --json`` result plus the conversation and the new
message ids, or ``{"error": "..."}``. Because the worker lives for the whole batch, its cache
of evaluated tokens, checkpoints and parked conversations serves every request.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from engine.chat.sampling import SamplingParams
from engine.chat.session import ChatSession, mmproj_for
from engine.commands import common
from engine.commands.ask import result_json, stream_answer
from engine.errors import HearthError
from engine.store import HistoryStore
from engine.vision.attachment import ImageAttachment
from engine.worker import protocol as p


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("batch", help="serve JSON-line requests with one worker")
    parser.add_argument("--mmproj", help="the vision projector (default: found beside the model)")
    common.add_model_options(parser)
    parser.set_defaults(func=run)


def _sampling(request: dict[str, Any]) -> SamplingParams:
    temperature = request.get("temperature")
    return common.preset_sampling(
        str(request.get("preset", "gemma")),
        None if temperature is None else float(temperature),
        request.get("seed"),
    )


def run(args: argparse.Namespace) -> int:
    paths = common.paths_from(args)
    model = common.model_path_from(args, paths)
    mmproj = mmproj_for(model, args.mmproj)
    config = p.ModelConfig(
        model_path=str(model),
        n_ctx=args.ctx,
        n_threads=args.threads,
        mmproj_path=mmproj,
        prompt_format=common.prompt_format_from(args),
    )
    failures = 0
    with common.start_client(paths) as client, HistoryStore.open(paths) as store:
        client.load(config)
        session = ChatSession(store, client, model_name=model.name, mmproj_path=mmproj)
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                common.print_json(_serve(session, json.loads(line)))
            except (HearthError, ValueError, TypeError, KeyError) as exc:
                failures += 1
                common.print_json({"error": str(exc)})
    return 1 if failures else 0


def _serve(session: ChatSession, request: dict[str, Any]) -> dict[str, Any]:
    images = [ImageAttachment.from_path(path) for path in request.get("images") or []]
    turn, events = session.send(
        request.get("conversation"),
        request.get("text"),
        _sampling(request),
        max_tokens=int(request.get("max_tokens", 256)),
        images=images,
        edit=request.get("edit"),
        regenerate=bool(request.get("regenerate", False)),
        system_prompt=str(request.get("system", "")),
    )
    return result_json(stream_answer(events, echo=False), turn)
