"""``hearth-cli bench``: Hearth's worker path against a bare llama-cpp-python loop.

Both run in one invocation on the same model, threads and prompt token ids, alternating
rounds so that machine noise hits both alike; the figures printed are medians and the ratio
Hearth / raw (goal: >= 0.97). It also reports Hearth's memory estimate against the KV cache and
compute buffer sizes llama.cpp itself reports when it creates the context, at 2K, 8K and 32K
tokens (and for sliding-window models with Hearth's ``swa_full=False`` against the full-size
cache).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from engine.chat import gemma_format
from engine.chat.messages import ChatMessage
from engine.chat.sampling import GREEDY
from engine.chat.template import choose_prompt_format
from engine.commands import common
from engine.model.architectures import architecture
from engine.model.gguf_header import GGUFInfo, read_gguf_header
from engine.model.memory import estimate_memory
from engine.worker import protocol as p
from engine.worker.threads import default_thread_count

_PROMPT_TEXT = (
    "You are reading a long report about lighthouses, tides and the people who keep them. "
    "Summarise what a keeper's day looks like, then continue the story at length. "
)


@dataclass
class Round:
    prefill_tps: float
    gen_tps: float
    gen_tokens: int


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser("bench", help="measure Hearth's worker against raw llama.cpp")
    common.add_model_options(parser)
    parser.add_argument("--prompt-tokens", type=int, default=512, help="approximate prompt size")
    parser.add_argument("--gen-tokens", type=int, default=128, help="tokens to generate")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--skip-kv", action="store_true", help="skip the memory measurement")
    parser.add_argument(
        "--kv-contexts",
        default="2048,8192,32768",
        help="context sizes for the memory measurement (comma-separated)",
    )
    parser.set_defaults(func=run, ctx=4096)


def _messages(prompt_tokens: int) -> list[ChatMessage]:
    words = max(1, prompt_tokens // 38)  # the text is ~38 tokens
    return [ChatMessage("user", " ".join([_PROMPT_TEXT] * words))]


def _raw_round(llm: Any, tokens: list[int], gen_tokens: int) -> Round:
    """The minimal llama-cpp-python loop: generate() over token ids, greedy, no extras."""
    llm.reset()
    started = time.perf_counter()
    first_at = 0.0
    count = 0
    for _token in llm.generate(
        tokens, top_k=1, top_p=1.0, min_p=0.0, temp=0.0, repeat_penalty=1.0, reset=True
    ):
        count += 1
        if count == 1:
            first_at = time.perf_counter()
        if count >= gen_tokens:
            break
    ended = time.perf_counter()
    return Round(len(tokens) / (first_at - started), (count - 1) / (ended - first_at), count)


def _hearth_round(client: Any, messages: list[ChatMessage], gen_tokens: int) -> Round:
    done: p.Done | None = None
    for event in client.chat(messages, GREEDY, max_tokens=gen_tokens, reuse_cache=False):
        if isinstance(event, p.Failed):
            raise RuntimeError(event.message)
        if isinstance(event, p.Done):
            done = event
    assert done is not None and done.stats is not None
    return Round(
        done.stats.prefill_tokens_per_s, done.stats.tokens_per_s, done.stats.completion_tokens
    )


@contextmanager
def _captured_stderr() -> Any:
    """Capture the process's fd 2 (llama.cpp logs there, not to sys.stderr)."""
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile(mode="w+b") as sink:
        os.dup2(sink.fileno(), 2)
        box: dict[str, str] = {}
        try:
            yield box
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            box["text"] = sink.read().decode("utf-8", "replace")


def _measured_mib(model_path: str, n_ctx: int, swa_full: bool) -> tuple[float, float]:
    """(KV cache MiB, compute buffer MiB) as llama.cpp reports them creating the context."""
    import llama_cpp

    from engine.llama_backends import ensure_backends_loaded

    ensure_backends_loaded()

    with _captured_stderr() as log:
        llm = llama_cpp.Llama(
            model_path=model_path, n_ctx=n_ctx, swa_full=swa_full, flash_attn=True, verbose=True
        )
        llm.close()
    text = log["text"]
    kv = re.findall(r"llama_kv_cache(?:_iswa)?: size =\s*([\d.]+) MiB", text)
    recurrent = re.findall(r"llama_memory_recurrent: size =\s*([\d.]+) MiB", text)
    compute = re.findall(r"compute buffer size =\s*([\d.]+) MiB", text)
    kv_mib = sum(float(s) for s in kv) + sum(float(s) for s in recurrent)
    return kv_mib, sum(float(s) for s in compute)


def prompt_token_ids(
    llm: Any, header: GGUFInfo, messages: list[ChatMessage], chosen: str
) -> list[int]:
    """The prompt ids the worker builds for ``messages``, made with the bare llama-cpp-python."""
    import llama_cpp

    arch = architecture(header.architecture)
    fmt = choose_prompt_format(
        header.chat_template, gemma_family=bool(arch and arch.gemma_turns), chosen=chosen
    )
    bos = int(llm.token_bos())
    if fmt.template is None:
        text = gemma_format.render(messages)[len(gemma_format.BOS) :]
        return [bos, *llm.tokenize(text.encode(), add_bos=False, special=True)]

    def token_text(token: int) -> str:
        return (
            llm.detokenize([token], special=True).decode("utf-8", "replace") if token >= 0 else ""
        )

    text = fmt.template.render(
        messages, bos_token=token_text(bos), eos_token=token_text(int(llm.token_eos()))
    )
    ids = list(llm.tokenize(text.encode(), add_bos=False, special=True))
    vocab = llama_cpp.llama_model_get_vocab(llm.model)
    if llama_cpp.llama_vocab_get_add_bos(vocab) and bos >= 0 and (not ids or ids[0] != bos):
        ids.insert(0, bos)
    return ids


def run(args: argparse.Namespace) -> int:
    import llama_cpp

    from engine.llama_backends import ensure_backends_loaded

    ensure_backends_loaded()

    paths = common.paths_from(args)
    config = common.model_config_from(args, paths)
    threads = args.threads or default_thread_count()
    config = p.ModelConfig(
        model_path=config.model_path,
        n_ctx=args.ctx,
        n_threads=threads,
        checkpoint_budget_mib=0,
        prompt_format=config.prompt_format,
    )
    messages = _messages(args.prompt_tokens)
    print(f"model {Path(config.model_path).name}, threads {threads}, ctx {args.ctx}")

    llm = llama_cpp.Llama(
        model_path=config.model_path,
        n_ctx=config.n_ctx,
        n_threads=threads,
        n_threads_batch=threads,
        n_batch=config.n_batch,
        n_ubatch=config.n_ubatch,
        swa_full=config.swa_full,
        flash_attn=config.flash_attn,
        verbose=False,
    )
    header = read_gguf_header(config.model_path)
    tokens = prompt_token_ids(llm, header, messages, config.prompt_format)
    print(
        f"prompt {len(tokens)} tokens, generating {args.gen_tokens} tokens, "
        f"{args.rounds} alternating rounds"
    )

    raw: list[Round] = []
    hearth: list[Round] = []
    with common.start_client(paths) as client:
        client.load(config)
        for index in range(args.rounds):
            raw.append(_raw_round(llm, tokens, args.gen_tokens))
            hearth.append(_hearth_round(client, messages, args.gen_tokens))
            print(
                f"  round {index + 1}: raw gen {raw[-1].gen_tps:.1f} tok/s "
                f"prefill {raw[-1].prefill_tps:.0f} tok/s | hearth gen "
                f"{hearth[-1].gen_tps:.1f} tok/s prefill {hearth[-1].prefill_tps:.0f} tok/s "
                f"({hearth[-1].gen_tokens} tokens)"
            )
    llm.close()

    def med(rounds: list[Round], field: str) -> float:
        return float(statistics.median(getattr(r, field) for r in rounds))

    for label, field in (("generation", "gen_tps"), ("prefill", "prefill_tps")):
        r, h = med(raw, field), med(hearth, field)
        print(f"{label:>10}: raw {r:8.1f} tok/s   hearth {h:8.1f} tok/s   ratio {h / r:.3f}")

    if not args.skip_kv:
        _print_memory(config.model_path, header, args.kv_contexts)
    return 0


def _print_memory(model_path: str, header: GGUFInfo, contexts: str) -> None:
    sliding = bool(header.sliding_window)
    for n_ctx in (int(part) for part in contexts.split(",") if part.strip()):
        for swa_full in (False, True) if sliding else (False,):
            estimate = estimate_memory(header, n_ctx, swa_full=swa_full, flash_attn=True)
            kv, compute = _measured_mib(model_path, n_ctx, swa_full)
            label = f" swa_full={swa_full}" if sliding else ""
            print(
                f"memory at {n_ctx:>6} tokens{label}: KV llama.cpp {kv:8.1f} MiB, estimate "
                f"{estimate.kv_bytes / 2**20:8.1f} MiB; compute llama.cpp {compute:7.1f} MiB, "
                f"estimate {estimate.compute_bytes / 2**20:7.1f} MiB"
            )
