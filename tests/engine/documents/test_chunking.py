"""Token budget and chunking with the real Gemma 3 tokenizer: sizes, citations, nothing dropped."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.documents import (
    Chunk,
    DocumentPlan,
    ExtractedDocument,
    Section,
    chunk_document,
    extract_unsafe,
    plan_document,
)
from engine.documents.chunking import default_chunk_target
from engine.tokenizer import TokenCounter, load_token_counter

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def counter(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> TokenCounter:
    return load_token_counter(model_path, cache_dir=tmp_path_factory.mktemp("spm"))


def _document(sections: list[Section], fmt: str = "text") -> ExtractedDocument:
    return ExtractedDocument.from_dict(
        {
            "path": "test",
            "sha256": "0" * 64,
            "format": fmt,
            "title": None,
            "sections": [section.to_dict() for section in sections],
        }
    )


def _paragraphs(document: ExtractedDocument) -> list[str]:
    return [p for p in re.split(r"\n[ \t]*\n\s*", document.text) if p.strip()]


def _check_invariants(
    document: ExtractedDocument, chunks: tuple[Chunk, ...], counter: TokenCounter, target: int
) -> None:
    text = document.text
    assert chunks, "a document with text has chunks"
    for number, chunk in enumerate(chunks):
        assert chunk.index == number
        assert chunk.token_count == counter.count(chunk.text)
        assert chunk.token_count <= target
        assert chunk.core == text[chunk.start : chunk.end]
        assert chunk.core.strip() == chunk.core
        assert chunk.first_section <= chunk.last_section
        if number:
            previous = chunks[number - 1]
            # Only whitespace between consecutive cores: nothing dropped, nothing repeated.
            assert previous.end <= chunk.start
            assert text[previous.end : chunk.start].strip() == ""
            # The overlap is the end of the previous chunk's text.
            overlap = chunk.text[: chunk.overlap_chars]
            assert text[chunk.start - chunk.overlap_chars : chunk.start] == overlap
            assert previous.text.rstrip().endswith(overlap.rstrip()) or not overlap.strip()
        else:
            assert chunk.overlap_chars == 0
    assert text[: chunks[0].start].strip() == ""
    assert text[chunks[-1].end :].strip() == ""
    # Every paragraph is in some chunk's core (the concatenation minus overlaps covers it all).
    cores = "\n\n".join(chunk.core for chunk in chunks)
    squeezed = re.sub(r"\s+", "", cores)
    assert squeezed == re.sub(r"\s+", "", text)
    for paragraph in _paragraphs(document):
        assert re.sub(r"\s+", "", paragraph) in squeezed


def test_a_short_document_fits_and_is_one_chunk(
    counter: TokenCounter,
    make_pdf: Callable[..., Path],
    pdf_pages: Callable[[int], list[list[str]]],
) -> None:
    document = extract_unsafe(make_pdf("short.pdf", pdf_pages(3)))

    plan = plan_document(document, counter.count, 8192)

    assert plan.document_tokens == counter.count(document.text)
    assert plan.fits_in_context
    assert plan.strategy == "single"
    assert len(plan.chunks) == 1
    only = plan.chunks[0]
    assert only.text == document.text
    assert only.token_count == plan.document_tokens
    assert (only.page_start, only.page_end, only.anchor) == (1, 3, "pp. 1\u20133")


def test_a_long_pdf_is_cut_into_cited_chunks(
    counter: TokenCounter,
    make_pdf: Callable[..., Path],
    pdf_pages: Callable[[int], list[list[str]]],
) -> None:
    document = extract_unsafe(make_pdf("long.pdf", pdf_pages(60)))

    plan = plan_document(document, counter.count, 2048, reserve_output=512, prompt_overhead=128)

    assert not plan.fits_in_context
    assert plan.strategy == "map_reduce"
    assert plan.chunk_target == 1024
    assert plan.document_tokens > plan.available_tokens
    assert len(plan.chunks) > 3
    _check_invariants(document, plan.chunks, counter, plan.chunk_target)
    assert sum(chunk.overlap_chars > 0 for chunk in plan.chunks) == len(plan.chunks) - 1
    for chunk in plan.chunks:
        assert chunk.page_start is not None and chunk.page_end is not None
        expected = (
            f"p. {chunk.page_start}"
            if chunk.page_start == chunk.page_end
            else f"pp. {chunk.page_start}\u2013{chunk.page_end}"
        )
        assert chunk.anchor == expected
        # Every page marker in the core is cited by the chunk's page range.
        for page in map(int, re.findall(r"Marker-(\d{3})", chunk.core)):
            assert chunk.page_start <= page <= chunk.page_end
    cited = {page for c in plan.chunks for page in range(c.page_start or 0, (c.page_end or 0) + 1)}
    assert cited == set(range(1, 61))


def test_overlap_is_about_five_percent(
    counter: TokenCounter,
    make_pdf: Callable[..., Path],
    pdf_pages: Callable[[int], list[list[str]]],
) -> None:
    document = extract_unsafe(make_pdf("long.pdf", pdf_pages(40)))
    chunks = chunk_document(document, counter.count, 1000)
    for chunk in chunks[1:]:
        overlap_tokens = counter.count(chunk.text[: chunk.overlap_chars])
        assert 10 <= overlap_tokens <= 60


def test_chunks_prefer_to_start_at_headings(counter: TokenCounter) -> None:
    sections = []
    for number in range(12):
        heading = f"Chapter {number}"
        body = "\n\n".join(
            f"Paragraph {p} of chapter {number} tells a short story about documents."
            for p in range(8)
        )
        sections.append(
            Section(
                index=number,
                anchor=f"§ {heading}",
                text=f"{heading}\n\n{body}",
                heading=heading,
                level=1,
            )
        )
    document = _document(sections, fmt="docx")

    chunks = chunk_document(document, counter.count, 400)

    _check_invariants(document, chunks, counter, 400)
    starts = [chunk.core.split("\n")[0] for chunk in chunks]
    assert sum(start.startswith("Chapter ") for start in starts) >= len(chunks) - 1
    assert chunks[0].anchor.startswith("§ Chapter 0 \u2013 § Chapter ")


def test_a_paragraph_larger_than_a_chunk_is_cut_at_sentences(counter: TokenCounter) -> None:
    sentence = "This sentence about local document summaries is repeated many times. "
    document = _document(
        [
            Section(
                index=0,
                anchor="lines 1\u20131",
                text=(sentence * 200).strip(),
                line_start=1,
                line_end=1,
            )
        ]
    )
    chunks = chunk_document(document, counter.count, 300)

    _check_invariants(document, chunks, counter, 300)
    for chunk in chunks[:-1]:
        assert chunk.core.endswith("times.")
    assert all(chunk.anchor == "line 1" for chunk in chunks)


def test_text_without_any_break_is_still_cut_and_kept(counter: TokenCounter) -> None:
    blob = "".join(chr(0x4E00 + (n * 7919) % 20000) for n in range(6000))  # CJK, no spaces
    document = _document([Section(index=0, anchor="line 1", text=blob, line_start=1, line_end=1)])

    chunks = chunk_document(document, counter.count, 500)

    _check_invariants(document, chunks, counter, 500)
    assert "".join(chunk.core for chunk in chunks) == blob


def test_markdown_line_sections_merge_into_line_ranges(counter: TokenCounter) -> None:
    sections = [
        Section(
            index=n,
            anchor=f"lines {10 * n + 1}\u2013{10 * n + 9}",
            text="\n\n".join(f"Line group {n} paragraph {p} with some words." for p in range(3)),
            line_start=10 * n + 1,
            line_end=10 * n + 9,
        )
        for n in range(30)
    ]
    document = _document(sections)

    chunks = chunk_document(document, counter.count, 200)

    _check_invariants(document, chunks, counter, 200)
    first = chunks[0]
    assert first.anchor == (
        f"lines {sections[first.first_section].line_start}\u2013"
        f"{sections[first.last_section].line_end}"
    )


def test_plan_arguments_are_checked(counter: TokenCounter) -> None:
    document = _document([Section(index=0, anchor="line 1", text="text")])
    with pytest.raises(ValueError, match="no room"):
        plan_document(document, counter.count, 1000, reserve_output=1000)
    with pytest.raises(ValueError, match="chunk_target"):
        plan_document(document, counter.count, 4096, chunk_target=10_000)
    assert default_chunk_target(131072, 120000) == 8192
    assert default_chunk_target(4096, 2816) == 2048


def test_an_empty_document_has_no_chunks(counter: TokenCounter) -> None:
    plan = plan_document(_document([]), counter.count, 4096)
    assert plan == DocumentPlan(
        document_tokens=0,
        n_ctx=4096,
        reserve_output=1024,
        prompt_overhead=256,
        chunk_target=2048,
        fits_in_context=True,
        strategy="single",
        chunks=(),
    )


_WORDS = st.sampled_from(
    ["document", "page", "summary", "日本語", "中文", "emoji😀", "x", "1234", "--", "\u00e9t\u00e9"]
)
_PARAGRAPH = st.lists(_WORDS, min_size=1, max_size=60).map(" ".join)
_SECTION = st.lists(_PARAGRAPH, min_size=1, max_size=8).map("\n\n".join)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(_SECTION, min_size=1, max_size=8),
    target=st.integers(min_value=20, max_value=300),
    headings=st.booleans(),
)
def test_chunking_invariants_hold_for_any_document(
    counter: TokenCounter, texts: list[str], target: int, headings: bool
) -> None:
    sections = [
        Section(
            index=n,
            anchor=f"p. {n + 1}",
            text=text,
            heading=text.split(" ")[0] if headings else None,
            page_start=n + 1,
            page_end=n + 1,
        )
        for n, text in enumerate(texts)
    ]
    document = _document(sections, fmt="pdf")

    chunks = chunk_document(document, counter.count, target)

    _check_invariants(document, chunks, counter, target)
