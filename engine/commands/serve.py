"""``hearth-cli serve``: Hearth's OpenAI-compatible API on 127.0.0.1 (until Ctrl+C).

The server is Hearth's only listening socket and exists only while this command runs. It is
opt-in: the ``api_server_enabled`` setting (off by default; Settings > Local API server, or
``--enable``) must be on. Every request needs the install's bearer token.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import sys
from typing import Any

from engine.chat.session import mmproj_for
from engine.commands import common
from engine.errors import HearthError
from engine.settings import load_settings, save_settings
from engine.worker import protocol as p


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "serve", help="serve the local model over the OpenAI-compatible API on 127.0.0.1"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=None,
        help="the port on 127.0.0.1 (default: the setting, 8642; 0 picks a free one)",
    )
    parser.add_argument("--mmproj", help="the vision projector (default: found beside the model)")
    parser.add_argument("--show-token", action="store_true", help="print the bearer token")
    parser.add_argument(
        "--enable",
        action="store_true",
        help="turn the local API server on in the settings (it is off by default)",
    )
    # Tests only: pair a tiny projector with the text-only bundled 270M model.
    parser.add_argument("--allow-text-only-vision", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--model", help="a Gemma 3 GGUF file (default: the setting or bundled)")
    parser.add_argument("--ctx", type=common.positive_int, default=None, help="context size")
    parser.add_argument("--threads", type=common.positive_int, default=None, help="CPU threads")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: the other commands never load the HTTP stack.
    from engine.api_server.routes import ServerConfig, model_id
    from engine.api_server.server import start_gate_and_server
    from engine.api_server.token import load_or_create_token

    paths = common.paths_from(args)
    loaded = load_settings(paths.settings_path)
    for warning in loaded.warnings:
        print(f"hearth-cli: {warning}", file=sys.stderr)
    settings = loaded.settings
    if not settings.api_server_enabled:
        if not args.enable:
            raise HearthError(
                "The local API server is off. Turn it on in Settings (Local API server), "
                "or run 'hearth-cli serve --enable'."
            )
        settings = dataclasses.replace(settings, api_server_enabled=True)
        if loaded.writable:
            save_settings(paths.settings_path, settings)
    if args.model is None and settings.model_path:
        args.model = settings.model_path
    model = common.model_path_from(args, paths)
    mmproj = mmproj_for(model, args.mmproj or settings.mmproj_path)
    config = p.ModelConfig(
        model_path=str(model),
        n_ctx=args.ctx or settings.context_size,
        n_threads=args.threads or settings.threads,
        kv_type=settings.kv_cache_type,
        swa_full=settings.swa_full,
        checkpoint_budget_mib=settings.checkpoint_budget_mib,
        mmproj_path=mmproj,
        allow_text_only_vision=args.allow_text_only_vision,
    )
    token = load_or_create_token(paths.api_token_path)
    server_config = ServerConfig(
        token=token,
        max_body_bytes=settings.api_server_max_body_mib << 20,
        default_sampling=settings.sampling(),
        pan_scan=settings.pan_and_scan,
    )
    port = settings.api_server_port if args.port is None else args.port
    with common.start_client(paths) as client:
        info = client.load(config)
        gate, server = start_gate_and_server(
            client, server_config, port=port, max_waiting=settings.api_server_queue_limit
        )
        try:
            print(f"Hearth API server: {server.url}  (model: {model_id(info)})", flush=True)
            print(
                f"Bearer token: {token if args.show_token else 'in ' + str(paths.api_token_path)}",
                flush=True,
            )
            print("Only this computer can connect. Press Ctrl+C to stop.", flush=True)
            # uvicorn hands Ctrl+C back once it has stopped.
            with contextlib.suppress(KeyboardInterrupt):
                server.serve_forever()
            print("Hearth API server stopped.", flush=True)
        finally:
            gate.close()
    return 0
