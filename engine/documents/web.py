"""HTML (and EPUB XHTML) to text: the main content only, split at headings.

Parsing is BeautifulSoup over lxml's HTML parser, on text decoded by
:mod:`engine.documents.encoding`; nothing is ever fetched (images, stylesheets, frames and scripts
are dropped, not followed). Boilerplate removal: scripts, styles, navigation, headers, footers,
asides, forms and hidden elements go; ``<main>`` (or the largest ``<article>``, or
``role="main"``) is used when present; otherwise link-heavy blocks (menus, tag clouds) are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator

from bs4 import BeautifulSoup, Comment, Doctype, Tag
from bs4.element import NavigableString

from engine.documents import cleanup, guards
from engine.documents.document import ExtractProgress, heading_anchor
from engine.documents.encoding import decode_text
from engine.documents.structure import Block, Extraction, group_by_headings

_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "math",
    "canvas",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "video",
    "audio",
    "picture",
    "img",
    "form",
    "button",
    "select",
    "input",
    "textarea",
    "head",
    "link",
    "meta",
)
_BOILERPLATE_TAGS = ("nav", "header", "footer", "aside", "menu", "dialog")
_BOILERPLATE_ROLES = {"navigation", "banner", "contentinfo", "complementary", "search", "menu"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCK_TAGS = {
    "p",
    "div",
    "section",
    "article",
    "main",
    "blockquote",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "figure",
    "figcaption",
    "address",
    "hr",
    "body",
    "html",
    "center",
    "details",
    "summary",
    "caption",
    "nav",
    "header",
    "footer",
    "aside",
}
_LINK_HEAVY_TAGS = ("ul", "ol", "div", "table", "section", "p")


def _is_hidden(tag: Tag) -> bool:
    if tag.has_attr("hidden") or str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    return bool(_HIDDEN_STYLE.search(str(tag.get("style", ""))))


def _prune(root: Tag, *, web_page: bool) -> None:
    for node in root.find_all(string=lambda text: isinstance(text, Comment | Doctype)):
        node.extract()
    for tag in root.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in root.find_all(True):
        if tag.decomposed:
            continue
        role = str(tag.get("role", "")).lower()
        if tag.name == "header" and tag.find_parent(["article", "main"]) is not None:
            continue  # an article's own header holds its headline
        boilerplate = tag.name in _BOILERPLATE_TAGS or role in _BOILERPLATE_ROLES
        if not web_page:
            boilerplate = tag.name == "nav" or role == "navigation"
        if boilerplate or _is_hidden(tag):
            tag.decompose()


def _text_length(tag: Tag) -> int:
    return len("".join(tag.stripped_strings))


def _main_root(soup: BeautifulSoup) -> tuple[Tag, bool]:
    """The element holding the main content, and whether it was identified explicitly."""
    mains = [*soup.find_all("main"), *soup.find_all(True, attrs={"role": "main"})]
    if mains:
        return max(mains, key=_text_length), True
    articles = soup.find_all("article")
    if articles:
        return max(articles, key=_text_length), True
    body = soup.body
    return (body if body is not None else soup), False


def _drop_link_heavy(root: Tag) -> None:
    for tag in root.find_all(_LINK_HEAVY_TAGS):
        if tag.decomposed:
            continue
        total = _text_length(tag)
        if total == 0:
            continue
        linked = sum(_text_length(link) for link in tag.find_all("a"))
        if linked / total > 0.6 and total < 2000:
            tag.decompose()


class _Walker:
    """Linearise an element tree into heading and paragraph blocks."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._inline: list[str] = []

    def flush(self) -> None:
        text = "".join(self._inline)
        self._inline = []
        lines = [cleanup.collapse_spaces(line) for line in text.split("\n")]
        joined = "\n".join(line for line in lines if line)
        if joined:
            self.blocks.append(Block(text=joined))

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, Comment | Doctype):
                    self._inline.append(re.sub(r"\s+", " ", str(child)))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name in _HEADINGS:
                self.flush()
                heading = cleanup.collapse_spaces(child.get_text(" "))
                if heading:
                    self.blocks.append(Block(text=heading, level=_HEADINGS[name]))
            elif name == "br":
                self._inline.append("\n")
            elif name == "pre":
                self.flush()
                text = cleanup.clean_characters(child.get_text()).strip("\n")
                if text.strip():
                    self.blocks.append(Block(text=cleanup.rstrip_lines(text)))
            elif name == "table":
                self.flush()
                rows = list(_table_rows(child))
                if rows:
                    self.blocks.append(Block(text="\n".join(rows)))
            elif name == "li":
                self.flush()
                self._inline.append("- ")
                self.walk(child)
                self.flush()
            elif name in _BLOCK_TAGS:
                self.flush()
                self.walk(child)
                self.flush()
            else:
                self.walk(child)


def _table_rows(table: Tag) -> Iterator[str]:
    for row in table.find_all("tr"):
        if row.find_parent("table") is not table:
            continue  # rows of a nested table are part of their cell's text
        cells = [
            cleanup.collapse_spaces(cell.get_text(" "))
            for cell in row.find_all(["td", "th"])
            if cell.find_parent("tr") is row
        ]
        if any(cells):
            yield " | ".join(cells)


def html_blocks(markup: str, *, web_page: bool = True) -> tuple[str | None, list[Block]]:
    """Parse HTML text; return its title and the main-content blocks.

    ``web_page=False`` (EPUB chapters) keeps everything but scripts, styles, navigation and
    hidden elements: a book chapter has no menus to strip.
    """
    soup = BeautifulSoup(markup, "lxml")
    title_tag = soup.find("title")
    title = cleanup.collapse_spaces(title_tag.get_text(" ")) if title_tag is not None else ""
    _prune(soup, web_page=web_page)
    root, explicit = _main_root(soup)
    if web_page and not explicit:
        _drop_link_heavy(root)
    walker = _Walker()
    walker.walk(root)
    walker.flush()
    return title or None, walker.blocks


def extract_html(data: bytes, name: str) -> Generator[ExtractProgress, None, Extraction]:
    """Extract an HTML file's main content."""
    guards.refuse_entities(data, name, allow_doctype=True)
    decoded = decode_text(data, name, honour_declared=True)
    yield ExtractProgress("decoded", 1, 2)
    title, blocks = html_blocks(decoded.text)
    if title is None:
        title = next((block.text for block in blocks if block.level == 1), None)
    warnings = []
    if decoded.guessed:
        warnings.append(f"The text encoding was guessed as {decoded.encoding}.")
    drafts = group_by_headings(blocks, preamble_anchor=heading_anchor(title) if title else "start")
    yield ExtractProgress("parsed", 2, 2)
    return Extraction(
        format="html", drafts=drafts, title=title, warnings=warnings, encoding=decoded.encoding
    )
