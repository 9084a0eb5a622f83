"""``hearth-cli``: the headless front door to the engine.

Each sub-command lives in its own module that exposes ``add_parser(subparsers)``; the parser
it adds sets ``func`` to a callable taking the parsed namespace and returning an exit code.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from engine import __version__
from engine.errors import HearthError

# Modules that contribute sub-commands, in the order they appear in --help.
COMMAND_MODULES: tuple[str, ...] = (
    "engine.commands.ask",
    "engine.commands.inspect",
    "engine.commands.bench",
    "engine.commands.bench_branches",
    "engine.commands.history",
    "engine.commands.batch",
    "engine.commands.tiles",
    "engine.commands.extract",
    "engine.commands.summarize",
    "engine.commands.serve",
    "engine.commands.bench_api",
    "engine.commands.desktop",
    "engine.commands.licenses",
    "engine.commands.engines",
    "engine.commands.bench_remote",
)

EXIT_OK = 0
EXIT_BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hearth-cli", description="Hearth, the offline assistant, without its window."
    )
    parser.add_argument("--version", action="store_true", help="print Hearth's version and exit")
    parser.add_argument(
        "--verbose",
        action="store_true",
        help="with --version: also llama.cpp, the CPU backend it loaded, Python and Qt",
    )
    parser.add_argument(
        "--data-dir",
        default=None,
        help="where Hearth keeps models, chats and settings (default: the user data dir, "
        "or $HEARTH_DATA_DIR)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                continue  # a command not built yet
            raise
        module.add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        if args.verbose:
            from engine.version_report import build_report, format_report

            print(format_report(build_report()))
        else:
            print(f"hearth {__version__}")
        return EXIT_OK
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        code: int = args.func(args)
    except HearthError as exc:
        print(f"hearth-cli: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("hearth-cli: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. `hearth-cli history list | head`
        sys.stderr.close()
        return 0
    return code
