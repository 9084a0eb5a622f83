#!/usr/bin/env python3
"""Set up Hearth in a virtual environment, then run the app or the test suite.

    python3 packaging/bootstrap.py run      # set up, then start Hearth on the bundled model
    python3 packaging/bootstrap.py test     # set up (with dev tools), run every check, then
                                            # build the package and smoke-test it
    python3 packaging/bootstrap.py setup    # only set up
    python3 packaging/bootstrap.py package  # build the self-contained dist/Hearth folder
    python3 packaging/bootstrap.py llama-server  # only build (once) the upstream llama-server

Only the standard library is used here, because this runs before anything is installed.

llama-cpp-python ships only as source. It is compiled once, portable (never ``-march=native``,
never AMX: the native build crashes in the AMX kernel on some CPUs), and the wheel is cached
outside the checkout keyed by version, Python and build flags, so a second setup, a fresh
clone or CI on the same machine reuses it instead of compiling for minutes again.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = Path(os.environ.get("HEARTH_VENV", ROOT / ".venv"))
LLAMA_CPP_VERSION = "0.3.36"
MIN_PYTHON = (3, 11)

# Debian/Ubuntu packages Qt needs on Linux: the xcb platform plugin's libraries, EGL,
# fontconfig, a virtual screen for headless screenshots and CJK fonts.
APT_PACKAGES = (
    "libegl1",
    "libgl1",
    "libfontconfig1",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-cursor0",
    "libxcb-image0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xinerama0",
    "libdbus-1-3",
    "xvfb",
    "xauth",
    "fonts-noto-cjk",
)
# Only for the tests of the desktop integration (appstreamcli validate, desktop-file-validate,
# update-desktop-database, update-mime-database, gio); the tests skip without them.
DEV_APT_PACKAGES = ("appstream", "desktop-file-utils", "shared-mime-info", "libglib2.0-bin")


def say(message: str) -> None:
    print(f"[hearth setup] {message}", flush=True)


def run(cmd: list[str], **kwargs: object) -> None:
    say("$ " + " ".join(str(part) for part in cmd))
    subprocess.run(cmd, check=True, **kwargs)  # type: ignore[call-overload]


def venv_python() -> Path:
    sub = "Scripts/python.exe" if os.name == "nt" else "bin/python"
    return VENV / sub


def cache_root() -> Path:
    override = os.environ.get("HEARTH_WHEEL_CACHE")
    if override:
        return Path(override)
    if sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    elif os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "hearth" / "wheels"


def cpu_flags() -> set[str]:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="ascii", errors="replace")
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def llama_cmake_args() -> str:
    """Portable CPU build flags: AVX2 floor, AVX-512 only where the CPU has it, never AMX."""
    machine = platform.machine().lower()
    if machine not in {"x86_64", "amd64"}:
        return "-DGGML_NATIVE=OFF"
    flags = cpu_flags()
    if flags and "avx2" not in flags:
        raise SystemExit(
            "This CPU has no AVX2; Hearth's llama.cpp build needs at least AVX2 on x86-64."
        )
    avx512 = "ON" if {"avx512f", "avx512bw", "avx512vl"} <= flags else "OFF"
    return " ".join(
        [
            "-DGGML_NATIVE=OFF",
            "-DGGML_AVX=ON",
            "-DGGML_AVX2=ON",
            "-DGGML_FMA=ON",
            "-DGGML_F16C=ON",
            f"-DGGML_AVX512={avx512}",
            "-DGGML_AMX_TILE=OFF",
            "-DGGML_AMX_INT8=OFF",
            "-DGGML_AMX_BF16=OFF",
        ]
    )


def wheel_cache_dir(cmake_args: str) -> Path:
    tag = f"{sys.implementation.cache_tag}-{sysconfig.get_platform()}"
    key = hashlib.sha256(f"{LLAMA_CPP_VERSION}|{tag}|{cmake_args}".encode()).hexdigest()[:16]
    return cache_root() / f"llama_cpp_python-{LLAMA_CPP_VERSION}-{tag}-{key}"


# The shipped build: every x86-64 CPU kernel set as a separately loaded backend
# (libggml-cpu-<variant>.so), the best one for the running CPU picked at start-up. The variant
# libraries are installed next to libllama.so. ggml's list includes an AMX variant
# (sapphirerapids) that cannot be switched off by a flag; the package leaves it out.
PACKAGE_LLAMA_CMAKE_ARGS = " ".join(
    [
        "-DGGML_NATIVE=OFF",
        "-DGGML_BACKEND_DL=ON",
        "-DGGML_CPU_ALL_VARIANTS=ON",
        "-DCMAKE_INSTALL_BINDIR=llama_cpp/lib",
    ]
)


def cached_llama_wheel(python: Path, cmake_args: str | None = None) -> Path:
    if cmake_args is None:
        cmake_args = llama_cmake_args()
    target = wheel_cache_dir(cmake_args)
    wheels = sorted(target.glob("llama_cpp_python-*.whl"))
    if wheels:
        say(f"using the cached llama-cpp-python build {wheels[0]}")
        return wheels[0]
    say(f"compiling llama-cpp-python {LLAMA_CPP_VERSION} once (minutes), flags: {cmake_args}")
    target.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, CMAKE_ARGS=cmake_args, FORCE_CMAKE="1")
    env.setdefault("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 2))
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        out = Path(scratch) / "out"
        run(
            [
                str(python),
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                "--no-cache-dir",
                "-w",
                str(out),
                f"llama-cpp-python=={LLAMA_CPP_VERSION}",
            ],
            env=env,
        )
        built = sorted(out.glob("llama_cpp_python-*.whl"))
        if not built:
            raise SystemExit("llama-cpp-python did not produce a wheel; see the log above.")
        (out / "BUILD_FLAGS.txt").write_text(cmake_args + "\n", encoding="ascii")
        os.replace(out, target)  # atomic: a half-built cache entry never exists
    return sorted(target.glob("llama_cpp_python-*.whl"))[0]


def cached_llama_sdist(python: Path) -> Path | None:
    """The llama-cpp-python source archive (its vendored llama.cpp), kept for the tests that
    check Hearth's architecture table against llama.cpp's source. None if it cannot be had."""
    target = cache_root().parent / "src"
    name = f"llama_cpp_python-{LLAMA_CPP_VERSION}.tar.gz"
    if (target / name).exists():
        return target / name
    target.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [str(python), "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
         "-d", str(target), f"llama-cpp-python=={LLAMA_CPP_VERSION}"],
        check=False,
    )  # fmt: skip
    if result.returncode != 0 or not (target / name).exists():
        say("could not fetch the llama-cpp-python source; the architecture-table check skips")
        return None
    return target / name


# Upstream llama-server, built from the llama.cpp vendored in the pinned llama-cpp-python sdist
# with the same portable flags: the remote-engine integration tests start it on 127.0.0.1.
# Static, no HTTPS, no web UI (nothing is downloaded while building).
LLAMA_SERVER_CMAKE_EXTRA = (
    "-DLLAMA_BUILD_SERVER=ON",
    "-DLLAMA_BUILD_TESTS=OFF",
    "-DLLAMA_BUILD_EXAMPLES=OFF",
    "-DLLAMA_BUILD_UI=OFF",
    "-DLLAMA_USE_PREBUILT_UI=OFF",
    "-DLLAMA_OPENSSL=OFF",
    "-DBUILD_SHARED_LIBS=OFF",
    "-DCMAKE_BUILD_TYPE=Release",
)


def llama_server_cache_dir(cmake_args: str) -> Path:
    tag = sysconfig.get_platform()
    extra = " ".join(LLAMA_SERVER_CMAKE_EXTRA)
    key = hashlib.sha256(f"{LLAMA_CPP_VERSION}|{tag}|{cmake_args}|{extra}".encode()).hexdigest()
    return (
        cache_root().parent / "llama-server" / f"llama-server-{LLAMA_CPP_VERSION}-{tag}-{key[:16]}"
    )


def cached_llama_server(python: Path, cmake_args: str | None = None) -> Path:
    """The llama-server executable, compiled once (minutes) and cached outside the checkout."""
    if cmake_args is None:
        cmake_args = llama_cmake_args()
    target = llama_server_cache_dir(cmake_args)
    binary = target / ("llama-server.exe" if os.name == "nt" else "llama-server")
    if binary.exists():
        say(f"using the cached llama-server build {binary}")
        return binary
    if shutil.which("cmake") is None:
        raise SystemExit("Building llama-server needs cmake; install it (apt-get install cmake).")
    say(f"compiling llama-server from llama-cpp-python {LLAMA_CPP_VERSION} once (minutes)")
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        work = Path(scratch)
        run(
            [
                str(python),
                "-m",
                "pip",
                "download",
                "-q",
                "--no-deps",
                "--no-binary",
                ":all:",
                "-d",
                str(work),
                f"llama-cpp-python=={LLAMA_CPP_VERSION}",
            ]
        )
        sdist = next(work.glob("llama_cpp_python-*.tar.gz"))
        with tarfile.open(sdist) as archive:
            members = [m for m in archive.getmembers() if "/vendor/llama.cpp/" in m.name]
            if hasattr(tarfile, "data_filter"):  # Python >= 3.11.4: refuse odd members
                archive.extractall(work, members=members, filter="data")
            else:
                archive.extractall(work, members=members)
        source = next(work.glob("llama_cpp_python-*/vendor/llama.cpp"))
        build = work / "build"
        jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", str(os.cpu_count() or 2))
        run(
            [
                "cmake",
                "-S",
                str(source),
                "-B",
                str(build),
                *cmake_args.split(),
                *LLAMA_SERVER_CMAKE_EXTRA,
            ]
        )
        run(
            [
                "cmake",
                "--build",
                str(build),
                "--config",
                "Release",
                "--target",
                "llama-server",
                "-j",
                jobs,
            ]
        )
        built = next(build.glob("bin/llama-server*"))
        out = work / "out"
        out.mkdir()
        shutil.copy2(built, out / binary.name)
        seconds = time.monotonic() - started
        (out / "BUILD_FLAGS.txt").write_text(
            f"{cmake_args} {' '.join(LLAMA_SERVER_CMAKE_EXTRA)}\nbuild_seconds={seconds:.0f}\n",
            encoding="ascii",
        )
        os.replace(out, target)  # atomic: a half-built cache entry never exists
    say(f"built llama-server in {seconds:.0f} s")
    return binary


def missing_apt_packages(dev: bool = False) -> list[str]:
    if not sys.platform.startswith("linux") or shutil.which("dpkg-query") is None:
        return []
    missing = []
    for package in APT_PACKAGES + (DEV_APT_PACKAGES if dev else ()):
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", package],
            capture_output=True,
            text=True,
            check=False,
        )
        if "install ok installed" not in result.stdout:
            missing.append(package)
    return missing


def ensure_system_packages(dev: bool = False) -> None:
    missing = missing_apt_packages(dev)
    if not missing:
        return
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("installing system libraries Qt needs: " + " ".join(missing))
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        run(["apt-get", "update", "-qq"], env=env)
        run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env)
    else:
        say(
            "these system packages are missing and Qt may not start without them; install them "
            "with: sudo apt-get install " + " ".join(missing)
        )


def setup(dev: bool) -> Path:
    if sys.version_info < MIN_PYTHON:
        raise SystemExit(f"Hearth needs Python {MIN_PYTHON[0]}.{MIN_PYTHON[1]} or newer.")
    ensure_system_packages(dev)
    python = venv_python()
    if not python.exists():
        run([sys.executable, "-m", "venv", str(VENV)])
    run([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip", "setuptools", "wheel"])
    wheel = cached_llama_wheel(python)
    target = f"{ROOT}[dev]" if dev else str(ROOT)
    run([str(python), "-m", "pip", "install", "-q", str(wheel), "-e", target])
    run([str(python), "-m", "app.translations", "--compile"], cwd=ROOT)
    if dev:
        cached_llama_sdist(python)
        # The remote-engine integration tests start an upstream llama-server.
        cached_llama_server(python)
    return python


PYINSTALLER = "pyinstaller>=6.10,<7"


def package_venv() -> Path:
    """The build venv of the package, cached outside the checkout (so a fresh clone and CI
    reuse it) and keyed by what is installed into it: the project's dependencies, the llama.cpp
    wheel and PyInstaller. ``HEARTH_PACKAGE_VENV`` overrides it."""
    override = os.environ.get("HEARTH_PACKAGE_VENV")
    if override:
        return Path(override)
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wheels = wheel_cache_dir(PACKAGE_LLAMA_CMAKE_ARGS).name
    key_text = "|".join([*project["dependencies"], wheels, PYINSTALLER, sys.version])
    key = hashlib.sha256(key_text.encode()).hexdigest()[:16]
    return cache_root().parent / "package-venvs" / f"{sys.implementation.cache_tag}-{key}"


def build_package() -> Path:
    """Build dist/Hearth (PyInstaller one-folder) from a venv with the portable llama.cpp."""
    ensure_system_packages()
    venv = package_venv()
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    ready = venv / ".hearth-package-ready"
    if ready.is_file():
        say(f"using the cached package build venv {venv}")
        # Only the project itself changes between builds on a cached venv.
        run(
            [str(python), "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(ROOT)]
        )
    else:
        if venv.exists():
            shutil.rmtree(venv)  # a half-made venv from an interrupted build
        run([sys.executable, "-m", "venv", str(venv)])
        run([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip", "setuptools", "wheel"])
        wheel = cached_llama_wheel(python, PACKAGE_LLAMA_CMAKE_ARGS)
        run([str(python), "-m", "pip", "install", "-q", str(wheel), str(ROOT), PYINSTALLER])
        ready.write_text(wheel.name + "\n", encoding="utf-8")
    run([str(python), "-m", "app.translations", "--compile"], cwd=ROOT)
    run(
        [
            str(python),
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--distpath",
            str(ROOT / "dist"),
            "--workpath",
            str(ROOT / "build" / "pyinstaller"),
            str(ROOT / "packaging" / "hearth.spec"),
        ],
        cwd=ROOT,
    )
    return ROOT / "dist" / "Hearth"


# stderr lines the smoke test accepts from the packaged app; anything else fails it.
SMOKE_STDERR_ALLOWED = (
    "This plugin does not support propagateSizeHints()",  # offscreen platform, harmless
    "load_backend: loaded CPU backend from ",  # ggml names the CPU variant it picked
)


def smoke_test(dist: Path) -> int:
    """Start the packaged executable headless with --smoke-test; fail on any unexpected
    stderr line or a non-zero exit."""
    data = ROOT / "tests" / "data"
    command = [
        str(dist / "Hearth"),
        "--smoke-test",
        "--image",
        str(data / "f3-discovery-board.jpeg"),
        "--pdf",
        str(data / "documents" / "sample-3-pages.pdf"),
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(QT_QPA_PLATFORM="offscreen", GGML_NO_BACKTRACE="1")
    say("$ " + " ".join(command))
    with tempfile.TemporaryDirectory(prefix="hearth-smoke-home-") as home:
        env.update(HOME=home, XDG_CACHE_HOME=home + "/cache", XDG_DATA_HOME=home + "/data")
        try:
            result = subprocess.run(
                command, env=env, capture_output=True, text=True, timeout=1800, check=False
            )
        except subprocess.TimeoutExpired as exc:
            for stream in (exc.stdout, exc.stderr):
                text = stream.decode("utf-8", "replace") if isinstance(stream, bytes) else stream
                print(text or "", end="", flush=True)
            say(f"smoke test FAILED: no result after {exc.timeout:.0f} s")
            return 1
    print(result.stdout, end="", flush=True)
    unexpected = [
        line
        for line in result.stderr.splitlines()
        if line.strip() and not line.startswith(SMOKE_STDERR_ALLOWED)
    ]
    for line in unexpected:
        say(f"smoke: unexpected stderr: {line}")
    if result.returncode != 0 or unexpected:
        say(f"smoke test FAILED (exit {result.returncode})")
        return 1
    say("smoke test passed")
    return 0


def run_tests(python: Path, extra: list[str]) -> int:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", GGML_NO_BACKTRACE="1")
    bindir = python.parent
    steps: list[list[str]] = [
        [str(bindir / "ruff"), "check", "app", "engine", "tests", "packaging"],
        [str(bindir / "ruff"), "format", "--check", "app", "engine", "tests", "packaging"],
        [str(bindir / "lint-imports")],
        [str(python), "-m", "mypy"],
        [str(python), "-m", "pytest", *extra],
    ]
    for step in steps:
        say("$ " + " ".join(step))
        started = time.monotonic()
        code = subprocess.run(step, cwd=ROOT, env=env, check=False).returncode
        say(f"({time.monotonic() - started:.0f} s)")
        if code != 0:
            say(f"FAILED: {' '.join(step)} (exit {code})")
            return code
    return 0


def package_and_smoke() -> int:
    """Build dist/Hearth and run its smoke test, saying how long that took."""
    started = time.monotonic()
    dist = build_package()
    built = time.monotonic()
    say(f"built {dist} in {built - started:.0f} s")
    code = smoke_test(dist)
    say(f"package smoke test: {time.monotonic() - built:.0f} s")
    return code


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "setup", "package", "llama-server"}:
        print(__doc__)
        return 2
    command, extra = argv[0], argv[1:]
    if command == "llama-server":
        print(cached_llama_server(Path(sys.executable)))
        return 0
    if command == "package":
        return package_and_smoke()
    python = setup(dev=command != "run")
    if command == "setup":
        return 0
    if command == "test":
        code = run_tests(python, extra)
        if code != 0:
            return code
        if extra:
            say("pytest arguments given: skipping the package build and its smoke test")
            return 0
        return package_and_smoke()
    command = [str(python), "-m", "app", *extra]
    headless = sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    )
    if headless:
        if shutil.which("xvfb-run") is None:
            raise SystemExit("There is no screen (DISPLAY is not set): start Hearth on a desktop.")
        say("no screen here (DISPLAY is not set): starting Hearth on a virtual screen (xvfb-run)")
        command = ["xvfb-run", "-a", "-s", "-screen 0 1280x900x24", *command]
    return subprocess.run(command, cwd=ROOT, check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
