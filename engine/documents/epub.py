"""EPUB extraction with the standard library's ``zipfile`` and lxml (no AGPL EbookLib).

``META-INF/container.xml`` names the package document (OPF); its ``<spine>`` gives the reading
order of the XHTML files, which are read in that order. Chapter names come from the table of
contents (EPUB 3 ``nav`` or EPUB 2 NCX) when there is one. Every member path is resolved inside the
archive; a path that climbs out of it (``../``) or is absolute is refused, and every XML part is
parsed without entities, DTDs or network access.
"""

from __future__ import annotations

import posixpath
from collections.abc import Generator
from typing import Any, BinaryIO
from urllib.parse import unquote, urldefrag

from engine.documents import guards
from engine.documents.document import ExtractProgress, heading_anchor
from engine.documents.encoding import decode_text
from engine.documents.errors import DocumentError
from engine.documents.structure import Draft, Extraction, group_by_headings
from engine.documents.web import html_blocks

_CONTAINER = "META-INF/container.xml"
_HTML_TYPES = {"application/xhtml+xml", "text/html", "application/x-dtbook+xml"}
_SMALL_XML = 8 * 1024 * 1024
_HTML_SUFFIXES = (".xhtml", ".html", ".htm")


def _local(tag: object) -> str:
    text = str(tag)
    return text.rsplit("}", 1)[-1] if "}" in text else text


def _children(element: Any, name: str) -> list[Any]:
    return [child for child in element.iter() if _local(child.tag) == name]


def _resolve(base_dir: str, href: str, name: str) -> str:
    target = unquote(urldefrag(href)[0])
    if not target:
        return ""
    joined = posixpath.normpath(posixpath.join(base_dir, target))
    if joined.startswith(("../", "/")) or joined == "..":
        raise DocumentError(
            f"{name} refers to a file outside the book ({href[:80]!r}); it was not read."
        )
    return joined


def _package_path(archive: Any, name: str) -> str:
    container = guards.parse_xml(
        guards.read_member(archive, _CONTAINER, name, limit=_SMALL_XML),
        name,
        part=_CONTAINER,
        allow_doctype=True,
    )
    for rootfile in _children(container, "rootfile"):
        media_type = rootfile.get("media-type", "application/oebps-package+xml")
        path = rootfile.get("full-path")
        if path and media_type == "application/oebps-package+xml":
            return _resolve("", path, name)
    raise DocumentError(f"{name} is damaged (its container names no book package).")


def _toc_labels(
    archive: Any, name: str, opf_dir: str, manifest: dict[str, Any], toc_id: str | None
) -> dict[str, str]:
    """Map content file paths to their first table-of-contents label."""
    labels: dict[str, str] = {}
    nav_item = next(
        (item for item in manifest.values() if "nav" in (item.get("properties") or "").split()),
        None,
    )
    ncx_item = manifest.get(toc_id) if toc_id else None
    try:
        if nav_item is not None:
            path = _resolve(opf_dir, nav_item.get("href", ""), name)
            root = guards.parse_xml(
                guards.read_member(archive, path, name, limit=_SMALL_XML),
                name,
                part=path,
                allow_doctype=True,
            )
            for link in _children(root, "a"):
                target = _resolve(posixpath.dirname(path), link.get("href", ""), name)
                label = " ".join("".join(link.itertext()).split())
                if target and label:
                    labels.setdefault(target, label)
        elif ncx_item is not None:
            path = _resolve(opf_dir, ncx_item.get("href", ""), name)
            root = guards.parse_xml(
                guards.read_member(archive, path, name, limit=_SMALL_XML),
                name,
                part=path,
                allow_doctype=True,
            )
            for point in _children(root, "navPoint"):
                texts = _children(point, "text")
                contents = _children(point, "content")
                if not texts or not contents:
                    continue
                target = _resolve(posixpath.dirname(path), contents[0].get("src", ""), name)
                label = " ".join("".join(texts[0].itertext()).split())
                if target and label:
                    labels.setdefault(target, label)
    except DocumentError as exc:
        if "outside the book" in str(exc) or "entities" in str(exc):
            raise
        return {}  # a damaged table of contents only costs the chapter names
    return labels


def extract_epub(
    handle: BinaryIO, name: str, *, size: int
) -> Generator[ExtractProgress, None, Extraction]:
    """Extract an EPUB opened as ``handle``, chapter by chapter in spine order."""
    archive = guards.open_archive(handle, name, archive_size=size)
    with archive:
        opf_path = _package_path(archive, name)
        opf_dir = posixpath.dirname(opf_path)
        package = guards.parse_xml(
            guards.read_member(archive, opf_path, name, limit=_SMALL_XML),
            name,
            part=opf_path,
            allow_doctype=True,
        )
        titles = [" ".join("".join(t.itertext()).split()) for t in _children(package, "title")]
        title = next((text for text in titles if text), None)
        manifest: dict[str, Any] = {
            item.get("id"): item for item in _children(package, "item") if item.get("id")
        }
        spines = _children(package, "spine")
        if not spines:
            raise DocumentError(f"{name} is damaged (its package has no reading order).")
        spine = spines[0]
        itemrefs = [ref.get("idref") for ref in _children(spine, "itemref")]
        labels = _toc_labels(archive, name, opf_dir, manifest, spine.get("toc"))
        drafts: list[Draft] = []
        warnings: list[str] = []
        skipped = 0
        chapter = 0
        for position, idref in enumerate(itemrefs, start=1):
            item = manifest.get(idref)
            if item is None:
                skipped += 1
                continue
            media_type = item.get("media-type", "")
            href = item.get("href", "")
            path = _resolve(opf_dir, href, name)
            if media_type not in _HTML_TYPES and not path.lower().endswith(_HTML_SUFFIXES):
                skipped += 1
                continue
            data = guards.read_member(archive, path, name, limit=guards.MAX_XML_BYTES)
            guards.refuse_entities(data, name, allow_doctype=True)
            decoded = decode_text(data, name, honour_declared=True)
            _, blocks = html_blocks(decoded.text, web_page=False)
            chapter += 1
            label = labels.get(path)
            preamble = heading_anchor(label) if label else f"chapter {chapter}"
            drafts.extend(group_by_headings(blocks, preamble_anchor=preamble, chapter=chapter))
            yield ExtractProgress("chapters", position, len(itemrefs))
        if skipped:
            warnings.append(f"Skipped {skipped} non-text item(s) in the reading order.")
    return Extraction(format="epub", drafts=drafts, title=title, warnings=warnings)
