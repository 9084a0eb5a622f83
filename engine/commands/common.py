"""Pieces the sub-commands share: model selection, the worker client, JSON output."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from engine.chat.sampling import SAMPLING_PRESETS, SamplingParams
from engine.chat.template import AUTO, KNOWN_FORMATS
from engine.errors import HearthError
from engine.model.bundled import bundled_model_path
from engine.paths import AppPaths, resolve_paths
from engine.remote.client import RemoteEngineClient
from engine.worker.client import EngineClient
from engine.worker.protocol import ModelConfig

N = TypeVar("N", int, float)
ChatEngineClient = EngineClient | RemoteEngineClient


def _positive(text: str, convert: Callable[[str], N], noun: str) -> N:
    try:
        value = convert(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not {noun}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def positive_int(text: str) -> int:
    """An argparse type: a whole number above zero."""
    return _positive(text, int, "a whole number")


def positive_float(text: str) -> float:
    """An argparse type: a number above zero."""
    return _positive(text, float, "a number")


def paths_from(args: argparse.Namespace) -> AppPaths:
    return resolve_paths(getattr(args, "data_dir", None)).ensure()


def add_model_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--model", help="a GGUF model file (default: the bundled Gemma 3 270M model)"
    )
    parser.add_argument("--ctx", type=positive_int, default=8192, help="context size in tokens")
    parser.add_argument(
        "--threads", type=positive_int, default=None, help="CPU threads (default: cores)"
    )
    parser.add_argument(
        "--prompt-format",
        choices=[AUTO, *KNOWN_FORMATS],
        default=AUTO,
        help="prompt format for a model without a usable chat template "
        "(default: the model's own template)",
    )
    parser.add_argument(
        "--engine",
        default=None,
        metavar="NAME",
        help="answer with a remote engine (see 'hearth-cli engines list') instead of the "
        "local model",
    )


def add_sampling_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--preset", choices=sorted(SAMPLING_PRESETS), default="gemma")
    parser.add_argument("--temperature", type=float, default=None, help="0 = greedy")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--max-tokens", type=positive_int, default=512)


def sampling_from(args: argparse.Namespace) -> SamplingParams:
    return preset_sampling(args.preset, args.temperature, args.seed)


def preset_sampling(
    preset: str, temperature: float | None = None, seed: int | None = None
) -> SamplingParams:
    """A named preset, with the temperature (0 = greedy) and seed the user gave, if any."""
    base = SAMPLING_PRESETS[preset]
    return SamplingParams(
        temperature=base.temperature if temperature is None else float(temperature),
        top_k=base.top_k,
        top_p=base.top_p,
        min_p=base.min_p,
        repeat_penalty=base.repeat_penalty,
        seed=seed,
    )


def model_path_from(args: argparse.Namespace, paths: AppPaths) -> Path:
    if getattr(args, "model", None):
        path = Path(args.model).expanduser()
        if not path.is_file():
            raise HearthError(f"There is no model file at {path}.")
        return path
    return bundled_model_path(paths.models_dir)


def model_config_from(args: argparse.Namespace, paths: AppPaths) -> ModelConfig:
    return ModelConfig(
        model_path=str(model_path_from(args, paths)),
        n_ctx=args.ctx,
        n_threads=args.threads,
        mmproj_path=getattr(args, "mmproj", None),
        prompt_format=prompt_format_from(args),
    )


def prompt_format_from(args: argparse.Namespace) -> str:
    value = getattr(args, "prompt_format", AUTO)
    return value if isinstance(value, str) else AUTO


def start_client(paths: AppPaths) -> EngineClient:
    return EngineClient(log_path=paths.cache_dir / "worker.log")


def start_engine(paths: AppPaths, engine: str | None) -> ChatEngineClient:
    """The local worker, or the remote engine called ``engine`` (``--engine``)."""
    if engine:
        from engine.remote.factory import open_remote_engine

        return open_remote_engine(paths, engine)
    return start_client(paths)


def print_json(payload: object) -> None:
    json.dump(payload, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    sys.stdout.flush()
