"""``hearth-cli history``: list, show, search, export, import, delete and back up conversations.

Every action takes ``--json`` for scripts. ``show --json`` lists the visible branch's messages
with their ``id`` and ``parent_id`` (``--all-branches`` lists the whole tree).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from engine.commands.common import positive_int
from engine.store import HistoryStore, Message, NotFoundError
from engine.store.export import (
    ExportFormat,
    conversation_json,
    export_to_file,
    html_document,
    markdown,
    message_json,
    write_json,
)
from engine.store.importer import import_file
from engine.store.records import Conversation, SiblingInfo, datetime_to_ms, iso_ms

EXIT_OK = 0
EXIT_BAD_INPUT = 2
ROLE_NAMES = {"user": "You", "assistant": "Assistant", "system": "System"}

Handler = Callable[[HistoryStore, argparse.Namespace], int]


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "history",
        help="list, show, search, export, import, delete or back up saved conversations",
        description="Work with the conversations Hearth has saved on this computer.",
    )
    actions = parser.add_subparsers(dest="history_action", metavar="ACTION")

    def usage(_args: argparse.Namespace) -> int:
        parser.print_help()
        return EXIT_BAD_INPUT

    parser.set_defaults(func=usage)

    def action(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        sub = actions.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("--json", action="store_true", help="print JSON for scripts")
        sub.set_defaults(func=lambda args: _run(handler, args))
        return sub

    listing = action("list", _list, "list conversations, newest first (pinned on top)")
    listing.add_argument("--limit", type=positive_int, default=50, help="how many (default 50)")
    listing.add_argument("--folder", help="only conversations in this folder")
    listing.add_argument("--pinned", action="store_true", help="only pinned conversations")

    show = action("show", _show, "show one conversation")
    show.add_argument("id", type=int, help="conversation id (see 'history list')")
    show.add_argument(
        "--all-branches",
        action="store_true",
        help="every message of every branch, not just the visible one",
    )

    find = action("search", _search, "full-text search over messages and titles")
    find.add_argument("query", nargs="+", help="words to look for (any text is fine)")
    find.add_argument("--conversation", type=int, help="only this conversation")
    find.add_argument("--since", type=_date_start, help="only messages from this date (YYYY-MM-DD)")
    find.add_argument("--until", type=_date_end, help="only messages up to this date (inclusive)")
    find.add_argument("--limit", type=positive_int, default=20, help="how many hits (default 20)")

    export = action("export", _export, "export conversations to Markdown, JSON or HTML")
    export.add_argument("ids", type=int, nargs="*", help="conversation ids (or use --all)")
    export.add_argument("--all", action="store_true", help="export every conversation")
    export.add_argument(
        "--format",
        choices=("md", "json", "html"),
        default="md",
        help="md (visible branch), json (lossless, re-importable) or html (one file, images "
        "embedded); default md",
    )
    export.add_argument("-o", "--output", type=Path, help="write to this file (default: stdout)")

    importer = action("import", _import, "import a Hearth JSON export")
    importer.add_argument("file", type=Path)
    importer.add_argument(
        "--copy",
        action="store_true",
        help="import conversations that already exist again, as copies (default: skip them)",
    )

    delete = action("delete", _delete, "delete conversations for good (text, index, files)")
    delete.add_argument("ids", type=int, nargs="+")
    delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    backup = action("backup", _backup, "write a consistent backup of the history database")
    backup.add_argument(
        "path",
        type=Path,
        nargs="?",
        help="backup file to create (default: a new file in the data folder's backups/)",
    )
    backup.add_argument(
        "--method",
        choices=("vacuum", "api"),
        default="vacuum",
        help="VACUUM INTO (compact, default) or SQLite's online backup API",
    )


# ---- Plumbing


def _parse_moment(text: str) -> datetime | date:
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date (YYYY-MM-DD) or date and time (YYYY-MM-DDTHH:MM)"
        ) from None


def _date_start(text: str) -> datetime:
    moment = _parse_moment(text)
    if isinstance(moment, datetime):
        return moment
    return datetime(moment.year, moment.month, moment.day).astimezone()


def _date_end(text: str) -> datetime:
    moment = _parse_moment(text)
    if isinstance(moment, datetime):
        return moment
    return datetime(moment.year, moment.month, moment.day).astimezone() + timedelta(days=1)


def _run(handler: Handler, args: argparse.Namespace) -> int:
    with HistoryStore.open(args.data_dir) as store:
        for notice in store.notices:
            print(f"hearth-cli: {notice}", file=sys.stderr)
        try:
            return handler(store, args)
        except BrokenPipeError:
            # The reader went away (``| head``): stop quietly, as Python's docs recommend.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            return EXIT_OK


def _print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def _when(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _conversation_summary(conversation: Conversation) -> dict[str, Any]:
    return {
        "id": conversation.id,
        "uid": conversation.uid,
        "title": conversation.title,
        "created_at": iso_ms(datetime_to_ms(conversation.created_at)),
        "updated_at": iso_ms(datetime_to_ms(conversation.updated_at)),
        "pinned": conversation.pinned,
        "folder": conversation.folder,
        "model": conversation.model,
        "message_count": conversation.message_count,
        "active_leaf_id": conversation.active_leaf_id,
    }


# ---- Actions


def _list(store: HistoryStore, args: argparse.Namespace) -> int:
    conversations = store.conversations.recent(
        limit=args.limit, folder=args.folder, pinned_only=args.pinned
    )
    if args.json:
        _print_json([_conversation_summary(c) for c in conversations])
        return EXIT_OK
    if not conversations:
        print("No saved conversations.")
        return EXIT_OK
    width = max(len(str(c.id)) for c in conversations)
    for c in conversations:
        pin = "*" if c.pinned else " "
        title = c.title or "(untitled)"
        print(f"{c.id:>{width}} {pin} {_when(c.updated_at)}  {c.message_count:>4} msgs  {title}")
    return EXIT_OK


def _message_entry(message: Message, siblings: SiblingInfo | None) -> dict[str, Any]:
    entry = message_json(message)
    if siblings is not None:
        entry["sibling_index"] = siblings.index
        entry["sibling_count"] = siblings.count
        entry["sibling_ids"] = list(siblings.ids)
    return entry


def _show(store: HistoryStore, args: argparse.Namespace) -> int:
    with store.db.read("read the conversation"):
        conversation = store.conversations.get(args.id)
        path = store.messages.active_path(args.id)
        messages = store.messages.all(args.id) if args.all_branches else path
        siblings = store.messages.sibling_infos(messages)
    if args.json:
        document = conversation_json(conversation, [])
        document["message_count"] = conversation.message_count
        document["messages"] = [_message_entry(m, siblings.get(m.id)) for m in messages]
        document["active_path"] = [m.id for m in path]
        _print_json(document)
        return EXIT_OK
    print(f"Conversation {conversation.id}: {conversation.title or '(untitled)'}")
    facts = [f"created {_when(conversation.created_at)}", f"{conversation.message_count} messages"]
    if conversation.model:
        facts.append(f"model {conversation.model}")
    print(", ".join(facts))
    on_path = {m.id for m in path}
    for message in messages:
        info = siblings.get(message.id)
        header = f"[{message.id}] {ROLE_NAMES[message.role]} · {_when(message.created_at)}"
        if message.parent_id is not None and args.all_branches:
            header += f" · reply to {message.parent_id}"
        if info is not None and info.count > 1:
            header += f" · version {info.index + 1}/{info.count}"
        if message.status != "complete":
            header += f" · {message.status}"
        if args.all_branches and message.id not in on_path:
            header += " · (other branch)"
        print()
        print(header)
        for attachment in message.attachments:
            print(
                f"  attachment: {attachment.filename or attachment.sha256[:12]} ({attachment.mime})"
            )
        print(message.content)
    return EXIT_OK


def _search(store: HistoryStore, args: argparse.Namespace) -> int:
    text = " ".join(args.query)
    if args.conversation is not None:
        store.conversations.get(args.conversation)
    results = store.search(
        text,
        conversation_id=args.conversation,
        since=args.since,
        until=args.until,
        limit=args.limit,
    )
    if args.json:
        _print_json(
            {
                "query": text,
                "titles": [
                    {
                        "conversation_id": hit.conversation_id,
                        "title": hit.plain,
                        "highlighted": hit.highlighted(),
                        "updated_at": iso_ms(datetime_to_ms(hit.updated_at)),
                    }
                    for hit in results.titles
                ],
                "messages": [
                    {
                        "conversation_id": hit.conversation_id,
                        "conversation_title": hit.conversation_title,
                        "message_id": hit.message_id,
                        "role": hit.role,
                        "created_at": iso_ms(datetime_to_ms(hit.created_at)),
                        "snippet": hit.plain,
                        "highlighted": hit.highlighted(),
                        "rank": hit.rank,
                    }
                    for hit in results.messages
                ],
                "newest_only": results.newest_only,
                "by_recency": results.by_recency,
                "ignored_words": list(results.ignored),
            }
        )
        return EXIT_OK
    if not results.titles and not results.messages:
        print("No matches.")
        return EXIT_OK
    for title_hit in results.titles:
        print(f"conversation {title_hit.conversation_id} (title): {title_hit.highlighted()}")
    for hit in results.messages:
        print(
            f"conversation {hit.conversation_id} · message {hit.message_id} · "
            f"{ROLE_NAMES.get(hit.role, hit.role)} · {_when(hit.created_at)} · "
            f"{hit.conversation_title or '(untitled)'}"
        )
        print(f"  {' '.join(hit.highlighted().split())}")
    if results.ignored:
        print(f"(left out very common words: {', '.join(results.ignored)})")
    if results.by_recency:
        print("(very common words only: newest matches first)")
    elif results.newest_only:
        print("(many matches: the newest ones were ranked)")
    return EXIT_OK


def _export(store: HistoryStore, args: argparse.Namespace) -> int:
    if args.all == bool(args.ids):
        print("hearth-cli: give conversation ids or --all (not both)", file=sys.stderr)
        return EXIT_BAD_INPUT
    ids: Sequence[int] | None = None if args.all else args.ids
    fmt: ExportFormat = args.format
    if args.output is not None:
        count = export_to_file(store, ids, fmt, args.output)
        if args.json:
            _print_json({"path": str(args.output), "format": fmt, "conversations": count})
        else:
            print(f"Exported {count} conversation(s) to {args.output}", file=sys.stderr)
        return EXIT_OK
    if fmt == "json":
        write_json(store, ids, sys.stdout.buffer)
    elif fmt == "md":
        sys.stdout.write(markdown(store, ids))
    else:
        sys.stdout.write(html_document(store, ids))
    sys.stdout.flush()
    return EXIT_OK


def _import(store: HistoryStore, args: argparse.Namespace) -> int:
    report = import_file(store, args.file, on_conflict="copy" if args.copy else "skip")
    if args.json:
        _print_json(
            {
                "imported": report.imported,
                "skipped": report.skipped,
                "messages": report.messages,
                "attachments": report.blobs,
            }
        )
        return EXIT_OK
    print(
        f"Imported {len(report.imported)} conversation(s) ({report.messages} messages); "
        f"skipped {len(report.skipped)} already present."
    )
    return EXIT_OK


def _delete(store: HistoryStore, args: argparse.Namespace) -> int:
    targets = [store.conversations.get(conversation_id) for conversation_id in args.ids]
    if not args.yes:
        if not sys.stdin.isatty():
            print("hearth-cli: add --yes to delete without being asked", file=sys.stderr)
            return EXIT_BAD_INPUT
        names = ", ".join(f'{c.id} "{c.title or "(untitled)"}"' for c in targets)
        answer = input(f"Delete {names} for good? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing deleted.")
            return EXIT_OK
    reports = []
    for conversation in targets:
        try:
            reports.append(store.delete_conversation(conversation.id))
        except NotFoundError:
            continue  # deleted meanwhile (or listed twice)
    if args.json:
        _print_json(
            [
                {
                    "id": r.conversation_id,
                    "messages": r.messages,
                    "attachments_removed": r.blobs_removed,
                    "wal_truncated": r.wal_truncated,
                    "backups_purged": r.backups_purged,
                    "backups_not_purged": [str(p) for p in r.backups_not_purged],
                }
                for r in reports
            ]
        )
        return EXIT_OK
    for r in reports:
        print(f"Deleted conversation {r.conversation_id} ({r.messages} messages).")
        for path in r.backups_not_purged:
            print(f"hearth-cli: could not remove it from the backup {path}", file=sys.stderr)
    return EXIT_OK


def _backup(store: HistoryStore, args: argparse.Namespace) -> int:
    info = store.backup(args.path, method=args.method)
    if args.json:
        _print_json({"path": str(info.path), "size": info.size})
    else:
        print(f"Backup written to {info.path} ({info.size / 1024 / 1024:.1f} MB).")
    return EXIT_OK
