"""Write the fixed seed corpora under ``tests/fuzz/corpus/<harness>/`` (committed).

    python tests/fuzz/make_corpus.py

Small, real, valid files made with the same writers the unit tests use (the GGUF writer of
``tests/engine/model/gguf_fixtures.py``, the PDF and EPUB writers of
``tests/engine/documents/conftest.py``, python-docx, Pillow), so the fuzzer starts from inputs
that reach deep into each parser. Regenerating is deterministic except for DOCX timestamps;
the committed files are the corpus the CI run uses.
"""

from __future__ import annotations

import io
import shutil
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import CORPUS, ROOT
from zip_members import EPUB_PARTS, PART_SEPARATOR

from tests.engine.documents.conftest import build_epub, build_pdf, chapter_xhtml
from tests.engine.model import gguf_fixtures as gguf


def gguf_seeds() -> dict[str, bytes]:
    kv = gguf.gemma3_kv("270M")
    tokens = ["<pad>", "<eos>", "<bos>", "<unk>", "▁the", "▁a", "<start_of_turn>", "<end_of_turn>"]
    with_vocab = dict(kv)
    with_vocab["tokenizer.ggml.tokens"] = (gguf.ARR, (gguf.STR, tokens))
    with_vocab["tokenizer.ggml.scores"] = (gguf.ARR, (gguf.F32, [0.0] * len(tokens)))
    with_vocab["tokenizer.ggml.token_type"] = (gguf.ARR, (gguf.I32, [3, 3, 3, 2, 1, 1, 4, 4]))
    tensors = [
        gguf.Tensor("token_embd.weight", (8, 4)),
        gguf.Tensor("blk.0.attn_q.weight", (32, 2), gguf.GGML_Q8_0),
    ]
    return {
        "gemma3-270m-header-only.gguf": gguf.build_gguf(kv),
        "gemma3-270m-vocab-tensors.gguf": gguf.build_gguf(with_vocab, tensors),
        "gemma3-270m-v2-align64.gguf": gguf.build_gguf(kv, tensors[:1], version=2, alignment=64),
    }


def _pixels(width: int, height: int) -> np.ndarray:
    y, x = np.mgrid[0:height, 0:width]
    return np.stack([x * 255 // width, y * 255 // height, (x * 7 + y * 3) % 256], -1).astype(
        np.uint8
    )


def _save(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def image_seeds() -> dict[str, bytes]:
    rgb = Image.fromarray(_pixels(24, 16))
    exif = Image.Exif()
    exif[0x0112] = 6  # shown rotated by 90 degrees
    rgba = rgb.convert("RGBA")
    rgba.putalpha(Image.linear_gradient("L").resize(rgb.size))
    grey16 = Image.fromarray(_pixels(12, 8)[..., 0].astype(np.uint16) * 257)
    frames = [rgb.convert("P"), rgb.rotate(90).convert("P")]
    gif = io.BytesIO()
    frames[0].save(gif, "GIF", save_all=True, append_images=frames[1:], duration=50)
    return {
        "rgb.png": _save(rgb, "PNG"),
        "rgba.png": _save(rgba, "PNG"),
        "palette-transparency.png": _save(rgb.convert("P"), "PNG", transparency=0),
        "rgb.jpg": _save(rgb, "JPEG", quality=80),
        "exif-rotated.jpg": _save(rgb, "JPEG", quality=80, exif=exif.tobytes()),
        "progressive.jpg": _save(rgb, "JPEG", quality=70, progressive=True),
        "grey.jpg": _save(rgb.convert("L"), "JPEG"),
        "cmyk.jpg": _save(rgb.convert("CMYK"), "JPEG"),
        "wide-crops.jpg": _save(Image.fromarray(_pixels(300, 60)), "JPEG", quality=50),
        "two-frames.gif": gif.getvalue(),
        "rgb.webp": _save(rgb, "WEBP", quality=60),
        "rgb.bmp": _save(rgb, "BMP"),
        "grey16.tif": _save(grey16, "TIFF"),
        "rgb-deflate.tif": _save(rgb, "TIFF", compression="tiff_adobe_deflate"),
    }


def pdf_seeds() -> dict[str, bytes]:
    return {
        "two-pages.pdf": build_pdf(
            [["Chapter 1", "The first page of a small book."], ["Second page", "More text."]],
            title="A tiny book",
        ),
        "scanned-page.pdf": build_pdf([["Cover"], None], image_pages=[2]),
        "sample-3-pages.pdf": (
            ROOT / "tests" / "data" / "documents" / "sample-3-pages.pdf"
        ).read_bytes(),
    }


def _docx(build: Callable[[object], None]) -> bytes:
    from docx import Document

    document = Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _report(document: object) -> None:
    document.core_properties.title = "Report"  # type: ignore[attr-defined]
    document.add_heading("Introduction", level=1)  # type: ignore[attr-defined]
    document.add_paragraph("A short paragraph with some words.")  # type: ignore[attr-defined]
    document.add_heading("Figures", level=2)  # type: ignore[attr-defined]
    table = document.add_table(rows=2, cols=2)  # type: ignore[attr-defined]
    for row, cells in enumerate((("Name", "Value"), ("alpha", "1"))):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    document.add_paragraph("After the table.", style="List Bullet")  # type: ignore[attr-defined]


def docx_seeds() -> dict[str, bytes]:
    return {"report.docx": _docx(_report)}


def docx_xml_seeds(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        return {"report-document.xml": archive.read("word/document.xml")}


def epub_seeds(scratch: Path) -> dict[str, bytes]:
    chapters = [
        ("c1", "chapter1.xhtml", chapter_xhtml("Chapter One", ["It begins.", "It goes on."])),
        ("c2", "chapter2.xhtml", chapter_xhtml("Chapter Two", ["It ends."], heading=False)),
    ]
    path = build_epub(
        scratch / "book.epub",
        chapters,
        nav_labels={"chapter1.xhtml": "One", "chapter2.xhtml": "Two"},
    )
    return {"book.epub": path.read_bytes()}


def epub_xml_seeds(scratch: Path) -> dict[str, bytes]:
    """The parts of a one-chapter book, named as ``zip_members.EPUB_PARTS`` expects."""
    chapter = chapter_xhtml("Only Chapter", ["One paragraph.", "Another one."])
    path = build_epub(
        scratch / "parts.epub",
        [("c1", "chapter1.xhtml", chapter)],
        nav_labels={"chapter1.xhtml": "1"},
    )
    with zipfile.ZipFile(path) as archive:
        parts = [archive.read(name) for name in EPUB_PARTS]
    return {"book-parts.xml": PART_SEPARATOR.join(parts)}


def html_seeds() -> dict[str, bytes]:
    page = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>News</title>"
        "<style>p{color:red}</style><script>var x = 1;</script></head><body>"
        "<nav><a href='/'>Home</a> <a href='/a'>A</a></nav><article><h1>Headline</h1>"
        "<p>First paragraph, caf\u00e9.</p><h2>Details</h2><ul><li>one</li><li>two</li></ul>"
        "<table><tr><th>k</th><th>v</th></tr><tr><td>a</td><td>1</td></tr></table>"
        "<p hidden>secret</p><pre>code  block</pre></article><footer>(c)</footer></body></html>"
    )
    latin = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
        "</head><body><p>Price: 5 \u20ac, na\u00efve</p></body></html>"
    )
    return {"article.html": page.encode("utf-8"), "windows-1252.html": latin.encode("cp1252")}


def plaintext_seeds() -> dict[str, bytes]:
    text = "A title\n\nA first paragraph\nthat wraps.\n\n  Indented line\n\nLast words.\n"
    markdown = (
        "# Heading\n\nSome *text* with `code`.\n\n## Sub\n\n- item\n- item two\n\n"
        "```python\nprint('hi')\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nSetext\n======\n"
    )
    # First byte: even = .txt, odd = .md (see fuzz_plaintext.py).
    return {
        "utf8.txt.bin": b"\x00" + text.encode("utf-8"),
        "utf16-bom.txt.bin": b"\x00" + text.encode("utf-16"),
        "cp1252.txt.bin": b"\x00"
        + "Caf\u00e9 cr\u00e8me \u2013 \u20ac5\n\nna\u00efve".encode("cp1252"),
        "shift-jis.txt.bin": b"\x00" + "日本語のテキストです。\n\n二段落目。".encode("shift_jis"),
        "notes.md.bin": b"\x01" + markdown.encode("utf-8"),
    }


def write_all(root: Path = CORPUS) -> dict[str, int]:
    scratch = root / ".scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    try:
        docx = docx_seeds()
        epub = epub_seeds(scratch)
        sets = {
            "gguf_header": gguf_seeds(),
            "image_loading": image_seeds(),
            "pdf": pdf_seeds(),
            "docx": docx,
            "docx_xml": docx_xml_seeds(docx["report.docx"]),
            "epub": epub,
            "epub_xml": epub_xml_seeds(scratch),
            "html": html_seeds(),
            "plaintext": plaintext_seeds(),
        }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    counts = {}
    for harness, seeds in sets.items():
        directory = root / harness
        shutil.rmtree(directory, ignore_errors=True)
        directory.mkdir(parents=True)
        for name, data in seeds.items():
            (directory / name).write_bytes(data)
        counts[harness] = len(seeds)
    return counts


if __name__ == "__main__":
    for harness, count in write_all().items():
        print(f"{harness}: {count} seeds")
