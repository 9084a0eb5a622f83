"""``hearth-cli engines``: the remote engines (OpenAI-compatible servers) Hearth may use.

    hearth-cli engines list
    hearth-cli engines add NAME URL [--model ID] [--api-key-stdin] [--ca-file PEM] ...
    hearth-cli engines remove NAME
    hearth-cli engines models NAME      # contacts that server: GET /v1/models

Only ``models`` (and ``ask --engine``) contact a server, and only the one named.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import Any

from engine.commands import common
from engine.errors import HearthError
from engine.remote.config import find_endpoint, load_endpoints, save_endpoints
from engine.remote.endpoint import RemoteEndpoint
from engine.remote.factory import key_store, remote_client


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("engines", help="remote engines (OpenAI-compatible servers)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="the configured engines")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=run_list)

    add = actions.add_parser("add", help="add or replace an engine")
    add.add_argument("name")
    add.add_argument("url", help="the server's address, e.g. http://192.168.1.20:8080")
    add.add_argument("--model", default="", help="the model id (default: the first listed)")
    add.add_argument("--api-key-stdin", action="store_true", help="read the API key from stdin")
    add.add_argument("--connect-timeout", type=common.positive_float, default=10.0)
    add.add_argument("--read-timeout", type=common.positive_float, default=300.0)
    add.add_argument("--ca-file", default="", help="a PEM file of CAs to trust for https")
    add.add_argument(
        "--insecure", action="store_true", help="do not verify the TLS certificate (not advised)"
    )
    add.add_argument("--family", choices=("auto", "gemma3", "other"), default="auto")
    add.add_argument("--context", type=int, default=0, help="context size (0: ask the server)")
    add.set_defaults(func=run_add)

    remove = actions.add_parser("remove", help="forget an engine and its key")
    remove.add_argument("name")
    remove.set_defaults(func=run_remove)

    models = actions.add_parser("models", help="ask an engine which models it serves")
    models.add_argument("name")
    models.add_argument("--json", action="store_true")
    models.set_defaults(func=run_models)


def run_list(args: argparse.Namespace) -> int:
    paths = common.paths_from(args)
    loaded = load_endpoints(paths.remote_engines_path)
    for warning in loaded.warnings:
        print(f"hearth-cli: {warning}", file=sys.stderr)
    keys = key_store(paths)
    rows = [
        {**dataclasses.asdict(e), "api_key": bool(keys.get(e.name)), "keys_in": keys.where}
        for e in loaded.endpoints
    ]
    if args.json:
        common.print_json(rows)
    elif not rows:
        print("No remote engines. Add one with: hearth-cli engines add NAME URL")
    else:
        for row in rows:
            key = "key set" if row["api_key"] else "no key"
            print(f"{row['name']}\t{row['base_url']}\t{row['model'] or '(first listed)'}\t{key}")
    return 0


def run_add(args: argparse.Namespace) -> int:
    paths = common.paths_from(args)
    loaded = load_endpoints(paths.remote_engines_path)
    if not loaded.writable:
        raise HearthError("The remote engines file cannot be changed: " + " ".join(loaded.warnings))
    endpoint = RemoteEndpoint(
        name=args.name,
        base_url=args.url,
        model=args.model,
        connect_timeout_s=args.connect_timeout,
        read_timeout_s=args.read_timeout,
        verify_tls=not args.insecure,
        ca_file=args.ca_file,
        family=args.family,
        context_size=args.context,
    )
    kept = [e for e in loaded.endpoints if e.name.casefold() != endpoint.name.casefold()]
    save_endpoints(paths.remote_engines_path, [*kept, endpoint])
    keys = key_store(paths)
    if args.api_key_stdin:
        keys.set(endpoint.name, sys.stdin.readline().strip())
    where = "the system keyring" if keys.where == "keyring" else str(keys.fallback_path)
    print(f"Saved {endpoint.name} ({endpoint.base_url}); API keys are kept in {where}.")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    paths = common.paths_from(args)
    loaded = load_endpoints(paths.remote_engines_path)
    gone = find_endpoint(loaded.endpoints, args.name)
    save_endpoints(paths.remote_engines_path, [e for e in loaded.endpoints if e is not gone])
    key_store(paths).delete(gone.name)
    print(f"Removed {gone.name}.")
    return 0


def run_models(args: argparse.Namespace) -> int:
    paths = common.paths_from(args)
    endpoint = find_endpoint(load_endpoints(paths.remote_engines_path).endpoints, args.name)
    with remote_client(paths, endpoint) as client:
        models = client.list_models()
    if args.json:
        common.print_json([dataclasses.asdict(m) for m in models])
    else:
        for model in models:
            context = f"\t{model.context} tokens" if model.context else ""
            print(f"{endpoint.label(model.id)}{context}")
    return 0
