"""Defences for container formats: ZIP bombs, unsafe member paths and XML entity tricks.

DOCX and EPUB are ZIP archives of XML. Before anything inflates a member, the central directory is
checked: member count, declared sizes, compression ratios, encrypted members and paths with
``..`` or a leading ``/``. Members are then read through a hard byte cap (``zipfile`` itself never
returns more than the declared size). XML is parsed by lxml with entity resolution, DTD loading and
network access switched off, and documents that declare entities are refused outright (OOXML forbids
DTDs altogether, so for DOCX any ``<!DOCTYPE`` is refused).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from typing import Any

from lxml import etree

from engine.documents.errors import DocumentError

MAX_MEMBERS = 20_000
MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_RATIO = 100
"""Largest compression ratio accepted for a member bigger than :data:`RATIO_FLOOR_BYTES`."""
RATIO_FLOOR_BYTES = 8 * 1024 * 1024
MAX_XML_BYTES = 64 * 1024 * 1024
"""Largest single XML/XHTML part read (declared and actual)."""

_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.IGNORECASE)


def _member_path_is_unsafe(member: str) -> bool:
    normalised = member.replace("\\", "/")
    if normalised.startswith("/") or re.match(r"^[A-Za-z]:", normalised):
        return True
    return any(part == ".." for part in normalised.split("/"))


def check_archive(archive: zipfile.ZipFile, name: str, *, archive_size: int) -> None:
    """Refuse an archive whose central directory describes a bomb, encryption or unsafe paths."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise DocumentError(f"{name} has too many parts ({len(members):,}) to be a real document.")
    total = 0
    for info in members:
        if _member_path_is_unsafe(info.filename):
            raise DocumentError(
                f"{name} contains a part with an unsafe path ({info.filename[:80]!r}); "
                "it was not read."
            )
        if info.flag_bits & 0x1:
            raise DocumentError(f"{name} is encrypted; remove the password and try again.")
        if info.compress_size > archive_size:
            raise DocumentError(
                f"{name} is damaged (a part claims more compressed bytes than the file has)."
            )
        if info.file_size > MAX_MEMBER_BYTES:
            raise DocumentError(
                f"{name} contains a part that would expand to "
                f"{info.file_size / 2**20:,.0f} MB, which looks like a ZIP bomb; it was not read."
            )
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            ratio = info.file_size // max(info.compress_size, 1)
            raise DocumentError(
                f"{name} contains a part compressed {ratio:,} to 1, which looks like a ZIP bomb; "
                "it was not read."
            )
        total += info.file_size
    if total > MAX_TOTAL_BYTES or (
        total > RATIO_FLOOR_BYTES * 8 and total > MAX_RATIO * max(archive_size, 1)
    ):
        raise DocumentError(
            f"{name} would expand to {total / 2**20:,.0f} MB, which looks like a ZIP bomb; "
            "it was not read."
        )


def read_member(archive: zipfile.ZipFile, member: str, name: str, *, limit: int) -> bytes:
    """Read one archive member, never more than ``limit`` bytes."""
    try:
        info = archive.getinfo(member)
    except KeyError as exc:
        raise DocumentError(f"{name} is damaged: the part {member!r} is missing.") from exc
    if info.file_size > limit:
        raise DocumentError(
            f"{name} contains a part ({member[:80]}) larger than {limit // 2**20} MB; "
            "it was not read."
        )
    chunks: list[bytes] = []
    received = 0
    try:
        with archive.open(info) as stream:
            while block := stream.read(1 << 20):
                received += len(block)
                if received > limit:
                    raise DocumentError(
                        f"{name} contains a part that expands beyond its declared size, "
                        "which looks like a ZIP bomb; it was not read."
                    )
                chunks.append(block)
    # OSError: a member offset outside the file makes zipfile seek before its start (EINVAL).
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        RuntimeError,  # an encrypted member (check_archive refuses the flag; belt and braces)
        ValueError,
        OSError,
    ) as exc:
        raise DocumentError(f"{name} is damaged ({member[:80]} cannot be unpacked).") from exc
    return b"".join(chunks)


def open_archive(handle: Any, name: str, *, archive_size: int) -> zipfile.ZipFile:
    """Open a ZIP archive from a binary file object and run :func:`check_archive` on it."""
    try:
        archive = zipfile.ZipFile(handle)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,  # a "zip file version" zipfile does not know
        ValueError,
        EOFError,
        OSError,
    ) as exc:
        raise DocumentError(f"{name} is damaged (its ZIP structure cannot be read).") from exc
    try:
        check_archive(archive, name, archive_size=archive_size)
    except BaseException:
        archive.close()
        raise
    return archive


def _scan_variants(data: bytes) -> list[bytes]:
    """The bytes to search for markup: as is, plus UTF-16/32 decodings when the data looks wide."""
    variants = [data]
    head = data[:4096]
    if b"\x00" in head:
        for encoding in ("utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"):
            try:
                variants.append(data.decode(encoding).encode("utf-8", "replace"))
            except UnicodeDecodeError:
                continue
    return variants


def refuse_entities(data: bytes, name: str, *, allow_doctype: bool) -> None:
    """Refuse XML that declares entities (billion laughs, XXE) or, if not allowed, any DTD."""
    for variant in _scan_variants(data):
        if not allow_doctype and _DOCTYPE.search(variant):
            raise DocumentError(
                f"{name} contains an XML document type declaration, which real documents of this "
                "kind never have; it was not read."
            )
        if _ENTITY_DECL.search(variant) or _DOCTYPE_SUBSET.search(variant):
            raise DocumentError(
                f"{name} declares XML entities (a known attack on XML readers); it was not read."
            )


def safe_xml_parser() -> Any:
    """An lxml parser that never resolves entities, loads DTDs or touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(data: bytes, name: str, *, part: str, allow_doctype: bool = False) -> Any:
    """Parse a small XML part safely; returns the root element (an ``lxml`` element)."""
    refuse_entities(data, name, allow_doctype=allow_doctype)
    try:
        return etree.fromstring(data, safe_xml_parser())
    except etree.XMLSyntaxError as exc:
        raise DocumentError(f"{name} is damaged ({part} is not valid XML).") from exc
