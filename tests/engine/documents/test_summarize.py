"""Whole-document summaries with the real model: citations, resume after a kill, cancel."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from engine.documents.sandbox import extract_document
from engine.documents.summarize import DocumentJob, JobProgress, JobResult
from engine.errors import Cancelled
from engine.model.identity import model_identity
from engine.paths import resolve_paths
from engine.store import HistoryStore
from engine.tokenizer import load_token_counter
from engine.worker import protocol as p
from engine.worker.client import EngineClient

pytestmark = pytest.mark.model

PAGES = 12


@pytest.fixture(scope="module")
def client(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineClient]:
    with EngineClient(log_path=tmp_path_factory.mktemp("s") / "worker.log") as engine:
        engine.load(p.ModelConfig(model_path=str(model_path), n_ctx=2048))
        yield engine


def make_job(
    pdf: Path, client: EngineClient, store: HistoryStore, model_path: Path, **kw: object
) -> DocumentJob:
    counter = load_token_counter(model_path)
    return DocumentJob(
        document=extract_document(pdf),
        client=client,
        store=store,
        model_sha256=model_identity(model_path),
        count_tokens=counter.count,
        n_ctx=2048,
        chunk_target=220,
        map_tokens=12,
        reduce_tokens=12,
        final_tokens=16,
        **kw,  # type: ignore[arg-type]
    )


def run(job: DocumentJob) -> tuple[list[JobProgress], JobResult]:
    progress = []
    result = None
    for event in job.run():
        if isinstance(event, JobProgress):
            progress.append(event)
        elif isinstance(event, JobResult):
            result = event
    assert result is not None
    return progress, result


def test_a_long_pdf_is_summarised_chunk_by_chunk_with_page_citations(
    tmp_path: Path,
    make_pdf: Callable[..., Path],
    pdf_pages: Callable[[int], list[list[str]]],
    client: EngineClient,
    model_path: Path,
) -> None:
    pdf = make_pdf("report.pdf", pdf_pages(PAGES))
    with HistoryStore.open(resolve_paths(tmp_path / "data")) as store:
        progress, result = run(make_job(pdf, client, store, model_path))
        assert result.strategy == "map_reduce"
        assert result.chunks >= 4
        assert len(result.citations) == result.chunks  # every chunk contributed
        cited_pages = " ".join(result.citations)
        assert "p. 1" in result.citations[0] or "pp. 1" in result.citations[0]
        assert str(PAGES) in result.citations[-1]
        assert any(str(PAGES // 2) in c for c in result.citations[1:-1]), result.citations
        for citation in result.citations:
            assert f"[{citation}]" in result.summary
        assert [e.done for e in progress if e.phase == "map"] == list(range(1, result.chunks + 1))
        assert result.prefilled_tokens >= result.document_tokens
        assert result.resumed_chunks == 0
        assert cited_pages

        # The same document again with another instruction: the map step is all resumed.
        _, again = run(make_job(pdf, client, store, model_path, instruction="Three bullets."))
        assert again.resumed_chunks == again.chunks
        assert again.prefilled_tokens < result.prefilled_tokens / 2


def test_cancel_stops_the_job_between_model_calls(
    tmp_path: Path,
    make_pdf: Callable[..., Path],
    pdf_pages: Callable[[int], list[list[str]]],
    client: EngineClient,
    model_path: Path,
) -> None:
    pdf = make_pdf("report.pdf", pdf_pages(PAGES))
    calls = {"n": 0}

    def cancelled() -> bool:
        calls["n"] += 1
        return calls["n"] > 3

    with HistoryStore.open(resolve_paths(tmp_path / "data")) as store:
        job = make_job(pdf, client, store, model_path, cancelled=cancelled)
        with pytest.raises(Cancelled):
            run(job)


@pytest.mark.timeout(1200)
def test_killed_mid_map_the_rerun_resumes_the_finished_chunks(
    tmp_path: Path,
    make_pdf: Callable[..., Path],
    pdf_pages: Callable[[int], list[list[str]]],
    model_path: Path,
) -> None:
    pdf = make_pdf("report.pdf", pdf_pages(PAGES))
    command = [
        sys.executable,
        "-m",
        "engine",
        "--data-dir",
        str(tmp_path / "data"),
        "summarize",
        "--model",
        str(model_path),
        "--ctx",
        "2048",
        "--chunk-tokens",
        "220",
        "--json",
        str(pdf),
    ]
    child = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    assert child.stderr is not None
    for line in child.stderr:
        if line.startswith("[map] 2/"):
            child.send_signal(signal.SIGKILL)
            break
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    rerun = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    assert rerun.returncode == 0, rerun.stderr
    result = json.loads(rerun.stdout)
    assert result["resumed_chunks"] >= 2
    assert result["resumed_chunks"] < result["chunks"]
    assert "[map] 2/" in rerun.stderr and ", 2 resumed" in rerun.stderr


def test_scanned_pages_are_read_by_the_vision_model_before_summarising(
    tmp_path: Path,
    make_pdf: Callable[..., Path],
    pdf_pages: Callable[[int], list[list[str]]],
    model_path: Path,
    tiny_mmproj_path: Path,
) -> None:
    pages: list[list[str] | None] = list(pdf_pages(3))
    pages.insert(1, None)  # page 2: an image with no text layer
    pdf = make_pdf("scan.pdf", pages, image_pages=[2])
    document = extract_document(pdf)
    assert document.scanned_pages == (2,)
    config = p.ModelConfig(
        model_path=str(model_path),
        n_ctx=4096,
        mmproj_path=str(tiny_mmproj_path),
        allow_text_only_vision=True,
    )
    with (
        EngineClient(log_path=tmp_path / "w.log") as vision,
        HistoryStore.open(resolve_paths(tmp_path / "data")) as store,
    ):
        vision.load(config)
        job = make_job(pdf, vision, store, model_path, read_scans=True)
        progress, result = run(job)
        assert [(e.phase, e.done, e.total) for e in progress][:1] == [("scan", 1, 1)]
        assert result.dropped == []
        page_two = [s for s in job.document.sections if s.page_start == 2]
        assert page_two and page_two[0].text  # the transcription became page 2's text
        assert job.document.scanned_pages == ()

        without = make_job(pdf, vision, store, model_path)
        _, plain = run(without)
        assert plain.dropped == ["p. 2 (scanned, no text layer)"]


def test_parts_with_nothing_relevant_are_left_out_of_a_question() -> None:
    from engine.documents.summarize import Note, _relevant

    notes = [
        Note("p. 1", "Nothing relevant."),
        Note("p. 2", "The fee is 5 EUR."),
        Note("p. 3", " nothing relevant "),
    ]
    assert [n.anchor for n in _relevant(notes)] == ["p. 2"]
    none = [Note("p. 1", "Nothing relevant.")]
    assert _relevant(none) == none
