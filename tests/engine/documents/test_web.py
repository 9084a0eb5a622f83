"""HTML extraction: main content, boilerplate removal, encodings, entities, nothing fetched."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pytest

from engine.documents import DocumentError, extract_unsafe

Watch = Callable[[], AbstractContextManager[list[tuple[str, str]]]]

PAGE = """<!DOCTYPE html>
<html lang="en"><head>
  <meta charset="utf-8"><title>Hearth  release notes</title>
  <link rel="stylesheet" href="http://127.0.0.1:9/style.css">
  <script src="http://127.0.0.1:9/tracker.js"></script>
  <script>document.write("SCRIPT TEXT")</script>
  <style>body { color: red } /* STYLE TEXT */</style>
</head><body>
  <header><a href="/">Home</a> <a href="/blog">Blog</a> SITE BANNER</header>
  <nav><ul><li><a href="/a">Menu A</a></li><li><a href="/b">Menu B</a></li></ul></nav>
  <main>
    <article>
      <header><h1>Release 1.0</h1></header>
      <p>Hearth now reads <b>long</b>   documents
         locally.</p>
      <img src="http://127.0.0.1:9/photo.png" alt="a photo">
      <iframe src="http://127.0.0.1:9/embed"></iframe>
      <h2>What changed</h2>
      <ul><li>Page citations</li><li>Token budget</li></ul>
      <table><tr><th>Format</th><th>Reader</th></tr>
             <tr><td>PDF</td><td>PDFium</td></tr></table>
      <pre>def keep():
    return "indentation"</pre>
      <p hidden>HIDDEN TEXT</p>
      <p style="display: none">INVISIBLE TEXT</p>
      <!-- COMMENT TEXT -->
    </article>
  </main>
  <aside>SIDEBAR TEXT</aside>
  <footer>FOOTER TEXT &copy; 2026</footer>
</body></html>"""


def test_main_content_is_kept_and_boilerplate_dropped(tmp_path: Path) -> None:
    path = tmp_path / "notes.html"
    path.write_text(PAGE, encoding="utf-8")

    document = extract_unsafe(path)

    assert document.format == "html"
    assert document.title == "Hearth release notes"
    assert [section.anchor for section in document.sections] == [
        "§ Release 1.0",
        "§ What changed",
    ]
    assert document.sections[0].text == ("Release 1.0\n\nHearth now reads long documents locally.")
    assert document.sections[1].text == (
        "What changed\n\n- Page citations\n\n- Token budget\n\nFormat | Reader\nPDF | PDFium\n\n"
        'def keep():\n    return "indentation"'
    )
    for junk in (
        "SCRIPT",
        "STYLE",
        "SITE BANNER",
        "Menu A",
        "HIDDEN",
        "INVISIBLE",
        "COMMENT",
        "SIDEBAR",
        "FOOTER",
    ):
        assert junk not in document.text


def test_nothing_referenced_by_the_page_is_fetched(tmp_path: Path, watch_io: Watch) -> None:
    path = tmp_path / "notes.html"
    path.write_text(PAGE, encoding="utf-8")

    with watch_io() as log:
        extract_unsafe(path)

    assert [entry for entry in log if entry[0] != "open"] == []
    opened = {entry[1] for entry in log}
    assert not [name for name in opened if "127.0.0.1" in name or name.startswith("http")]


def test_without_main_element_link_heavy_blocks_are_dropped(tmp_path: Path) -> None:
    links = "".join(f'<a href="/p{n}">Link number {n}</a> ' for n in range(30))
    html = (
        "<html><body><div class='menu'>" + links + "</div>"
        "<div><h1>Story</h1><p>The actual story text is here, with a "
        "<a href='/x'>single link</a> inside a long sentence of normal prose.</p></div>"
        "</body></html>"
    )
    path = tmp_path / "story.htm"
    path.write_text(html, encoding="utf-8")

    document = extract_unsafe(path)

    assert "Link number" not in document.text
    assert "single link inside a long sentence" in document.text
    assert document.title == "Story"


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("shift_jis", "暖房と冷房の運転を切り替えます。温度を上げてください。"),
        ("gbk", "北京是中国的首都。我们今天去公园散步。"),
        ("windows-1252", "Crème brûlée, naïve café — “quoted”."),
    ],
)
def test_a_declared_charset_is_honoured(tmp_path: Path, encoding: str, text: str) -> None:
    html = f'<html><head><meta charset="{encoding}"></head><body><p>{text}</p></body></html>'
    path = tmp_path / "page.html"
    path.write_bytes(html.encode(encoding))

    document = extract_unsafe(path)

    assert document.text == text
    assert document.warnings == ()


def test_an_undeclared_utf16_page_is_read(tmp_path: Path) -> None:
    path = tmp_path / "wide.html"
    path.write_bytes("<html><body><p>Ünïcödé wide page</p></body></html>".encode("utf-16"))
    assert extract_unsafe(path).text == "Ünïcödé wide page"


def test_entity_declarations_in_html_are_refused(tmp_path: Path) -> None:
    html = (
        '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><html><body><p>&b;</p></body></html>'
    )
    path = tmp_path / "laughs.xhtml"
    path.write_text(html, encoding="utf-8")

    with pytest.raises(DocumentError, match="declares XML entities"):
        extract_unsafe(path)


def test_a_page_without_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><body><script>x()</script><img src=a.png></body></html>")

    with pytest.raises(DocumentError, match=r"^empty\.html contains no text\.$"):
        extract_unsafe(path)


def test_html_is_recognised_by_content_without_an_extension(tmp_path: Path) -> None:
    path = tmp_path / "saved_page"
    path.write_text("<!doctype html><html><body><h2>Hi</h2><p>there</p></body></html>")
    document = extract_unsafe(path)
    assert document.format == "html"
    assert document.sections[0].anchor == "§ Hi"
