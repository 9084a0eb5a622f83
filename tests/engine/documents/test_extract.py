"""Format detection by content, and the in-process extraction generator."""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from engine.documents import DocumentError, ExtractProgress, extract_unsafe, iter_extract_unsafe


def test_formats_are_detected_by_content_not_name(
    tmp_path: Path,
    make_pdf: Callable[..., Path],
    make_docx: Callable[..., Path],
    epub_tools: tuple[Callable[..., Path], Callable[..., bytes]],
) -> None:
    build_epub, chapter = epub_tools
    renamed = {
        "a.txt": make_pdf("x.pdf", [["pdf text"]]).read_bytes(),
        "b.bin": make_docx("x.docx", [("p", "docx text")]).read_bytes(),
        "c.dat": build_epub(
            tmp_path / "x.epub", [("c", "c.xhtml", chapter("C", ["epub"]))]
        ).read_bytes(),
    }
    expected = {"a.txt": "pdf", "b.bin": "docx", "c.dat": "epub"}
    for name, data in renamed.items():
        path = tmp_path / name
        path.write_bytes(data)
        document = extract_unsafe(path)
        assert document.format == expected[name]
        assert document.sha256 == hashlib.sha256(data).hexdigest()
        assert document.size_bytes == len(data)


def test_images_and_rtf_and_other_zips_are_refused_with_advice(tmp_path: Path) -> None:
    png = tmp_path / "photo.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    with pytest.raises(DocumentError, match="is an image, not a document"):
        extract_unsafe(png)
    rtf = tmp_path / "letter.rtf"
    rtf.write_bytes(b"{\\rtf1\\ansi Hello}")
    with pytest.raises(DocumentError, match=r"RTF file; save it as \.docx or \.txt"):
        extract_unsafe(rtf)
    sheet = tmp_path / "sheet.xlsx"
    with zipfile.ZipFile(sheet, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(DocumentError, match=r"only Word \.docx and \.epub"):
        extract_unsafe(sheet)


def test_the_generator_reports_progress_and_returns_the_document(
    make_pdf: Callable[..., Path], pdf_pages: Callable[[int], list[list[str]]]
) -> None:
    generator = iter_extract_unsafe(make_pdf("r.pdf", pdf_pages(4)))
    events: list[ExtractProgress] = []
    while True:
        try:
            events.append(next(generator))
        except StopIteration as stop:
            document = stop.value
            break
    assert events[0] == ExtractProgress("opened", 0, None)
    assert [e.done for e in events if e.stage == "pages"] == [1, 2, 3, 4]
    assert document.pages == 4


def test_the_given_path_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "n.md"
    path.write_text("# T\n\nx")
    assert extract_unsafe(path).path == str(path)
