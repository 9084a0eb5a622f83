"""Reading untrusted documents in a separate process with a wall-clock and a memory limit.

Each call starts a fresh ``spawn`` child (never ``fork``: no inherited threads, locks or model
memory), which lowers its own address-space limit (``RLIMIT_AS``), CPU-time limit and core-dump
size before importing any parser, then runs :func:`engine.documents.extract.iter_extract_unsafe`.
The parent checks the path with ``lstat`` first (so a FIFO, a directory or a device is refused
without being opened and without a child), then waits on a pipe with a deadline and a cancel flag.

Messages from the child are JSON, read with ``recv_bytes`` — never unpickled — so even a child
compromised by a malicious file cannot run code in the parent through the pipe. A hang, a crash
(segfault, abort), running out of memory or overrunning the deadline all end as one
:class:`DocumentError` sentence, and the child is killed.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import multiprocessing
import os
import signal
import time
import traceback
from collections.abc import Callable, Generator
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any

from engine.documents.document import ExtractedDocument, ExtractProgress
from engine.documents.errors import DocumentError
from engine.documents.inputs import DEFAULT_MAX_BYTES, check_path, display_name
from engine.errors import Cancelled

if TYPE_CHECKING:
    from PIL import Image

DEFAULT_TIMEOUT_S = 60.0
DEFAULT_MEMORY_MB = 1024
MAX_MESSAGE_BYTES = 512 * 1024 * 1024
_POLL_S = 0.05
_PROGRESS_EVERY_S = 0.1

_CONTEXT = multiprocessing.get_context("spawn")


# --------------------------------------------------------------------------------------------
# Parent side


def iter_extract_document(
    path: str | os.PathLike[str],
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    memory_mb: int = DEFAULT_MEMORY_MB,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allowed_root: str | os.PathLike[str] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> Generator[ExtractProgress, None, ExtractedDocument]:
    """Extract ``path`` in a child process, yielding progress; the return value is the document.

    Raises :class:`DocumentError` (one sentence) for every problem with the file or the limits,
    and :class:`engine.errors.Cancelled` when ``cancel()`` becomes true (the child is killed).
    """
    check_path(path, max_bytes=max_bytes, allowed_root=allowed_root)
    request = {
        "op": "extract",
        "path": os.path.abspath(path),
        "display": str(path),
        "max_bytes": max_bytes,
        "allowed_root": None if allowed_root is None else os.path.abspath(allowed_root),
    }
    final = yield from run_child(
        request,
        name=display_name(path),
        timeout_s=timeout_s,
        memory_mb=memory_mb,
        cancel=cancel,
    )
    return ExtractedDocument.from_dict(final.message["document"])


def extract_document(
    path: str | os.PathLike[str],
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    memory_mb: int = DEFAULT_MEMORY_MB,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allowed_root: str | os.PathLike[str] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> ExtractedDocument:
    """:func:`iter_extract_document` without the progress."""
    generator = iter_extract_document(
        path,
        timeout_s=timeout_s,
        memory_mb=memory_mb,
        max_bytes=max_bytes,
        allowed_root=allowed_root,
        cancel=cancel,
    )
    while True:
        try:
            next(generator)
        except StopIteration as stop:
            document: ExtractedDocument = stop.value
            return document


def render_page_image(
    path: str | os.PathLike[str],
    page: int,
    *,
    scale: float = 2.0,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    memory_mb: int = DEFAULT_MEMORY_MB,
    max_bytes: int = DEFAULT_MAX_BYTES,
    allowed_root: str | os.PathLike[str] | None = None,
) -> Image.Image:
    """Render 1-based ``page`` of a PDF to an RGB ``PIL.Image.Image`` in a child process (for
    scanned pages and the vision model). The longest side is at most
    :data:`engine.documents.pdf.MAX_RENDER_SIDE` pixels."""
    from PIL import Image as PILImage

    check_path(path, max_bytes=max_bytes, allowed_root=allowed_root)
    request = {
        "op": "render",
        "path": os.path.abspath(path),
        "max_bytes": max_bytes,
        "allowed_root": None if allowed_root is None else os.path.abspath(allowed_root),
        "page": int(page),
        "scale": float(scale),
    }
    generator = run_child(
        request, name=display_name(path), timeout_s=timeout_s, memory_mb=memory_mb
    )
    while True:
        try:
            next(generator)
        except StopIteration as stop:
            final: ChildResult = stop.value
            break
    if final.blob is None:
        raise DocumentError(f"Rendering a page of {display_name(path)} produced no image.")
    image = PILImage.open(io.BytesIO(final.blob), formats=("PNG",))
    image.load()
    return image


class ChildResult:
    """The last message of a child, plus the binary payload that followed it (if any)."""

    __slots__ = ("blob", "message")

    def __init__(self, message: dict[str, Any], blob: bytes | None) -> None:
        self.message = message
        self.blob = blob


def run_child(
    request: dict[str, Any],
    *,
    name: str,
    timeout_s: float,
    memory_mb: int,
    cancel: Callable[[], bool] | None = None,
) -> Generator[ExtractProgress, None, ChildResult]:
    """Run one request in a fresh child with the limits; yield its progress, return its result."""
    if timeout_s <= 0 or memory_mb <= 0:
        raise ValueError("timeout_s and memory_mb must be positive")
    limits = {"memory_mb": int(memory_mb), "cpu_s": math.ceil(timeout_s) + 5}
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    process = _CONTEXT.Process(
        target=child_main,
        args=(sender, request, limits),
        name="hearth-document-reader",
        daemon=True,
    )
    started = time.monotonic()
    process.start()
    sender.close()
    deadline = started + timeout_s
    try:
        while True:
            if cancel is not None and cancel():
                raise Cancelled()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DocumentError(
                    f"Reading {name} took longer than {_seconds(timeout_s)} and was stopped."
                )
            if not receiver.poll(min(_POLL_S, remaining)):
                continue
            try:
                payload = receiver.recv_bytes(MAX_MESSAGE_BYTES)
            except EOFError:
                process.join(1.0)
                raise _death_error(name, process.exitcode, memory_mb) from None
            except OSError as exc:
                raise DocumentError(
                    f"{name} produced more text than Hearth can handle in one document."
                ) from exc
            message = _decode(payload, name)
            kind = message.get("type")
            if kind == "progress":
                yield ExtractProgress(
                    stage=str(message.get("stage", "")),
                    done=int(message.get("done", 0)),
                    total=None if message.get("total") is None else int(message["total"]),
                )
            elif kind == "result":
                blob = None
                if message.get("blob"):
                    if not receiver.poll(max(0.0, deadline - time.monotonic())):
                        raise DocumentError(
                            f"Reading {name} took longer than {_seconds(timeout_s)} "
                            "and was stopped."
                        )
                    try:
                        blob = receiver.recv_bytes(MAX_MESSAGE_BYTES)
                    except (EOFError, OSError):
                        process.join(1.0)
                        raise _death_error(name, process.exitcode, memory_mb) from None
                return ChildResult(message, blob)
            elif kind == "error":
                raise DocumentError(_one_line(message.get("message")) or f"{name} is unreadable.")
            elif kind == "memory":
                raise _memory_error(name, memory_mb)
            elif kind == "unexpected":
                detail = _one_line(message.get("error")) or "?"
                raise DocumentError(f"{name} could not be read: the reader failed ({detail}).")
            else:
                raise DocumentError(f"{name} could not be read (the reader misbehaved).")
    finally:
        receiver.close()
        _stop(process)


def _one_line(value: object) -> str:
    """Child messages are shown as one sentence: whitespace collapsed, length capped."""
    return " ".join(str(value or "").split())[:400]


def _seconds(value: float) -> str:
    return f"{value:g} s"


def _memory_error(name: str, memory_mb: int) -> DocumentError:
    return DocumentError(
        f"{name} needs more than {memory_mb} MB of memory to read and was stopped."
    )


def _death_error(name: str, exitcode: int | None, memory_mb: int) -> DocumentError:
    if exitcode is not None and exitcode < 0:
        try:
            signame = signal.Signals(-exitcode).name
        except ValueError:
            signame = f"signal {-exitcode}"
        if -exitcode == signal.SIGKILL:
            # The kernel's OOM killer, or a limit enforced from outside.
            return _memory_error(name, memory_mb)
        if -exitcode == getattr(signal, "SIGXCPU", -1):
            return DocumentError(f"Reading {name} used too much processor time and was stopped.")
        return DocumentError(f"The reader crashed on {name} ({signame}); the file may be damaged.")
    return DocumentError(f"The reader stopped without an answer on {name} (exit code {exitcode}).")


def _decode(payload: bytes, name: str) -> dict[str, Any]:
    try:
        message = json.loads(payload)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DocumentError(f"{name} could not be read (the reader misbehaved).") from exc
    if not isinstance(message, dict):
        raise DocumentError(f"{name} could not be read (the reader misbehaved).")
    return message


def _stop(process: Any) -> None:
    if process.is_alive():
        process.terminate()
        process.join(1.0)
    if process.is_alive():
        process.kill()
        process.join(5.0)
    else:
        process.join(0)
    process.close()


# --------------------------------------------------------------------------------------------
# Child side


def _apply_limits(memory_mb: int, cpu_s: int) -> None:
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX; the wall clock still applies
        return
    limit = memory_mb * 1024 * 1024
    for which, wanted in (
        (resource.RLIMIT_AS, limit),
        (resource.RLIMIT_CPU, cpu_s),
        (resource.RLIMIT_CORE, 0),
    ):
        _soft, hard = resource.getrlimit(which)
        value = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        with contextlib.suppress(ValueError, OSError):  # a stricter outside limit applies
            resource.setrlimit(which, (value, hard))


def _send(connection: Connection, message: dict[str, Any]) -> None:
    connection.send_bytes(json.dumps(message, ensure_ascii=False).encode("utf-8"))


def child_main(connection: Connection, request: dict[str, Any], limits: dict[str, int]) -> None:
    """Entry point of the child process (module-level so ``spawn`` can import it)."""
    from engine.netguard import apply_env_fence

    apply_env_fence()
    _apply_limits(limits["memory_mb"], limits["cpu_s"])
    try:
        _serve(connection, request)
    except DocumentError as exc:
        _send(connection, {"type": "error", "message": str(exc)})
    except MemoryError:
        _send(connection, {"type": "memory"})
    except (ImportError, OSError) as exc:
        if _out_of_address_space(exc):  # a library could not even be mapped under the limit
            _send(connection, {"type": "memory"})
        else:
            _send_unexpected(connection, exc)
    except RecursionError:
        _send(connection, {"type": "error", "message": "The file is nested too deeply to read."})
    except Exception as exc:  # reported to the parent as a typed failure
        _send_unexpected(connection, exc)
    finally:
        connection.close()


def _out_of_address_space(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "failed to map segment" in text or "cannot allocate memory" in text


def _send_unexpected(connection: Connection, exc: BaseException) -> None:
    detail = f"{type(exc).__name__}: {exc}"[:300]
    _send(
        connection,
        {"type": "unexpected", "error": detail, "traceback": traceback.format_exc()[-4000:]},
    )


def _serve(connection: Connection, request: dict[str, Any]) -> None:
    op = request.get("op")
    if op == "extract":
        from engine.documents.extract import iter_extract_unsafe

        generator = iter_extract_unsafe(
            request["path"],
            max_bytes=int(request["max_bytes"]),
            allowed_root=request.get("allowed_root"),
        )
        last = 0.0
        while True:
            try:
                progress = next(generator)
            except StopIteration as stop:
                document: ExtractedDocument = stop.value
                break
            now = time.monotonic()
            if now - last >= _PROGRESS_EVERY_S or progress.done == progress.total:
                last = now
                _send(
                    connection,
                    {
                        "type": "progress",
                        "stage": progress.stage,
                        "done": progress.done,
                        "total": progress.total,
                    },
                )
        data = document.to_dict()
        data["path"] = request.get("display", data["path"])
        _send(connection, {"type": "result", "document": data})
    elif op == "render":
        from engine.documents.inputs import open_untrusted
        from engine.documents.pdf import render_pdf_page

        checked, handle = open_untrusted(
            request["path"],
            max_bytes=int(request["max_bytes"]),
            allowed_root=request.get("allowed_root"),
        )
        with handle:
            image = render_pdf_page(
                handle, checked.name, int(request["page"]), scale=float(request["scale"])
            )
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
        _send(connection, {"type": "result", "blob": True, "size": list(image.size)})
        connection.send_bytes(buffer.getvalue())
    elif op == "test-hang":  # test hook: the wall-clock limit must stop this
        time.sleep(3600)
    elif op == "test-allocate":  # test hook: the memory limit must stop this
        hoard = []
        while True:
            hoard.append(bytearray(64 * 1024 * 1024))
    elif op == "test-crash":  # test hook: a native crash must become an error
        os.abort()
    else:
        raise ValueError(f"unknown request {op!r}")
