"""``hearth-cli ask``: one question to the local model, answered as it streams and saved."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from engine.chat.messages import ChatMessage
from engine.chat.session import ChatSession, Turn, mmproj_for
from engine.commands import common
from engine.errors import HearthError
from engine.store import HistoryStore
from engine.vision.attachment import ImageAttachment
from engine.worker import protocol as p

ASK_FIELDS = (
    "prompt_tokens",
    "cached_tokens",
    "completion_tokens",
    "ttft_s",
    "tokens_per_s",
    "context_used",
    "context_size",
)


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("ask", help="ask the local model a question")
    parser.add_argument("prompt", nargs="?", default=None, help="the question")
    parser.add_argument("--system", default="", help="a system prompt (new conversations)")
    parser.add_argument("--json", action="store_true", help="print one JSON object at the end")
    parser.add_argument("--image", action="append", default=[], help="an image to ask about")
    parser.add_argument("--mmproj", help="the vision projector (default: found beside the model)")
    parser.add_argument("--pan-scan", choices=("auto", "off"), default="auto")
    # Tests only: pair a tiny projector with the text-only bundled 270M model.
    parser.add_argument("--allow-text-only-vision", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--conversation", type=int, help="continue a stored conversation")
    parser.add_argument("--edit", type=int, metavar="MESSAGE_ID", help="replace a user message")
    parser.add_argument("--regenerate", action="store_true", help="answer the last question again")
    parser.add_argument(
        "--continue",
        dest="continue_answer",
        action="store_true",
        help="go on with the last answer where it stopped (cancelled, cut off, interrupted)",
    )
    parser.add_argument("--no-save", action="store_true", help="do not keep this in the history")
    common.add_model_options(parser)
    common.add_sampling_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.prompt is None and not (args.regenerate or args.continue_answer):
        raise HearthError("Ask what? Give a question (or --regenerate, --continue).")
    if (args.edit or args.regenerate or args.continue_answer) and args.conversation is None:
        raise HearthError("--edit, --regenerate and --continue need --conversation ID.")
    if args.continue_answer and (args.prompt or args.edit or args.regenerate or args.image):
        raise HearthError("--continue takes no question, --edit, --regenerate or --image.")
    paths = common.paths_from(args)
    model = common.model_path_from(args, paths)
    mmproj = mmproj_for(model, args.mmproj) if args.image else args.mmproj
    config = p.ModelConfig(
        model_path=str(model),
        n_ctx=args.ctx,
        n_threads=args.threads,
        mmproj_path=mmproj,
        allow_text_only_vision=args.allow_text_only_vision,
        prompt_format=common.prompt_format_from(args),
    )
    images = [ImageAttachment.from_path(path, mode=args.pan_scan) for path in args.image]
    sampling = common.sampling_from(args)
    with common.start_engine(paths, args.engine) as client:
        info = client.load(config)
        model_name = info.path.split(": ", 1)[-1] if args.engine else model.name
        if args.no_save:
            messages = [ChatMessage("system", args.system)] if args.system else []
            messages.append(ChatMessage("user", args.prompt or "", images=tuple(images)))
            events = client.chat(messages, sampling, max_tokens=args.max_tokens)
            done = stream_answer(events, echo=not args.json)
            turn = None
        else:
            with HistoryStore.open(paths) as store:
                session = ChatSession(store, client, model_name=model_name, mmproj_path=mmproj)
                if args.continue_answer:
                    turn, events = session.continue_answer(
                        args.conversation,
                        last_answer(store, args.conversation),
                        sampling,
                        max_tokens=args.max_tokens,
                    )
                    done = stream_answer(events, echo=not args.json)
                    return finish(args, done, turn)
                turn, events = session.send(
                    args.conversation,
                    args.prompt,
                    sampling,
                    max_tokens=args.max_tokens,
                    images=images,
                    edit=args.edit,
                    regenerate=args.regenerate,
                    system_prompt=args.system,
                )
                done = stream_answer(events, echo=not args.json)
    return finish(args, done, turn)


def finish(args: argparse.Namespace, done: p.Done, turn: Turn | None) -> int:
    if args.json:
        common.print_json(result_json(done, turn))
    elif turn is not None:
        print(f"(conversation {turn.conversation_id})", file=sys.stderr)
    return 0


def last_answer(store: HistoryStore, conversation_id: int) -> int:
    """The answer at the end of a conversation's visible branch."""
    path = store.messages.active_path(conversation_id, limit=1)
    if not path or path[-1].role != "assistant":
        raise HearthError("This conversation does not end with an answer to continue.")
    return path[-1].id


def result_json(done: p.Done, turn: Turn | None) -> dict[str, Any]:
    assert done.stats is not None
    fields = done.stats.as_dict()
    payload: dict[str, Any] = {"text": done.text, **{key: fields[key] for key in ASK_FIELDS}}
    payload.update(
        reuse_path=fields["reuse_path"],
        reevaluated_tokens=fields["reevaluated_tokens"],
        finish_reason=fields["finish_reason"],
    )
    if done.stats.image_tiles:
        for key in ("image_tiles", "images_encoded", "encode_ms", "image_decode_ms"):
            payload[key] = fields[key]
    if turn is not None:
        payload.update(
            conversation=turn.conversation_id,
            user_message_id=turn.user_message_id,
            assistant_message_id=turn.assistant_message_id,
            saved_text=turn.text,
        )
    return payload


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
