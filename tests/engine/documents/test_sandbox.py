"""The extraction child: same results as in-process, real wall-clock/memory limits, no blocking."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.documents import (
    DocumentError,
    ExtractProgress,
    extract_document,
    extract_unsafe,
    iter_extract_document,
    render_page_image,
)
from engine.documents.sandbox import run_child
from engine.errors import Cancelled

MakePdf = Callable[..., Path]


def _drain_child(request: dict[str, object], **limits: object) -> None:
    generator = run_child(request, name="test.bin", **limits)  # type: ignore[arg-type]
    for _ in generator:
        pass


def test_the_child_returns_what_in_process_extraction_returns(
    make_pdf: MakePdf,
    make_docx: Callable[..., Path],
    pdf_pages: Callable[[int], list[list[str]]],
    tmp_path: Path,
) -> None:
    text = tmp_path / "notes.md"
    text.write_text("# Notes\n\nSome 日本語 text.\n", encoding="utf-8")
    html = tmp_path / "page.html"
    html.write_text("<html><body><main><h1>T</h1><p>para</p></main></body></html>")
    files = [
        make_pdf("report.pdf", pdf_pages(5), image_pages=[]),
        make_docx("doc.docx", [("h1", "Head"), ("p", "Body")]),
        text,
        html,
    ]
    for path in files:
        assert extract_document(path) == extract_unsafe(path)


def test_progress_is_reported_per_page(
    make_pdf: MakePdf, pdf_pages: Callable[[int], list[list[str]]]
) -> None:
    path = make_pdf("report.pdf", pdf_pages(30))
    events: list[ExtractProgress] = []
    generator = iter_extract_document(path)
    while True:
        try:
            events.append(next(generator))
        except StopIteration as stop:
            document = stop.value
            break

    assert document.pages == 30
    assert events, "no progress was reported"
    assert events[-1] == ExtractProgress("pages", 30, 30)
    done = [event.done for event in events if event.stage == "pages"]
    assert done == sorted(done)


def test_a_hanging_reader_is_stopped_at_the_wall_clock_limit() -> None:
    started = time.monotonic()
    with pytest.raises(DocumentError) as caught:
        _drain_child({"op": "test-hang"}, timeout_s=1.5, memory_mb=512)
    elapsed = time.monotonic() - started

    assert str(caught.value) == "Reading test.bin took longer than 1.5 s and was stopped."
    assert 1.4 < elapsed < 6


def test_a_reader_that_eats_memory_is_stopped_by_the_memory_limit() -> None:
    with pytest.raises(DocumentError) as caught:
        _drain_child({"op": "test-allocate"}, timeout_s=30, memory_mb=300)

    assert str(caught.value) == (
        "test.bin needs more than 300 MB of memory to read and was stopped."
    )


def test_a_native_crash_becomes_one_sentence() -> None:
    with pytest.raises(DocumentError) as caught:
        _drain_child({"op": "test-crash"}, timeout_s=30, memory_mb=512)

    assert str(caught.value) == (
        "The reader crashed on test.bin (SIGABRT); the file may be damaged."
    )


def test_cancelling_kills_the_child_promptly() -> None:
    flag = threading.Event()
    threading.Timer(0.5, flag.set).start()
    started = time.monotonic()

    with pytest.raises(Cancelled):
        _drain_child({"op": "test-hang"}, timeout_s=60, memory_mb=512, cancel=flag.is_set)

    assert time.monotonic() - started < 5


def test_path_problems_are_refused_before_a_child_is_started(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    started = time.monotonic()

    with pytest.raises(DocumentError, match=r"^pipe\.pdf is a named pipe"):
        extract_document(fifo)
    for bad, message in (
        (tmp_path, "is a folder"),
        (tmp_path / "missing.pdf", "does not exist"),
    ):
        with pytest.raises(DocumentError, match=message):
            extract_document(bad)

    assert time.monotonic() - started < 1  # no child was spawned for these


def test_hostile_files_come_back_as_one_sentence_each(
    make_docx: Callable[..., Path],
    zip_rewriter: Callable[..., Path],
    make_pdf: MakePdf,
    tmp_path: Path,
) -> None:
    base = make_docx("base.docx", [("p", "x")])
    bomb = zip_rewriter(base, tmp_path / "bomb.docx", add={"word/big.bin": bytes(50 * 2**20)})
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(make_pdf("ok.pdf", [["text"]]).read_bytes()[:50])
    for path, fragment in ((bomb, "ZIP bomb"), (broken, "damaged")):
        with pytest.raises(DocumentError) as caught:
            extract_document(path, timeout_s=30)
        assert fragment in str(caught.value)
        assert "\n" not in str(caught.value)


def test_render_page_image_runs_in_the_child(make_pdf: MakePdf) -> None:
    path = make_pdf("scan.pdf", [["text"], None], image_pages=[2])
    image = render_page_image(path, 2, scale=0.5)
    assert image.mode == "RGB"
    assert image.size == (306, 396)
    with pytest.raises(DocumentError, match="has no page 3"):
        render_page_image(path, 3)


def test_limits_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        _drain_child({"op": "test-hang"}, timeout_s=0, memory_mb=512)


def test_an_unexpected_failure_in_the_child_is_one_sentence() -> None:
    with pytest.raises(DocumentError) as caught:
        _drain_child({"op": "no-such-request"}, timeout_s=30, memory_mb=512)
    assert str(caught.value) == (
        "test.bin could not be read: the reader failed (ValueError: unknown request "
        "'no-such-request')."
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_mutated_files_end_with_a_document_or_one_sentence(
    data: st.DataObject,
    make_pdf: MakePdf,
    make_docx: Callable[..., Path],
    pdf_pages: Callable[[int], list[list[str]]],
    tmp_path: Path,
) -> None:
    kind = data.draw(st.sampled_from(["pdf", "docx"]))
    if kind == "pdf":
        original = make_pdf("seed.pdf", pdf_pages(3)).read_bytes()
    else:
        original = make_docx("seed.docx", [("h1", "T"), ("p", "x")]).read_bytes()
    mutated = bytearray(original)
    for _ in range(data.draw(st.integers(min_value=1, max_value=20))):
        position = data.draw(st.integers(min_value=0, max_value=len(mutated) - 1))
        mutated[position] = data.draw(st.integers(min_value=0, max_value=255))
    cut = data.draw(st.integers(min_value=len(mutated) // 2, max_value=len(mutated)))
    path = tmp_path / f"mutant.{kind}"
    path.write_bytes(bytes(mutated[:cut]))
    try:
        document = extract_document(path, timeout_s=30)
    except DocumentError as exc:
        assert "\n" not in str(exc)
        assert str(exc)
    else:
        assert document.format == kind


FUZZ_FOUND = Path(__file__).resolve().parents[2] / "data" / "fuzz"


@pytest.mark.parametrize(
    "name",
    [
        "pdf-pypdf-reference-loop.pdf",
        "docx-member-offset-before-start.docx",
        "epub-zip-version-6.5.epub",
    ],
)
def test_fuzz_found_files_get_the_clear_error_through_the_sandbox(name: str) -> None:
    """Before the fixes the child reported these as "the reader failed (...)", i.e. our bug."""
    with pytest.raises(DocumentError, match="is damaged") as caught:
        extract_document(FUZZ_FOUND / name)
    assert "the reader failed" not in str(caught.value)
