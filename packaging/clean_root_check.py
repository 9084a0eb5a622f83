#!/usr/bin/env python3
"""Run the built artefact in a clean Debian root that has no Python: the smoke test offscreen,
then again on a real X server (Xvfb) with a screenshot, then the startup probe on Xvfb.

    sudo python3 packaging/clean_root_check.py [--dist dist/Hearth] [--out build/clean-root]

Needs root (debootstrap, chroot, mounts) and the Debian mirror. The root is made once with
``debootstrap --variant=minbase`` plus only the runtime libraries in ``RUNTIME_PACKAGES`` and
cached (``HEARTH_CLEAN_ROOT_CACHE``, default /var/tmp/hearth-clean-root); every check copies it
afresh, copies dist/Hearth into /opt/Hearth, and verifies that the root has no Python at all.
Before running, ``ldd`` lists any library the artefact's executables and Qt's xcb platform
plugin cannot find there. The screenshot lands in ``OUT/window.png``. Only the standard library
is used here.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bootstrap import SMOKE_STDERR_ALLOWED  # noqa: E402
from startup_bench import launch  # noqa: E402

SUITE = "bookworm"
MIRROR = "http://deb.debian.org/debian"
# What the artefact needs at run time on top of a minimal Debian, and nothing else: EGL/GL for
# Qt's widgets, fontconfig and one font family, the xcb platform plugin's libraries, D-Bus
# (linked by QtGui), and Xvfb + xauth for the screenshot (a desktop has its own X server).
RUNTIME_PACKAGES = (
    "libegl1",
    "libgl1",
    "libfontconfig1",
    "fonts-dejavu-core",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-cursor0",
    "libxcb-image0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xinerama0",
    "libxcb-randr0",
    "libxcb-xfixes0",
    "libxcb-sync1",
    "libxcb-shm0",
    "libxcb-xkb1",
    "libx11-xcb1",
    "libdbus-1-3",
    "xvfb",
    "xauth",
)
INSIDE = Path("/opt/Hearth")
INSIDE_DATA = Path("/opt/hearth-check")
SCREEN = "-screen 0 1280x900x24"


def say(message: str) -> None:
    print(f"[clean root] {message}", flush=True)


def run(cmd: Sequence[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    say("$ " + " ".join(str(part) for part in cmd))
    return subprocess.run(cmd, check=True, text=True, **kwargs)  # type: ignore[call-overload,no-any-return]


def chroot() -> str:
    """chroot(8) by its full path: the commands run with the root's own PATH."""
    return shutil.which("chroot") or "/usr/sbin/chroot"


def cache_dir() -> Path:
    return Path(os.environ.get("HEARTH_CLEAN_ROOT_CACHE", "/var/tmp/hearth-clean-root"))


def prepared_root() -> Path:
    """The cached minimal root with the runtime packages (made on first use)."""
    key = hashlib.sha256(f"{SUITE}|{MIRROR}|{' '.join(RUNTIME_PACKAGES)}".encode()).hexdigest()
    target = cache_dir() / f"{SUITE}-{key[:12]}"
    if (target / ".hearth-ready").is_file():
        return target
    if shutil.which("debootstrap") is None:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run(["apt-get", "update", "-qq"], env=env)
        run(["apt-get", "install", "-y", "-qq", "debootstrap"], env=env)
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="making-", dir=target.parent))
    try:
        run(["debootstrap", "--variant=minbase", SUITE, str(scratch), MIRROR])
        install = (
            "export DEBIAN_FRONTEND=noninteractive; apt-get update -qq && "
            "apt-get install -y -qq --no-install-recommends "
            + " ".join(RUNTIME_PACKAGES)
            + " && apt-get clean"
        )
        run(["chroot", str(scratch), "sh", "-c", install])
        (scratch / ".hearth-ready").write_text(" ".join(RUNTIME_PACKAGES) + "\n", "ascii")
        os.replace(scratch, target)
    finally:
        if scratch.exists():
            shutil.rmtree(scratch)
    return target


@contextlib.contextmanager
def fresh_root(prepared: Path, dist: Path) -> Iterator[Path]:
    """A throw-away copy of the prepared root with the artefact and the test files in it,
    /proc and /dev/shm mounted."""
    work = Path(tempfile.mkdtemp(prefix="hearth-clean-root-", dir=cache_dir()))
    root = work / "root"
    mounted: list[Path] = []
    try:
        run(["cp", "-a", str(prepared), str(root)])
        shutil.copytree(dist, root / INSIDE.relative_to("/"), symlinks=True)
        data = root / INSIDE_DATA.relative_to("/")
        data.mkdir(parents=True)
        shutil.copy2(ROOT / "tests/data/f3-discovery-board.jpeg", data / "image.jpeg")
        shutil.copy2(ROOT / "tests/data/documents/sample-3-pages.pdf", data / "document.pdf")
        runtime = root / "run/user/0"
        runtime.mkdir(parents=True, exist_ok=True)
        runtime.chmod(0o700)
        for kind, point in (("proc", root / "proc"), ("tmpfs", root / "dev/shm")):
            run(["mount", "-t", kind, kind, str(point)])
            mounted.append(point)
        yield root
    finally:
        for point in reversed(mounted):
            subprocess.run(["umount", str(point)], check=False)
        if not any(p.is_mount() for p in mounted):
            shutil.rmtree(work, ignore_errors=True)


def inside_env(**extra: str) -> dict[str, str]:
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": "/root",
        "LANG": "C.UTF-8",
        "XDG_RUNTIME_DIR": "/run/user/0",
        "GGML_NO_BACKTRACE": "1",
    }
    env.update(extra)
    return env


def in_root(root: Path, command: Sequence[str], env: dict[str, str], timeout: float = 900):  # type: ignore[no-untyped-def]
    say("(chroot) $ " + " ".join(command))
    return subprocess.run(
        [chroot(), str(root), *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def check_no_python(root: Path) -> None:
    found = in_root(
        root,
        ["sh", "-c", "ls -d /usr/bin/python* /usr/lib/python3* /usr/local/bin/python* 2>/dev/null"],
        inside_env(),
    )
    if found.stdout.strip():
        raise SystemExit(f"the clean root has a Python: {found.stdout.strip()}")
    say("the root has no Python (no /usr/bin/python*, no /usr/lib/python3*)")


def missing_libraries(root: Path) -> list[str]:
    """Libraries ``ldd`` cannot resolve for the executables and the xcb platform plugin."""
    targets = [INSIDE / "Hearth", INSIDE / "hearth-cli"]
    plugins = sorted((root / INSIDE.relative_to("/")).rglob("libqxcb.so"))
    targets += [INSIDE / p.relative_to(root / INSIDE.relative_to("/")) for p in plugins]
    env = inside_env(LD_LIBRARY_PATH=str(INSIDE / "_internal"))
    missing: set[str] = set()
    for target in targets:
        result = in_root(root, ["ldd", str(target)], env)
        missing |= {
            line.split("=>")[0].strip()
            for line in result.stdout.splitlines()
            if "not found" in line
        }
    return sorted(missing)


def smoke_inside(root: Path, *, platform: str, screenshot: Path | None) -> str:
    command = [
        str(INSIDE / "Hearth"),
        "--smoke-test",
        "--image",
        str(INSIDE_DATA / "image.jpeg"),
        "--pdf",
        str(INSIDE_DATA / "document.pdf"),
    ]
    if screenshot is not None:
        command += ["--screenshot", str(screenshot)]
    if platform == "xcb":
        command = ["xvfb-run", "-a", "-s", SCREEN, *command]
    result = in_root(root, command, inside_env(QT_QPA_PLATFORM=platform))
    unexpected = [
        line
        for line in result.stderr.splitlines()
        if line.strip() and not line.startswith(SMOKE_STDERR_ALLOWED)
    ]
    print(result.stdout, end="", flush=True)
    for line in unexpected:
        say(f"unexpected stderr: {line}")
    if result.returncode != 0 or unexpected:
        raise SystemExit(
            f"the smoke test ({platform}) FAILED in the clean root (exit {result.returncode})"
        )
    say(f"smoke test ({platform}) passed in the clean root")
    return result.stdout


def startup_probe_inside(root: Path, runs: int) -> list[float]:
    """Launch to first paint of the window (app.startup_probe) on one Xvfb inside the root,
    ``runs`` times; the first launch also assembles the bundled model into the new data dir."""
    server = subprocess.Popen(
        [chroot(), str(root), "Xvfb", ":7", *SCREEN.split(), "-nolisten", "tcp"],
        env=inside_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not (root / "tmp/.X11-unix/X7").exists():
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("Xvfb did not start in the clean root")
            time.sleep(0.05)
        figures: list[float] = []
        for _ in range(runs):
            env = inside_env(DISPLAY=":7", QT_QPA_PLATFORM="xcb")
            say(f"(chroot) $ {INSIDE / 'Hearth'}  # HEARTH_STARTUP_PROBE")
            figures.append(launch([chroot(), str(root), str(INSIDE / "Hearth")], env))
        return figures
    finally:
        server.terminate()
        server.wait(10)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist" / "Hearth")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "clean-root")
    parser.add_argument("--startup-runs", type=int, default=5)
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        raise SystemExit("The clean-root check needs root (debootstrap, chroot, mount).")
    if not (args.dist / "Hearth").is_file():
        raise SystemExit(f"No artefact at {args.dist}: run bootstrap.py package first.")
    prepared = prepared_root()
    args.out.mkdir(parents=True, exist_ok=True)
    with fresh_root(prepared, args.dist) as root:
        check_no_python(root)
        missing = missing_libraries(root)
        if missing:
            say("libraries missing in the clean root: " + ", ".join(missing))
        else:
            say("ldd: every library of Hearth, hearth-cli and the xcb plugin resolves")
        smoke_inside(root, platform="offscreen", screenshot=None)
        shot = INSIDE_DATA / "window.png"
        smoke_inside(root, platform="xcb", screenshot=shot)
        shutil.copy2(root / shot.relative_to("/"), args.out / "window.png")
        say(f"screenshot: {args.out / 'window.png'}")
        if args.startup_runs > 0:
            figures = startup_probe_inside(root, args.startup_runs)
            say(
                "launch to first window paint on Xvfb in the clean root: "
                + ", ".join(f"{f:.3f}" for f in figures)
                + f" s (the first assembles the bundled model); median of the others "
                f"{statistics.median(figures[1:] or figures):.3f} s"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
