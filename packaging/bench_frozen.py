#!/usr/bin/env python3
"""Generation and prefill speed of the frozen build against the development build, one run.

    python3 packaging/bench_frozen.py [--rounds 3] [--dist dist/Hearth] [--dev .venv]
                                      [--package-venv DIR]

Runs ``hearth-cli bench --skip-kv`` (the worker path, same bundled model, same prompt, same
thread count) alternately from the frozen build (``dist/Hearth/hearth-cli``), the development
venv and, if given, the package build venv (the same portable llama.cpp wheel as the frozen
build, not frozen: separates the cost of freezing from the cost of the portable llama.cpp).
Prints every figure, the medians and the ratios against the development build. Only the
standard library is used here.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROUND = re.compile(
    r"raw gen ([\d.]+) tok/s prefill ([\d.]+) tok/s \| hearth gen ([\d.]+) tok/s "
    r"prefill ([\d.]+) tok/s"
)
FIELDS = ("raw_gen", "raw_prefill", "gen", "prefill")


def bench(command: Sequence[str], env: dict[str, str]) -> list[dict[str, float]]:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    rounds = [
        dict(zip(FIELDS, map(float, m.groups()), strict=True))
        for m in ROUND.finditer(result.stdout)
    ]
    if result.returncode != 0 or not rounds:
        raise SystemExit(f"{command[0]} bench failed:\n{result.stdout}{result.stderr}")
    return rounds


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="alternating invocations per build")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist" / "Hearth")
    parser.add_argument("--dev", type=Path, default=ROOT / ".venv")
    parser.add_argument("--package-venv", type=Path, default=None)
    parser.add_argument("--threads", type=int, default=0, help="0: Hearth's default")
    args = parser.parse_args(argv)
    builds = {
        "frozen": [str(args.dist / "hearth-cli")],
        "dev": [str(args.dev / "bin" / "hearth-cli")],
    }
    if args.package_venv is not None:
        builds["package-venv"] = [str(args.package_venv / "bin" / "hearth-cli")]
    options = ["bench", "--skip-kv", "--rounds", "1"]
    if args.threads:
        options += ["--threads", str(args.threads)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["GGML_NO_BACKTRACE"] = "1"
    figures: dict[str, list[dict[str, float]]] = {name: [] for name in builds}
    with tempfile.TemporaryDirectory(prefix="hearth-bench-") as tmp:
        for index in range(args.rounds):
            for name, command in builds.items():
                data = ["--data-dir", f"{tmp}/{name}"]
                figures[name] += bench([*command, *data, *options], env)
                last = figures[name][-1]
                print(
                    f"  round {index + 1} {name:>12}: worker gen {last['gen']:.1f} tok/s, "
                    f"prefill {last['prefill']:.0f} tok/s (raw llama-cpp-python gen "
                    f"{last['raw_gen']:.1f}, prefill {last['raw_prefill']:.0f})",
                    flush=True,
                )
    medians = {
        name: {field: statistics.median(r[field] for r in rounds) for field in FIELDS}
        for name, rounds in figures.items()
    }
    for name, values in medians.items():
        print(
            f"{name:>12}: median worker gen {values['gen']:.1f} tok/s, prefill "
            f"{values['prefill']:.0f} tok/s; raw gen {values['raw_gen']:.1f}, prefill "
            f"{values['raw_prefill']:.0f}"
        )
    dev = medians["dev"]
    for name, values in medians.items():
        if name == "dev":
            continue
        print(
            f"{name} / dev: generation {values['gen'] / dev['gen']:.3f}, prefill "
            f"{values['prefill'] / dev['prefill']:.3f} (raw: generation "
            f"{values['raw_gen'] / dev['raw_gen']:.3f}, prefill "
            f"{values['raw_prefill'] / dev['raw_prefill']:.3f})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
