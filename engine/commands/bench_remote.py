"""``hearth-cli bench-remote``: the same answers through the local worker and through real
servers on 127.0.0.1 (llama-cpp-python's server, upstream llama-server), in one run.

Every path gets the same model file, thread count, context, prompt and greedy sampling; each
answer is timed by Hearth's own clock (time to first token, tokens per second after it), and
the ratios against the local worker are printed. The paths take turns (one answer each per
round), so a machine whose load changes during the run weighs on all of them alike, and the
servers run at the worker's CPU priority (nice 10). Servers
run on this machine, so what it shows is the cost of the HTTP/SSE path itself, not of a
network.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

from engine.chat.engine import ChatEngine
from engine.chat.messages import ChatMessage
from engine.chat.sampling import GREEDY
from engine.commands import common
from engine.errors import HearthError
from engine.remote.client import RemoteEngineClient
from engine.remote.endpoint import RemoteEndpoint
from engine.remote.launch import (
    llama_cpp_python_server,
    llama_server_binary,
    upstream_llama_server,
)
from engine.worker import protocol as p
from engine.worker.server import WORKER_NICENESS
from engine.worker.threads import default_thread_count

PROMPT = "Write a detailed story about a lighthouse keeper who finds a message in a bottle."


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "bench-remote", help="time the local worker against real servers on 127.0.0.1"
    )
    parser.add_argument("--runs", type=common.positive_int, default=3)
    parser.add_argument("--max-tokens", type=common.positive_int, default=64)
    parser.add_argument("--ctx", type=common.positive_int, default=2048)
    parser.add_argument("--model", help="a GGUF file (default: the bundled model)")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(func=run)


def _answer(client: ChatEngine, max_tokens: int) -> p.GenerationStats:
    question = (ChatMessage("user", PROMPT),)
    for event in client.chat(question, GREEDY, max_tokens=max_tokens, reuse_cache=False):
        if isinstance(event, p.Done) and event.stats is not None:
            return event.stats
        if isinstance(event, p.Failed):
            raise HearthError(event.message)
    raise HearthError("the answer ended without figures")


def _interleaved(
    clients: dict[str, ChatEngine], runs: int, max_tokens: int
) -> dict[str, dict[str, float]]:
    """One answer per path per round, rounds repeated: a machine whose load changes over the
    run affects every path alike. Round 0 is a warm-up and is not counted."""
    samples: dict[str, list[p.GenerationStats]] = {name: [] for name in clients}
    for round_number in range(runs + 1):
        for name, client in clients.items():
            stats = _answer(client, max_tokens)
            if round_number:
                samples[name].append(stats)
                print(
                    f"round {round_number} {name}: {stats.ttft_s * 1000:.1f} ms to first "
                    f"token, {stats.tokens_per_s:.1f} tokens/s",
                    file=sys.stderr,
                    flush=True,
                )
    return {
        name: {
            "ttft_ms": statistics.median(s.ttft_s for s in runs_) * 1000,
            "tokens_per_s": statistics.median(s.tokens_per_s for s in runs_),
            "completion_tokens": statistics.median(s.completion_tokens for s in runs_),
        }
        for name, runs_ in samples.items()
    }


def run(args: argparse.Namespace) -> int:
    paths = common.paths_from(args)
    model = common.model_path_from(args, paths)
    threads = default_thread_count()
    nice = WORKER_NICENESS  # the servers run at the worker's own (lower) priority
    with contextlib.ExitStack() as stack, tempfile.TemporaryDirectory() as scratch:
        logs = Path(scratch)
        local = stack.enter_context(common.start_client(paths))
        local.load(p.ModelConfig(model_path=str(model), n_ctx=args.ctx, n_threads=threads))
        clients: dict[str, ChatEngine] = {"local worker": local}
        starters: list[tuple[str, Any]] = [
            ("llama-cpp-python server", llama_cpp_python_server(
                model, logs / "py.log", n_ctx=args.ctx, threads=threads, niceness=nice)),
        ]  # fmt: skip
        binary = llama_server_binary()
        if binary is not None:
            starters.append(
                (
                    "llama-server",
                    upstream_llama_server(
                        binary,
                        model,
                        logs / "ls.log",
                        n_ctx=args.ctx,
                        threads=threads,
                        niceness=nice,
                    ),
                )
            )
        for name, starter in starters:
            server = stack.enter_context(starter)
            client = stack.enter_context(
                RemoteEngineClient(RemoteEndpoint(name=name, base_url=server.url))
            )
            client.load()
            clients[name] = client
        results = _interleaved(clients, args.runs, args.max_tokens)
    base = results["local worker"]
    for figures in results.values():
        figures["ttft_vs_local"] = figures["ttft_ms"] / base["ttft_ms"]
        figures["tokens_per_s_vs_local"] = figures["tokens_per_s"] / base["tokens_per_s"]
    if args.json:
        common.print_json({"model": model.name, "threads": threads, "paths": results})
        return 0
    print(f"model {model.name}, {threads} threads, {args.runs} interleaved rounds, greedy, "
          f"{args.max_tokens} tokens, same prompt; medians")  # fmt: skip
    print(f"{'path':<26}{'TTFT ms':>10}{'tok/s':>9}{'TTFT x':>9}{'tok/s x':>9}")
    for name, f in results.items():
        print(
            f"{name:<26}{f['ttft_ms']:>10.1f}{f['tokens_per_s']:>9.1f}"
            f"{f['ttft_vs_local']:>9.2f}{f['tokens_per_s_vs_local']:>9.2f}"
        )
    return 0
