"""EPUB extraction with zipfile + lxml: spine order, chapter names, and hostile books."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from engine.documents import DocumentError, extract_unsafe

Tools = tuple[Callable[..., Path], Callable[..., bytes]]
Watch = Callable[[], AbstractContextManager[list[tuple[str, str]]]]


def test_chapters_follow_the_spine_not_the_file_order(tmp_path: Path, epub_tools: Tools) -> None:
    build, chapter = epub_tools
    book = build(
        tmp_path / "book.epub",
        [
            ("c1", "text/one.xhtml", chapter("One", ["First chapter text."])),
            ("c2", "text/two.xhtml", chapter("Two", ["Second chapter text."])),
            ("c3", "text/three.xhtml", chapter("Three", ["Third", "chapter", "text."])),
        ],
        spine=["c3", "c1", "c2"],
        title="Ordered Book",
    )

    document = extract_unsafe(book)

    assert document.format == "epub"
    assert document.title == "Ordered Book"
    assert [(s.anchor, s.chapter) for s in document.sections] == [
        ("§ Three", 1),
        ("§ One", 2),
        ("§ Two", 3),
    ]
    assert document.sections[0].text == "Three\n\nThird\n\nchapter\n\ntext."


def test_chapters_without_headings_take_their_name_from_the_table_of_contents(
    tmp_path: Path, epub_tools: Tools
) -> None:
    build, chapter = epub_tools
    book = build(
        tmp_path / "book.epub",
        [
            ("c1", "a.xhtml", chapter("ignored", ["Opening words."], heading=False)),
            ("c2", "b.xhtml", chapter("ignored", ["Closing words."], heading=False)),
        ],
        nav_labels={"a.xhtml": "Prologue", "b.xhtml#part": "Epilogue"},
    )

    document = extract_unsafe(book)

    assert [s.anchor for s in document.sections] == ["§ Prologue", "§ Epilogue"]


def test_chapters_without_any_name_are_numbered(tmp_path: Path, epub_tools: Tools) -> None:
    build, chapter = epub_tools
    book = build(
        tmp_path / "book.epub",
        [("c1", "a.xhtml", chapter("x", ["Words."], heading=False))],
    )
    assert extract_unsafe(book).sections[0].anchor == "chapter 1"


def test_a_manifest_href_climbing_out_of_the_book_is_refused(
    tmp_path: Path, epub_tools: Tools
) -> None:
    build, chapter = epub_tools
    book = build(
        tmp_path / "escape.epub",
        [("c1", "../../../etc/passwd", chapter("x", ["never"]))],
    )

    with pytest.raises(DocumentError, match=r"outside the book|unsafe path"):
        extract_unsafe(book)


def test_an_archive_member_with_dot_dot_is_refused(tmp_path: Path, epub_tools: Tools) -> None:
    build, chapter = epub_tools
    book = build(
        tmp_path / "slip.epub",
        [("c1", "a.xhtml", chapter("A", ["text"]))],
        extra={"OEBPS/../../evil.sh": b"echo pwned"},
    )

    with pytest.raises(DocumentError, match="unsafe path"):
        extract_unsafe(book)


def test_a_billion_laughs_chapter_is_refused(tmp_path: Path, epub_tools: Tools) -> None:
    build, _ = epub_tools
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY a "aaaaaaaaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b'<html xmlns="http://www.w3.org/1999/xhtml"><body><p>&c;&c;&c;</p></body></html>'
    )
    book = build(tmp_path / "laughs.epub", [("c1", "a.xhtml", laughs)])

    with pytest.raises(DocumentError, match="declares XML entities"):
        extract_unsafe(book)


def test_an_external_entity_in_the_package_never_reads_the_file(
    tmp_path: Path, epub_tools: Tools, watch_io: Watch
) -> None:
    build, chapter = epub_tools
    opf = (
        b'<?xml version="1.0"?><!DOCTYPE package [<!ENTITY % ext SYSTEM "file:///etc/passwd">'
        b'%ext;]><package xmlns="http://www.idpf.org/2007/opf" version="3.0"><metadata/>'
        b'<manifest><item id="c1" href="a.xhtml" media-type="application/xhtml+xml"/>'
        b'</manifest><spine><itemref idref="c1"/></spine></package>'
    )
    book = build(tmp_path / "xxe.epub", [("c1", "a.xhtml", chapter("A", ["t"]))], opf=opf)

    with watch_io() as log, pytest.raises(DocumentError, match="declares XML entities"):
        extract_unsafe(book)

    assert not [entry for entry in log if "passwd" in entry[1]]


def test_a_zip_bomb_epub_is_refused(tmp_path: Path, epub_tools: Tools) -> None:
    build, chapter = epub_tools
    book = build(
        tmp_path / "bomb.epub",
        [("c1", "a.xhtml", chapter("A", ["text"]))],
        extra={"OEBPS/images/huge.bmp": bytes(64 * 1024 * 1024)},
    )

    with pytest.raises(DocumentError, match="ZIP bomb"):
        extract_unsafe(book)


def test_a_book_without_a_container_is_refused_as_damaged(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "broken.epub"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("OEBPS/a.xhtml", "<html/>")

    with pytest.raises(DocumentError, match=r"broken\.epub is damaged"):
        extract_unsafe(path)


# --- inputs found by fuzzing (tests/fuzz/fuzz_epub.py) ------------------------------------------

FUZZ_FOUND = Path(__file__).resolve().parents[2] / "data" / "fuzz"


def test_fuzz_regression_unknown_zip_version_is_damaged() -> None:
    """Detecting the format raised zipfile's NotImplementedError("zip file version 6.5")."""
    with pytest.raises(DocumentError, match=r"damaged \(its ZIP structure cannot be read\)"):
        extract_unsafe(FUZZ_FOUND / "epub-zip-version-6.5.epub")


def test_fuzz_regression_a_mimetype_declaring_gigabytes_is_damaged_not_out_of_memory() -> None:
    """A 1.6 KB book whose stored "mimetype" declares 2 GB of compressed data: zipfile read that
    in one go while detecting the format and ran out of memory (MemoryError in the sandbox)."""
    with pytest.raises(DocumentError, match="damaged"):
        extract_unsafe(FUZZ_FOUND / "epub-mimetype-declares-2gb.epub")
