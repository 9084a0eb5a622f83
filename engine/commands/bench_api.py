"""``hearth-cli bench-api``: the local API server against the worker it fronts, in one run.

One worker, one model, measured alternately through both paths (machine noise hits both):

* TTFT and tok/s of a fresh conversation: the worker directly (``EngineClient.chat``, clock
  around the call) vs the API server (plain ``http.client``, streaming;
  clock around the HTTP call). Ratios server / direct.
* Follow-up TTFT: a client resends the growing conversation through the server (the worker
  reuses its cache) vs a fresh prefill of the same conversation (``reuse_cache=False``).
* Idle memory: this process's RSS before the server's modules were imported and after the
  server started and sat idle (the worker is a separate process and is not counted).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import statistics
import sys
import time
from collections.abc import Iterator
from typing import Any

from engine.chat.messages import ChatMessage
from engine.chat.sampling import GREEDY
from engine.commands import common
from engine.worker import protocol as p
from engine.worker.client import EngineClient

_TEXT = (
    "The keeper climbs the tower at dusk, trims the wick, winds the clockwork and writes the "
    "weather in the log: wind, swell, ships seen, the hour the lamp was lit. "
)


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "bench-api", help="measure the local API server against the worker directly"
    )
    common.add_model_options(parser)
    parser.add_argument("--prompt-tokens", type=int, default=1500, help="first turn's size")
    parser.add_argument("--gen-tokens", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    parser.set_defaults(func=run, ctx=4096)


def rss_bytes() -> int:
    """Resident memory of this process now (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def _direct(
    client: EngineClient, messages: list[ChatMessage], gen: int, reuse: bool
) -> dict[str, Any]:
    started = time.perf_counter()
    first = 0.0
    done: p.Done | None = None
    for event in client.chat(messages, GREEDY, max_tokens=gen, reuse_cache=reuse):
        if isinstance(event, p.Token) and not first:
            first = time.perf_counter()
        elif isinstance(event, p.Done):
            done = event
        elif isinstance(event, p.Failed):
            raise RuntimeError(event.message)
    ended = time.perf_counter()
    assert done is not None and done.stats is not None
    n = done.stats.completion_tokens
    return {
        "ttft_s": first - started,
        "tok_s": (n - 1) / (ended - first) if n > 1 else 0.0,
        "worker_ttft_s": done.stats.ttft_s,
        "reevaluated": done.stats.reevaluated_tokens,
        "text": done.text,
    }


def _sse_lines(response: http.client.HTTPResponse) -> Iterator[dict[str, Any]]:
    for raw in response:
        line = raw.decode("utf-8").rstrip("\r\n")
        if line.startswith("data: ") and line != "data: [DONE]":
            yield json.loads(line[6:])


def _served(port: int, token: str, messages: list[ChatMessage], gen: int) -> dict[str, Any]:
    body = {
        "model": "x",
        "messages": [{"role": m.role, "content": m.content} for m in messages],
        "max_tokens": gen,
        "temperature": 0,
        "top_k": 1,
        "top_p": 1.0,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    started = time.perf_counter()
    first = 0.0
    pieces = 0
    parts: list[str] = []
    usage: dict[str, Any] = {}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.request(
        "POST", "/v1/chat/completions", body=json.dumps(body),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    with contextlib.closing(connection):
        response = connection.getresponse()
        if response.status != 200:
            raise RuntimeError(f"the server answered {response.status}: {response.read()!r}")
        for chunk in _sse_lines(response):
            for choice in chunk.get("choices", ()):
                content = choice.get("delta", {}).get("content")
                if content:
                    if not first:
                        first = time.perf_counter()
                    pieces += 1
                    parts.append(content)
            if chunk.get("usage"):
                usage = chunk
    ended = time.perf_counter()
    n = usage["usage"]["completion_tokens"]
    return {
        "ttft_s": first - started,
        "tok_s": (n - 1) / (ended - first) if n > 1 else 0.0,
        "worker_ttft_s": usage["hearth"]["ttft_s"],
        "reevaluated": usage["hearth"]["reevaluated_tokens"],
        "cached": usage["usage"]["prompt_tokens_details"]["cached_tokens"],
        "text": "".join(parts),
    }


def _turn(label: str, round_no: int, words: int) -> list[ChatMessage]:
    return [ChatMessage("user", f"{label} {round_no}. " + _TEXT * words + " Summarise.")]


def _median(rows: list[dict[str, Any]], key: str) -> float:
    return statistics.median(float(row[key]) for row in rows)


def run(args: argparse.Namespace) -> int:
    paths = common.paths_from(args)
    config = common.model_config_from(args, paths)
    words = max(1, args.prompt_tokens // 40)
    with common.start_client(paths) as client:
        client.load(config)
        rss_before = rss_bytes()
        from engine.api_server.routes import ServerConfig
        from engine.api_server.server import start_gate_and_server
        from engine.api_server.token import new_token

        token = new_token()
        gate, server = start_gate_and_server(client, ServerConfig(token=token), port=0)
        server.start()
        time.sleep(1.0)
        rss_idle = rss_bytes()
        direct_fresh: list[dict[str, Any]] = []
        served_fresh: list[dict[str, Any]] = []
        served_follow: list[dict[str, Any]] = []
        fresh_follow: list[dict[str, Any]] = []
        try:
            for round_no in range(args.rounds):
                # A fresh conversation each way, with the same cache policy (reuse on): the
                # prompts differ from their first words, so neither finds the other's tokens.
                direct = _turn("Direct", round_no, words)
                direct_fresh.append(_direct(client, direct, args.gen_tokens, True))
                first_turn = _turn("Served", round_no, words)
                served = _served(server.port, token, first_turn, args.gen_tokens)
                served_fresh.append(served)
                follow = [
                    *first_turn,
                    ChatMessage("assistant", str(served["text"])),
                    ChatMessage("user", "Now say it in one line."),
                ]
                served_follow.append(_served(server.port, token, follow, 16))
                fresh_follow.append(_direct(client, follow, 16, False))
                print(
                    f"round {round_no + 1}/{args.rounds}: ttft direct "
                    f"{direct_fresh[-1]['ttft_s']:.3f} s, server {served['ttft_s']:.3f} s; "
                    f"follow-up server {served_follow[-1]['ttft_s']:.3f} s "
                    f"(read {served_follow[-1]['reevaluated']}), fresh prefill "
                    f"{fresh_follow[-1]['ttft_s']:.3f} s (read {fresh_follow[-1]['reevaluated']})",
                    file=sys.stderr,
                    flush=True,
                )
        finally:
            server.stop()
            gate.close()
    rss_after_stop = rss_bytes()
    result = {
        "rounds": args.rounds,
        "fresh_direct_ttft_s": round(_median(direct_fresh, "ttft_s"), 4),
        "fresh_server_ttft_s": round(_median(served_fresh, "ttft_s"), 4),
        "fresh_ttft_ratio_server_over_direct": round(
            _median(served_fresh, "ttft_s") / _median(direct_fresh, "ttft_s"), 3
        ),
        "direct_tok_s": round(_median(direct_fresh, "tok_s"), 2),
        "server_tok_s": round(_median(served_fresh, "tok_s"), 2),
        "tok_s_ratio_server_over_direct": round(
            _median(served_fresh, "tok_s") / _median(direct_fresh, "tok_s"), 3
        ),
        "follow_up_server_ttft_s": round(_median(served_follow, "ttft_s"), 4),
        "follow_up_server_reevaluated_tokens": _median(served_follow, "reevaluated"),
        "follow_up_server_cached_tokens": _median(served_follow, "cached"),
        "fresh_prefill_same_conversation_ttft_s": round(_median(fresh_follow, "ttft_s"), 4),
        "fresh_prefill_reevaluated_tokens": _median(fresh_follow, "reevaluated"),
        "follow_up_speedup_fresh_over_server": round(
            _median(fresh_follow, "ttft_s") / _median(served_follow, "ttft_s"), 2
        ),
        "rss_before_server_mib": round(rss_before / 2**20, 1),
        "rss_server_idle_mib": round(rss_idle / 2**20, 1),
        "rss_added_by_idle_server_mib": round((rss_idle - rss_before) / 2**20, 1),
        "rss_after_stop_mib": round(rss_after_stop / 2**20, 1),
    }
    common.print_json(result)
    return 0
