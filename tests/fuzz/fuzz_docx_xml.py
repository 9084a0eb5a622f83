"""Fuzz harness: Word's ``word/document.xml`` inside an otherwise valid ``.docx``.

Input: the XML of the document part; it is packed with the other members of a real
python-docx document (see ``zip_members``) and extracted as the sandbox child extracts it.
"""

from __future__ import annotations

from document_target import target
from harness import main
from zip_members import docx_template, docx_with

_extract = target(".docx")
_TEMPLATE = docx_template()


def one_input(data: bytes) -> None:
    _extract(docx_with(data, _TEMPLATE))


if __name__ == "__main__":
    main(one_input)
