"""Markdown to the HTML subset QTextDocument renders, with Pygments-highlighted code blocks.

Model output is untrusted text: raw HTML in it is shown as text (``html=False``), links keep
only safe schemes, and every code block gets a "Copy" link (``hearth:copy-code/<n>``) that the
chat view turns into a clipboard copy of the block's exact source.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from pygments import highlight  # type: ignore[import-untyped]
from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped]
from pygments.lexer import Lexer  # type: ignore[import-untyped]
from pygments.lexers import TextLexer, get_lexer_by_name  # type: ignore[import-untyped]
from pygments.styles import get_style_by_name  # type: ignore[import-untyped]
from pygments.util import ClassNotFound  # type: ignore[import-untyped]

COPY_CODE_SCHEME = "hearth:copy-code/"
CITATION_SCHEME = "hearth:cite/"
_SAFE_LINK_PREFIXES = ("http://", "https://", "mailto:", "hearth:")
_MAX_HIGHLIGHT_CHARS = 20_000  # beyond this a block is shown plain: highlighting is not free


@dataclass(frozen=True)
class Palette:
    """Colours of rendered Markdown for one theme."""

    text: str
    muted: str
    code_background: str
    code_border: str
    inline_code_background: str
    link: str
    pygments_style: str


LIGHT = Palette("#1f2328", "#656d76", "#f6f8fa", "#d0d7de", "#eff1f3", "#0969da", "friendly")
DARK = Palette("#e6edf3", "#9198a1", "#161b22", "#30363d", "#2d333b", "#4493f8", "monokai")


@dataclass
class Rendered:
    """One message as HTML, plus the exact source of each code block (for the copy links)."""

    html: str
    code_blocks: list[str] = field(default_factory=list)


@lru_cache(maxsize=8)
def _formatter(style: str) -> HtmlFormatter:
    return HtmlFormatter(style=get_style_by_name(style), noclasses=True, nowrap=True)


@lru_cache(maxsize=64)
def _lexer(language: str) -> Lexer:
    """Pygments' lexer lookup walks every lexer it knows: look each language up once."""
    name = language.strip().split()[0].lower() if language.strip() else ""
    if not name:
        return TextLexer()
    try:
        return get_lexer_by_name(name)
    except ClassNotFound:
        return TextLexer()


@lru_cache(maxsize=256)
def highlight_code(code: str, language: str, palette: Palette) -> str:
    """HTML spans with inline colours for ``code`` (plain escaped text for huge blocks).

    Cached: a finished block of a streaming answer is highlighted once, not at every flush."""
    if len(code) > _MAX_HIGHLIGHT_CHARS:
        return html.escape(code)
    return str(highlight(code, _lexer(language), _formatter(palette.pygments_style)))


class _Renderer(RendererHTML):
    """markdown-it's HTML renderer with Qt-friendly code blocks and safe links."""

    def __init__(self, parser: MarkdownIt, palette: Palette, copy_label: str) -> None:
        super().__init__(parser)
        self.palette = palette
        self.copy_label = copy_label

    def _code_block(self, code: str, language: str, env: EnvType) -> str:
        blocks: list[str] = env.setdefault("code_blocks", [])
        local = len(blocks)
        index = local + int(env.get("block_offset", 0))  # its number in the whole message
        blocks.append(code)
        if env.get("open_fence") == local:  # still being written: plain until it closes
            body = html.escape(code.rstrip("\n"))
        else:
            body = highlight_code(code.rstrip("\n"), language, self.palette).rstrip("\n")
        p = self.palette
        label = html.escape(language.strip().split()[0]) if language.strip() else "&nbsp;"
        return (
            f'<table width="100%" cellspacing="0" cellpadding="6" border="0" '
            f'style="background-color:{p.code_background}; margin-top:4px; margin-bottom:4px;">'
            f'<tr><td width="90%" style="color:{p.muted}; font-size:small;">{label}</td>'
            f'<td align="right"><a href="{COPY_CODE_SCHEME}{index}" '
            f'style="color:{p.link}; text-decoration:none;">{html.escape(self.copy_label)}</a>'
            f"</td></tr>"
            f'<tr><td colspan="2"><pre style="font-family: monospace; margin:0;">{body}</pre>'
            f"</td></tr></table>\n"
        )

    def fence(self, tokens: Sequence[Token], idx: int, _options: OptionsDict, env: EnvType) -> str:
        token = tokens[idx]
        return self._code_block(token.content, token.info, env)

    def code_block(
        self, tokens: Sequence[Token], idx: int, _options: OptionsDict, env: EnvType
    ) -> str:
        return self._code_block(tokens[idx].content, "", env)

    def code_inline(
        self, tokens: Sequence[Token], idx: int, _options: OptionsDict, _env: EnvType
    ) -> str:
        p = self.palette
        return (
            f'<code style="font-family: monospace; background-color:{p.inline_code_background};">'
            f"{html.escape(tokens[idx].content)}</code>"
        )


def _validate_link(url: str) -> bool:
    return url.lower().startswith(_SAFE_LINK_PREFIXES) or url.startswith("#")


@lru_cache(maxsize=4)
def _parser(palette: Palette, copy_label: str) -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True})
    parser.enable(["table", "strikethrough"])
    parser.validateLink = _validate_link  # type: ignore[method-assign]
    parser.renderer = _Renderer(parser, palette, copy_label)
    return parser


def _open_fence(tokens: Sequence[Token], text: str) -> int | None:
    """The number of the last code block if its fence is not closed yet (a streaming answer)."""
    blocks = [t for t in tokens if t.type in ("fence", "code_block")]
    if not blocks or blocks[-1].type != "fence" or blocks[-1].map is None:
        return None
    last = blocks[-1]
    start, end = blocks[-1].map
    lines = text.rstrip("\n").split("\n")
    if end < len(lines):
        return None  # text follows the block: it was closed
    closing = lines[-1].strip()
    closed = (
        end - start > 1
        and closing.startswith(last.markup)
        and (closing == closing[0] * len(closing))
    )
    return None if closed else len(blocks) - 1


def render_markdown(
    text: str,
    palette: Palette = LIGHT,
    *,
    copy_label: str = "Copy",
    streaming: bool = False,
    first_block: int = 0,
) -> Rendered:
    """Render ``text`` (Markdown) to HTML for a QTextDocument.

    An unclosed code fence (common while an answer streams) is rendered as a code block.
    ``first_block``: how many code blocks come before this text in the message (a streaming
    answer is rendered in parts), so the copy links number them in the whole message.
    """
    parser = _parser(palette, copy_label)
    env: EnvType = {"block_offset": first_block}
    tokens = parser.parse(text, env)
    if streaming:
        env["open_fence"] = _open_fence(tokens, text)
    body = parser.renderer.render(tokens, parser.options, env)
    body = body.replace(
        "<table>\n",
        f'<table border="1" cellspacing="0" cellpadding="4" '
        f'style="border-color:{palette.code_border}; border-style: solid;">\n',
    )
    return Rendered(html=body, code_blocks=list(env.get("code_blocks", [])))


_LONG_TAIL = 600
"""A paragraph longer than this (characters) is also cut at a line break while it streams."""
_BLOCK_STARTS = ("#", ">", "|", "-", "*", "+", "=", "`", "~")


def _plain_line(line: str) -> bool:
    """A line that can only continue a paragraph (no list, table, heading, quote, fence)."""
    stripped = line.rstrip("\n")
    if not stripped or stripped[0].isspace() or stripped.startswith(_BLOCK_STARTS):
        return False
    head = stripped.split(" ", 1)[0]
    return not (head[:-1].isdigit() and head[-1:] in ".)")


def settled_length(text: str, start: int = 0) -> int:
    """How much of a streaming answer is finished Markdown, laid out once while the rest of
    the answer is still changing.

    The text is cut where a block ends for good: at a blank line followed by an unindented
    line, before an unindented code fence, after a closed fence, and inside a long paragraph
    at a line break between two plain lines (shown as two paragraphs until the answer ends,
    when it is laid out again as a whole).

    ``start``: an earlier result for the beginning of ``text`` (a boundary, so outside any
    fence); the scan goes on from there, so a flush costs the new text, not the answer.
    """
    fence = ""
    position = start
    settled = start
    blank_end = 0  # the end of a blank line waiting for the line after it
    previous_plain = False
    for line in text[start:].splitlines(keepends=True):
        complete = line.endswith("\n")
        stripped = line.strip()
        if fence:
            if complete and stripped.startswith(fence) and stripped == stripped[0] * len(stripped):
                fence = ""
                settled = position + len(line)
            previous_plain = False
        elif stripped.startswith(("```", "~~~")):
            marker = stripped[0]
            fence = marker * (len(stripped) - len(stripped.lstrip(marker)))
            if not line[0].isspace():
                settled = position
            blank_end = 0
            previous_plain = False
        elif not stripped:
            if complete and position:
                blank_end = position + len(line)
            previous_plain = False
        else:
            if blank_end and not line[0].isspace():
                settled = blank_end
            elif previous_plain and _plain_line(line) and position - settled > _LONG_TAIL:
                settled = position
            blank_end = 0
            previous_plain = complete and _plain_line(line)
        position += len(line)
    return settled


def render_plain(text: str) -> str:
    """The user's own text: escaped, line breaks kept, no Markdown interpretation."""
    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>"
