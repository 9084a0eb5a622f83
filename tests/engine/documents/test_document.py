"""The document model: anchors, offsets and the JSON round trip the sandbox relies on."""

from __future__ import annotations

import json

import pytest

from engine.documents import SECTION_SEPARATOR, ExtractedDocument, Section
from engine.documents.document import heading_anchor, line_anchor, page_anchor


def _document() -> ExtractedDocument:
    return ExtractedDocument(
        path="/tmp/report.pdf",
        sha256="ab" * 32,
        format="pdf",
        title="Report",
        sections=(
            Section(index=0, anchor="p. 1", text="First page.", page_start=1, page_end=1),
            Section(index=1, anchor="p. 3", text="Third\n\npage.", page_start=3, page_end=3),
        ),
        pages=3,
        scanned_pages=(2,),
        warnings=("1 page(s) have no text layer (scanned?): 2.",),
        size_bytes=1234,
    )


def test_anchors() -> None:
    assert page_anchor(3) == "p. 3"
    assert page_anchor(3, 3) == "p. 3"
    assert page_anchor(3, 5) == "pp. 3\u20135"
    assert line_anchor(7, 7) == "line 7"
    assert line_anchor(7, 42) == "lines 7\u201342"
    assert heading_anchor("  Results \n and   Discussion ") == "§ Results and Discussion"
    long = heading_anchor("word " * 40)
    assert len(long) <= 82 and long.endswith("\u2026")


def test_text_and_section_spans() -> None:
    document = _document()
    text = document.text
    assert text == "First page." + SECTION_SEPARATOR + "Third\n\npage."
    for section, (start, end) in zip(document.sections, document.section_spans, strict=True):
        assert text[start:end] == section.text
    assert not document.is_empty


def test_json_round_trip() -> None:
    document = _document()
    data = json.loads(json.dumps(document.to_dict()))
    assert ExtractedDocument.from_dict(data) == document


def test_bad_data_is_rejected() -> None:
    data = _document().to_dict()
    with pytest.raises(ValueError, match="unknown document format"):
        ExtractedDocument.from_dict({**data, "format": "exe"})
    with pytest.raises(ValueError, match="section 0 has index 5"):
        ExtractedDocument(
            path="x",
            sha256="0",
            format="text",
            title=None,
            sections=(Section(index=5, anchor="line 1", text="x"),),
        )
