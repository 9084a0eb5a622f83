"""``hearth-cli bench-remote``: the same answers through the local worker and through real
servers on 127.0.0.1 (llama-cpp-python's server, upstream llama-server), in one run.

Every path gets the same model file, thread count, context, prompt and greedy sampling; each
answer is timed by Hearth's own clock (time to first token, tokens per second after it), and
the ratios against the local worker are printed. Servers run on this machine, so what it shows
is the cost of the HTTP/SSE path itself, not of a network.
"""

from __future__ import annotations

import argparse
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


def _measure(client: ChatEngine, runs: int, max_tokens: int) -> dict[str, float]:
    question = (ChatMessage("user", PROMPT),)
    ttft: list[float] = []
    rate: list[float] = []
    tokens: list[int] = []
    for index in range(runs + 1):
        done = None
        for event in client.chat(question, GREEDY, max_tokens=max_tokens, reuse_cache=False):
            if isinstance(event, p.Done):
                done = event
            elif isinstance(event, p.Failed):
                raise HearthError(event.message)
        assert done is not None and done.stats is not None
        if index == 0:
            continue  # warm-up: first allocations, page cache
        ttft.append(done.stats.ttft_s)
        rate.append(done.stats.tokens_per_s)
        tokens.append(done.stats.completion_tokens)
    figures = {
        "ttft_ms": statistics.median(ttft) * 1000,
        "tokens_per_s": statistics.median(rate),
        "completion_tokens": statistics.median(tokens),
    }
    print(
        f"  {figures['ttft_ms']:.1f} ms to first token, {figures['tokens_per_s']:.1f} tokens/s",
        file=sys.stderr,
        flush=True,
    )
    return figures


def run(args: argparse.Namespace) -> int:
    paths = common.paths_from(args)
    model = common.model_path_from(args, paths)
    threads = default_thread_count()
    results: dict[str, dict[str, float]] = {}
    with common.start_client(paths) as local:
        local.load(p.ModelConfig(model_path=str(model), n_ctx=args.ctx, n_threads=threads))
        print("local worker", file=sys.stderr, flush=True)
        results["local worker"] = _measure(local, args.runs, args.max_tokens)
        local.unload()  # the servers get the CPU to themselves
    with tempfile.TemporaryDirectory(prefix="hearth-bench-remote-") as scratch:
        logs = Path(scratch)
        servers: list[tuple[str, Any]] = [
            ("llama-cpp-python server", llama_cpp_python_server(model, logs / "py.log",
                                                                n_ctx=args.ctx, threads=threads)),
        ]  # fmt: skip
        binary = llama_server_binary()
        if binary is not None:
            servers.append(
                (
                    "llama-server",
                    upstream_llama_server(
                        binary, model, logs / "ls.log", n_ctx=args.ctx, threads=threads
                    ),
                )
            )
        for name, starter in servers:
            with starter as server:
                endpoint = RemoteEndpoint(name=name, base_url=server.url)
                with RemoteEngineClient(endpoint) as client:
                    client.load()
                    print(name, file=sys.stderr, flush=True)
                    results[name] = _measure(client, args.runs, args.max_tokens)
    base = results["local worker"]
    for figures in results.values():
        figures["ttft_vs_local"] = figures["ttft_ms"] / base["ttft_ms"]
        figures["tokens_per_s_vs_local"] = figures["tokens_per_s"] / base["tokens_per_s"]
    if args.json:
        common.print_json({"model": model.name, "threads": threads, "paths": results})
        return 0
    print(f"model {model.name}, {threads} threads, {args.runs} runs, greedy, "
          f"{args.max_tokens} tokens, same prompt")  # fmt: skip
    print(f"{'path':<26}{'TTFT ms':>10}{'tok/s':>9}{'TTFT x':>9}{'tok/s x':>9}")
    for name, f in results.items():
        print(
            f"{name:<26}{f['ttft_ms']:>10.1f}{f['tokens_per_s']:>9.1f}"
            f"{f['ttft_vs_local']:>9.2f}{f['tokens_per_s_vs_local']:>9.2f}"
        )
    return 0
