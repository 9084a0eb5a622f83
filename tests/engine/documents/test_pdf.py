"""PDF extraction on real PDF files: page anchors, cleanup, scanned pages, encryption, damage."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pypdf
import pytest
from PIL import Image

from engine.documents import DocumentError, extract_unsafe
from engine.documents.pdf import MAX_RENDER_SIDE, extract_pdf, render_pdf_page
from engine.documents.structure import Extraction

MakePdf = Callable[..., Path]


def _drain(generator: object) -> Extraction:
    assert hasattr(generator, "send")
    while True:
        try:
            next(generator)  # type: ignore[call-overload]
        except StopIteration as stop:
            result: Extraction = stop.value
            return result


def test_page_anchors_are_right_at_the_beginning_middle_and_end(
    make_pdf: MakePdf, pdf_pages: Callable[[int], list[list[str]]]
) -> None:
    path = make_pdf("report.pdf", pdf_pages(40), title="Quarterly Report")

    document = extract_unsafe(path)

    assert document.format == "pdf"
    assert document.pages == 40
    assert document.title == "Quarterly Report"
    assert len(document.sections) == 40
    for page in (1, 2, 20, 39, 40):
        section = document.sections[page - 1]
        assert section.anchor == f"p. {page}"
        assert (section.page_start, section.page_end) == (page, page)
        assert f"Marker-{page:03d}" in section.text
        assert f"Page {page} body line 1" in section.text
        other = 41 - page
        if other != page:
            assert f"Marker-{other:03d}" not in section.text


def test_running_headers_and_page_number_footers_are_removed(
    make_pdf: MakePdf, pdf_pages: Callable[[int], list[list[str]]]
) -> None:
    document = extract_unsafe(make_pdf("report.pdf", pdf_pages(8)))

    text = document.text
    assert "Hearth Quarterly Report - Confidential" not in text
    assert "- 3 -" not in text
    # Body lines that share a shape on every page are content, not a header.
    for page in range(1, 9):
        for line in range(1, 6):
            assert f"Page {page} body line {line}:" in text
    assert any("header/footer" in warning for warning in document.warnings)


def test_line_end_hyphenation_is_undone_and_lines_reflow_into_paragraphs(
    make_pdf: MakePdf,
) -> None:
    lines = [
        "Hearth reads documents locally and keeps every page number so a summary can",
        "point back to its source. Long words are sometimes broken across lines by hyph-",
        "enation in typeset documents, and the reader joins them again before counting.",
        "End of the first paragraph.",
        "",
        "A second paragraph begins here and runs for a while so that it looks like body",
        "text of the usual width on this page.",
    ]
    document = extract_unsafe(make_pdf("hyphen.pdf", [lines]))

    text = document.sections[0].text
    assert "hyphenation" in text
    assert "hyph-" not in text
    assert "so a summary can point back" in text  # a line break inside a paragraph is a space


def test_pypdf_reader_gives_the_same_pages(
    make_pdf: MakePdf, pdf_pages: Callable[[int], list[list[str]]]
) -> None:
    path = make_pdf("report.pdf", pdf_pages(6))
    with path.open("rb") as handle:
        extraction = _drain(extract_pdf(handle, path.name, reader="pypdf"))

    assert extraction.pages == 6
    assert [draft.anchor for draft in extraction.drafts] == [f"p. {n}" for n in range(1, 7)]
    for number, draft in enumerate(extraction.drafts, start=1):
        joined = "\n\n".join(draft.paragraphs)
        assert f"Marker-{number:03d}" in joined
        assert "Confidential" not in joined


def test_pages_without_a_text_layer_are_reported_as_scanned(make_pdf: MakePdf) -> None:
    pages: list[list[str] | None] = [
        ["First page has text."],
        None,  # an image only: a scanned page
        ["Third page has text."],
        None,  # blank: neither text nor image
    ]
    document = extract_unsafe(make_pdf("scan.pdf", pages, image_pages=[2]))

    assert document.scanned_pages == (2,)
    assert [section.anchor for section in document.sections] == ["p. 1", "p. 3"]
    assert any("no text layer" in warning for warning in document.warnings)


def test_a_fully_scanned_pdf_is_returned_empty_with_its_pages_listed(make_pdf: MakePdf) -> None:
    document = extract_unsafe(make_pdf("scan.pdf", [None, None, None], image_pages=[1, 2, 3]))

    assert document.sections == ()
    assert document.scanned_pages == (1, 2, 3)
    assert document.pages == 3


def test_a_pdf_without_any_text_or_image_is_refused(make_pdf: MakePdf) -> None:
    with pytest.raises(DocumentError, match=r"^blank\.pdf contains no text\.$"):
        extract_unsafe(make_pdf("blank.pdf", [None, None]))


def _encrypt(source: Path, target: Path, *, user: str, owner: str) -> Path:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(source))
    writer.encrypt(user_password=user, owner_password=owner, algorithm="RC4-128")
    with target.open("wb") as handle:
        writer.write(handle)
    return target


def test_a_password_protected_pdf_gives_one_sentence(make_pdf: MakePdf, tmp_path: Path) -> None:
    plain = make_pdf("plain.pdf", [["Secret text."]])
    locked = _encrypt(plain, tmp_path / "locked.pdf", user="secret", owner="owner")

    with pytest.raises(DocumentError) as caught:
        extract_unsafe(locked)

    assert str(caught.value) == (
        "locked.pdf is password-protected; remove the password and try again."
    )


def test_an_owner_password_only_pdf_is_readable(make_pdf: MakePdf, tmp_path: Path) -> None:
    plain = make_pdf("plain.pdf", [["Readable despite restrictions."]])
    restricted = _encrypt(plain, tmp_path / "restricted.pdf", user="", owner="owner")

    document = extract_unsafe(restricted)

    assert "Readable despite restrictions." in document.text


def test_a_truncated_pdf_is_refused_as_damaged(make_pdf: MakePdf, tmp_path: Path) -> None:
    whole = make_pdf("whole.pdf", [["Some text."]]).read_bytes()
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(whole[:60])

    with pytest.raises(DocumentError, match=r"broken\.pdf .*damaged"):
        extract_unsafe(broken)


def test_a_pdf_with_a_wrong_xref_table_is_repaired(make_pdf: MakePdf, tmp_path: Path) -> None:
    data = make_pdf("good.pdf", [["Recovered text survives."]]).read_bytes()
    start = data.rindex(b"startxref\n") + len(b"startxref\n")
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(data[:start] + b"999999\n%%EOF\n")

    assert "Recovered text survives." in extract_unsafe(damaged).text


def test_a_file_named_pdf_that_is_not_one_is_refused(tmp_path: Path) -> None:
    fake = tmp_path / "fake.pdf"
    fake.write_text("just some text pretending", encoding="utf-8")

    with pytest.raises(DocumentError, match=r"fake\.pdf is damaged or not a PDF"):
        extract_unsafe(fake)


def test_render_page_returns_an_rgb_image_of_the_page(make_pdf: MakePdf) -> None:
    path = make_pdf("render.pdf", [["one"], None, ["three"]], image_pages=[2])
    with path.open("rb") as handle:
        image = render_pdf_page(handle, path.name, 2, scale=1.0)

    assert image.mode == "RGB"
    assert image.size == (612, 792)
    # The grey 2x2 image is drawn large in the middle of the page: dark pixels exist there.
    assert min(image.convert("L").tobytes()) < 50


def test_render_page_caps_the_size_and_checks_the_page_number(make_pdf: MakePdf) -> None:
    path = make_pdf("render.pdf", [["one"]])
    with path.open("rb") as handle:
        image = render_pdf_page(handle, path.name, 1, scale=50.0)
    assert max(image.size) <= MAX_RENDER_SIDE

    with path.open("rb") as handle, pytest.raises(DocumentError, match="has no page 2"):
        render_pdf_page(handle, path.name, 2)


def test_rendered_page_png_round_trips(make_pdf: MakePdf) -> None:
    path = make_pdf("render.pdf", [["one"]])
    with path.open("rb") as handle:
        image = render_pdf_page(handle, path.name, 1, scale=0.5)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    assert Image.open(io.BytesIO(buffer.getvalue())).size == image.size


# --- inputs found by fuzzing (tests/fuzz/fuzz_pdf.py) -----------------------------------------

FUZZ_FOUND = Path(__file__).resolve().parents[2] / "data" / "fuzz"


def test_fuzz_regression_pypdf_page_tree_loop_is_a_damaged_pdf() -> None:
    """PDFium refuses it, pypdf then raised LimitReachedError (a PyPdfError, not a
    PdfReadError) on a page tree that refers to itself."""
    with pytest.raises(DocumentError, match="damaged and cannot be read as a PDF"):
        extract_unsafe(FUZZ_FOUND / "pdf-pypdf-reference-loop.pdf")


def test_fuzz_regression_pypdf_lexer_assertion_is_a_damaged_pdf() -> None:
    """pypdf's content-stream lexer raised a bare AssertionError on a mangled operator."""
    with pytest.raises(DocumentError, match="damaged and cannot be read as a PDF"):
        extract_unsafe(FUZZ_FOUND / "pdf-pypdf-lexer-assertion.pdf")
