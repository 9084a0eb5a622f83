#!/usr/bin/env python3
"""Cold start to a visible window: the packaged build against the source tree, measured the
same way in one run.

    python3 packaging/startup_bench.py [--runs 5] [--dist dist/Hearth] [--python .venv/bin/python]

Each launch gets ``HEARTH_STARTUP_PROBE`` = the time just before the process is started; the app
(``app/startup_probe.py``) prints how long it took until its main window was first painted and
quits. Launches alternate packaged / source so machine noise hits both alike; each side has its
own data directory, prepared by one launch that is not counted (it assembles the bundled model).
Runs on the display given by DISPLAY, else on an Xvfb it starts itself. Prints every figure,
the medians and the ratio packaged / source. Only the standard library is used here.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROBE = "hearth-startup-probe:"


@contextlib.contextmanager
def display() -> Iterator[str]:
    """DISPLAY if there is one, else a private Xvfb for the duration."""
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    number = 90 + os.getpid() % 100
    server = subprocess.Popen(
        ["Xvfb", f":{number}", "-screen", "0", "1280x900x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    socket = Path(f"/tmp/.X11-unix/X{number}")
    deadline = time.monotonic() + 30
    while not socket.exists():
        if server.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("Xvfb did not start")
        time.sleep(0.05)
    try:
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(10)


def launch(command: Sequence[str], env: dict[str, str]) -> float:
    """One launch; the seconds from just before exec to the first paint of the window. The
    app and its worker are killed (process group) as soon as the figure is printed, so a
    launch does not wait for the model load that the window starts."""
    env = dict(env, HEARTH_STARTUP_PROBE=f"{time.time():.6f}")
    process = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    assert process.stdout is not None
    seen: list[str] = []
    try:
        for line in process.stdout:
            seen.append(line)
            if line.startswith(PROBE):
                return float(line.split("painted ")[1].split(" s")[0])
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(30)
    raise SystemExit(f"{command[0]} did not report its window:\n{''.join(seen)}")


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dist", type=Path, default=ROOT / "dist" / "Hearth")
    parser.add_argument("--python", type=Path, default=ROOT / ".venv" / "bin" / "python")
    args = parser.parse_args(argv)
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    with tempfile.TemporaryDirectory(prefix="hearth-startup-") as tmp, display() as screen:
        base.update(DISPLAY=screen, QT_QPA_PLATFORM="xcb", GGML_NO_BACKTRACE="1")
        sides = {
            "packaged": [str(args.dist / "Hearth"), "--data-dir", f"{tmp}/packaged"],
            "source": [str(args.python), "-m", "app", "--data-dir", f"{tmp}/source"],
        }
        env = {name: dict(base, HOME=f"{tmp}/home-{name}") for name in sides}
        first = {name: launch(command, env[name]) for name, command in sides.items()}
        print(
            "first launch (empty data directory, assembles the bundled model): "
            + ", ".join(f"{name} {value:.3f} s" for name, value in first.items()),
            flush=True,
        )
        figures: dict[str, list[float]] = {name: [] for name in sides}
        for index in range(args.runs):
            for name, command in sides.items():
                figures[name].append(launch(command, env[name]))
            print(
                f"  run {index + 1}: "
                + ", ".join(f"{name} {values[-1]:.3f} s" for name, values in figures.items()),
                flush=True,
            )
    medians = {name: statistics.median(values) for name, values in figures.items()}
    for name, value in medians.items():
        print(f"{name:>9}: median {value:.3f} s to the first window paint ({args.runs} runs)")
    print(f"    ratio: packaged / source {medians['packaged'] / medians['source']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
