"""DOCX extraction on files written by python-docx, and the attacks a DOCX can carry."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from engine.documents import DocumentError, extract_unsafe

MakeDocx = Callable[..., Path]
Rewrite = Callable[..., Path]
Watch = Callable[[], AbstractContextManager[list[tuple[str, str]]]]

BILLION_LAUGHS = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE w:document [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"""

XXE = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE w:document [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&secret;</w:t></w:r></w:p></w:body></w:document>"""


def test_paragraphs_tables_and_headings_come_out_in_reading_order(make_docx: MakeDocx) -> None:
    path = make_docx(
        "report.docx",
        [
            ("p", "A preamble before any heading."),
            ("h1", "Introduction"),
            ("p", "First paragraph of the introduction."),
            ("table", [["Name", "Value"], ["alpha", "1"], ["beta", "2"]]),
            ("p", "Paragraph after the table."),
            ("h2", "Details   with  spaces"),
            ("p", "Details paragraph."),
        ],
        title="Annual Report",
    )

    document = extract_unsafe(path)

    assert document.format == "docx"
    assert document.title == "Annual Report"
    assert [section.anchor for section in document.sections] == [
        "§ Annual Report",
        "§ Introduction",
        "§ Details with spaces",
    ]
    introduction = document.sections[1]
    assert introduction.heading == "Introduction"
    assert introduction.level == 1
    assert introduction.text == (
        "Introduction\n\nFirst paragraph of the introduction.\n\n"
        "Name | Value\nalpha | 1\nbeta | 2\n\nParagraph after the table."
    )
    assert document.sections[2].level == 2
    assert document.sections[0].text == "A preamble before any heading."


def test_without_a_title_the_first_top_heading_is_the_title(make_docx: MakeDocx) -> None:
    document = extract_unsafe(make_docx("t.docx", [("h1", "Plan"), ("p", "Body.")]))
    assert document.title == "Plan"
    assert document.sections[0].anchor == "§ Plan"


def test_a_zip_bomb_docx_is_refused_before_inflating(
    make_docx: MakeDocx, zip_rewriter: Rewrite, tmp_path: Path
) -> None:
    base = make_docx("base.docx", [("p", "Harmless text.")])
    bomb = zip_rewriter(
        base, tmp_path / "bomb.docx", add={"word/media/filler.bin": bytes(100 * 1024 * 1024)}
    )
    assert bomb.stat().st_size < 1024 * 1024  # a tiny file that declares 100 MB

    with pytest.raises(DocumentError) as caught:
        extract_unsafe(bomb)

    assert "ZIP bomb" in str(caught.value)
    assert str(caught.value).startswith("bomb.docx ")


def test_a_billion_laughs_docx_is_refused(
    make_docx: MakeDocx, zip_rewriter: Rewrite, tmp_path: Path
) -> None:
    base = make_docx("base.docx", [("p", "Harmless text.")])
    laughs = zip_rewriter(
        base, tmp_path / "laughs.docx", replace={"word/document.xml": BILLION_LAUGHS}
    )

    with pytest.raises(DocumentError, match="document type declaration"):
        extract_unsafe(laughs)


def test_an_xxe_docx_never_opens_the_referenced_file(
    make_docx: MakeDocx, zip_rewriter: Rewrite, tmp_path: Path, watch_io: Watch
) -> None:
    base = make_docx("base.docx", [("p", "Harmless text.")])
    xxe = zip_rewriter(base, tmp_path / "xxe.docx", replace={"word/document.xml": XXE})

    with watch_io() as log, pytest.raises(DocumentError):
        extract_unsafe(xxe)

    assert not [entry for entry in log if "passwd" in entry[1]]
    assert not [entry for entry in log if entry[0].startswith("socket")]


def test_a_utf16_encoded_doctype_is_also_refused(
    make_docx: MakeDocx, zip_rewriter: Rewrite, tmp_path: Path
) -> None:
    base = make_docx("base.docx", [("p", "Harmless text.")])
    wide = BILLION_LAUGHS.replace(b'encoding="UTF-8"', b'encoding="UTF-16"').decode()
    sneaky = zip_rewriter(
        base,
        tmp_path / "wide.docx",
        replace={"word/document.xml": wide.encode("utf-16")},
    )

    with pytest.raises(DocumentError, match="document type declaration"):
        extract_unsafe(sneaky)


def test_a_member_path_climbing_out_of_the_archive_is_refused(
    make_docx: MakeDocx, zip_rewriter: Rewrite, tmp_path: Path
) -> None:
    base = make_docx("base.docx", [("p", "Harmless text.")])
    evil = zip_rewriter(base, tmp_path / "evil.docx", add={"../../outside.txt": b"escaped"})

    with pytest.raises(DocumentError, match=r"unsafe path \('\.\./\.\./outside\.txt'\)"):
        extract_unsafe(evil)


def test_a_zip_that_is_not_a_word_document_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.docx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")

    with pytest.raises(DocumentError, match="ZIP archive Hearth cannot read"):
        extract_unsafe(path)


def test_a_password_protected_office_file_is_named_as_such(tmp_path: Path) -> None:
    # Encrypted .docx files are OLE compound files, not ZIP archives.
    path = tmp_path / "locked.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088))

    with pytest.raises(DocumentError, match=r"^locked\.docx is password-protected"):
        extract_unsafe(path)


def test_an_old_doc_file_gets_advice(tmp_path: Path) -> None:
    path = tmp_path / "old.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4088))

    with pytest.raises(DocumentError, match=r"save it as \.docx"):
        extract_unsafe(path)


def test_a_truncated_docx_is_refused_as_damaged(make_docx: MakeDocx, tmp_path: Path) -> None:
    data = make_docx("whole.docx", [("p", "Text.")]).read_bytes()
    broken = tmp_path / "broken.docx"
    broken.write_bytes(data[: len(data) // 2])

    with pytest.raises(DocumentError, match=r"broken\.docx is damaged"):
        extract_unsafe(broken)


def test_a_valid_zip64_docx_is_accepted(make_docx: MakeDocx, tmp_path: Path) -> None:
    base = make_docx("base.docx", [("h1", "Big"), ("p", "Written with ZIP64 records.")])
    target = tmp_path / "zip64.docx"
    with zipfile.ZipFile(base) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            with new.open(info.filename, "w", force_zip64=True) as member:
                member.write(old.read(info.filename))

    # Local headers carry the ZIP64 extra field (id 0x0001, 16 bytes of sizes).
    assert target.read_bytes().count(b"\x01\x00\x10\x00") >= 3
    assert "Written with ZIP64 records." in extract_unsafe(target).text


# --- inputs found by fuzzing (tests/fuzz/fuzz_docx.py, fuzz_docx_xml.py) ------------------------

FUZZ_FOUND = Path(__file__).resolve().parents[2] / "data" / "fuzz"


def test_fuzz_regression_member_offset_before_the_file_start_is_damaged() -> None:
    """A central directory offset that makes zipfile seek before byte 0 raised OSError(EINVAL)."""
    with pytest.raises(DocumentError, match=r"damaged \(\[Content_Types\]\.xml cannot be unpacked"):
        extract_unsafe(FUZZ_FOUND / "docx-member-offset-before-start.docx")


def test_fuzz_regression_unknown_zip_version_is_damaged() -> None:
    """zipfile raised NotImplementedError("zip file version 23.5") while opening the archive."""
    with pytest.raises(DocumentError, match=r"damaged \(its ZIP structure cannot be read\)"):
        extract_unsafe(FUZZ_FOUND / "docx-zip-version-23.5.docx")


def test_fuzz_regression_empty_document_xml_is_damaged(
    make_docx: MakeDocx, zip_rewriter: Callable[..., Path], tmp_path: Path
) -> None:
    """python-docx's own parse of an empty word/document.xml raised lxml's XMLSyntaxError."""
    source = make_docx("real.docx", [("p", "text")])
    broken = zip_rewriter(source, tmp_path / "empty.docx", replace={"word/document.xml": b""})
    with pytest.raises(DocumentError, match="damaged and cannot be read as a Word document"):
        extract_unsafe(broken)


def test_fuzz_regression_main_part_in_another_namespace_is_damaged() -> None:
    """A word/document.xml whose root is not w:document made python-docx raise AttributeError
    ('_Element' object has no attribute 'body') while walking the body."""
    with pytest.raises(DocumentError, match="main part is not a Word document body"):
        extract_unsafe(FUZZ_FOUND / "docx-document-xml-not-a-document.docx")


def test_fuzz_regression_paragraph_style_without_a_value_is_read_without_the_heading() -> None:
    """A <w:pStyle/> without w:val made python-docx raise InvalidXmlError when the extractor
    asked for the paragraph's style; such a paragraph is now plain text."""
    document = extract_unsafe(FUZZ_FOUND / "docx-paragraph-style-without-value.docx")
    text = "\n".join(section.text for section in document.sections)
    assert "A short paragraph with some words." in text and "After the table." in text
