"""Archive and XML guards on hand-made hostile archives (central directory tricks)."""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

import pytest

from engine.documents import DocumentError, extract_unsafe
from engine.documents.guards import check_archive, read_member, refuse_entities

_CENTRAL = b"PK\x01\x02"
_END = b"PK\x05\x06"


def _overlapping(member: bytes, copies: int) -> bytes:
    """A ZIP whose central directory lists ``copies`` names that all point at the same data
    (the "overlapping files" bomb: the data is stored once, declared many times)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", member)
    data = buffer.getvalue()
    central_at = data.index(_CENTRAL)
    end_at = data.index(_END)
    entry = data[central_at:end_at]
    name = b"word/document.xml"
    entries = [entry]  # the first keeps its name, so the file is taken for a Word document
    for number in range(1, copies):
        alias = f"word/copy{number:05d}.xml".encode().ljust(len(name), b"x")[: len(name)]
        entries.append(entry.replace(name, alias))
    central = b"".join(entries)
    end = bytearray(data[end_at:])
    struct.pack_into("<HHII", end, 8, copies, copies, len(central), central_at)
    return data[:central_at] + central + bytes(end)


def test_overlapping_entries_declaring_gigabytes_are_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "overlap.docx"
    bomb.write_bytes(_overlapping(bytes(4 * 1024 * 1024), copies=200))  # 800 MB declared
    assert bomb.stat().st_size < 200_000

    with pytest.raises(DocumentError, match="looks like a ZIP bomb"):
        extract_unsafe(bomb)


def test_the_ratio_check_catches_a_single_highly_compressed_member() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("big.xml", bytes(20 * 1024 * 1024))
    with zipfile.ZipFile(buffer) as archive, pytest.raises(DocumentError, match="to 1"):
        check_archive(archive, "x.docx", archive_size=len(buffer.getvalue()))


def test_ordinary_archives_pass_and_members_are_read_with_a_cap() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.xml", b"<a>" + b"text " * 1000 + b"</a>")
    with zipfile.ZipFile(buffer) as archive:
        check_archive(archive, "ok.docx", archive_size=len(buffer.getvalue()))
        assert read_member(archive, "a.xml", "ok.docx", limit=10_000).startswith(b"<a>")
        with pytest.raises(DocumentError, match="larger than"):
            read_member(archive, "a.xml", "ok.docx", limit=100)
        with pytest.raises(DocumentError, match="is missing"):
            read_member(archive, "b.xml", "ok.docx", limit=100)


@pytest.mark.parametrize(
    "xml",
    [
        b'<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>',
        b'<!DOCTYPE a SYSTEM "http://127.0.0.1:9/a.dtd" [ ]><a/>',
        b'<!doctype a [<!entity % p SYSTEM "file:///etc/passwd"> %p;]><a/>',
        '<!DOCTYPE a [<!ENTITY x "y">]><a/>'.encode("utf-16-be"),
    ],
)
def test_entity_declarations_are_refused_in_any_encoding(xml: bytes) -> None:
    with pytest.raises(DocumentError, match="declares XML entities"):
        refuse_entities(xml, "x.epub", allow_doctype=True)


def test_a_plain_doctype_is_allowed_where_asked() -> None:
    refuse_entities(b"<!DOCTYPE html><html/>", "x.xhtml", allow_doctype=True)
    with pytest.raises(DocumentError, match="document type declaration"):
        refuse_entities(b"<!DOCTYPE html><html/>", "x.docx", allow_doctype=False)


def test_a_member_claiming_more_compressed_bytes_than_the_archive_has_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", b"<w:document/>")
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        archive.infolist()[0].compress_size = 1 << 31
        with pytest.raises(DocumentError, match="more compressed bytes than the file has"):
            check_archive(archive, "x.docx", archive_size=len(buffer.getvalue()))
