"""Paints one message: a rich-text document (Markdown, highlighted code) in a bubble.

Documents and sizes are cached per (message, revision, width, theme), so scrolling through a
long conversation lays each message out once. Actions are links inside the document
(``hearth:copy``, ``hearth:regenerate``, ``hearth:prev`` ...) that the view hit-tests.
"""

from __future__ import annotations

import html
from collections import OrderedDict
from dataclasses import dataclass

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QAbstractTextDocumentLayout, QColor, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.chat.markdown import (
    DARK,
    LIGHT,
    Palette,
    render_markdown,
    render_plain,
    settled_length,
)
from app.chat.model import ChatRoles, ChatRow
from app.composer.attachments import collapse_documents

OUTER_MARGIN = 12
VERTICAL_GAP = 6
USER_BUBBLE_SHARE = 0.82
_CACHE_LIMIT = 400

Index = QModelIndex | QPersistentModelIndex


def _tr(text: str) -> str:
    return QCoreApplication.translate("MessageDelegate", text)


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Base).lightness() < 128


@dataclass
class _Layout:
    """A message laid out: one document, or for a streaming answer a stack of parts."""

    parts: list[QTextDocument]
    """Drawn one under the other. A streaming answer is [header, finished chunks..., tail]:
    each finished chunk is laid out once and only the tail changes as tokens arrive."""
    code_blocks: list[str]
    bubble: QRect
    """Where the parts sit, relative to the item's top-left corner."""
    settled: int = 0
    """Streaming: how much of the text the finished chunks hold."""
    settled_blocks: int = 0
    """Streaming: how many code blocks the finished chunks hold."""

    def part_at(self, y: float) -> tuple[QTextDocument, float]:
        """The part under ``y`` (bubble coordinates) and its top."""
        top = 0.0
        for part in self.parts:
            height = part.size().height()
            if y < top + height:
                return part, top
            top += height
        return self.parts[-1], top - self.parts[-1].size().height()

    @property
    def height(self) -> int:
        return int(sum(part.size().height() for part in self.parts)) + 1


def _status_line(row: ChatRow, palette: Palette) -> str:
    warn = "#b35900" if palette is LIGHT else "#e3a35b"
    message = row.message
    if row.streaming:
        writing = html.escape(QCoreApplication.translate("MessageDelegate", "writing…"))
        return f'<p style="color:{palette.muted};">{writing}</p>'
    notes = {
        "cancelled": QCoreApplication.translate("MessageDelegate", "Stopped before the end."),
        "interrupted": QCoreApplication.translate(
            "MessageDelegate", "Interrupted: Hearth closed while this answer was being written."
        ),
        "error": QCoreApplication.translate(
            "MessageDelegate", "This answer failed: {error}"
        ).format(error=message.error or "?"),
    }
    if message.status == "interrupted" and message.error:  # a remote engine's stream was cut
        notes["interrupted"] = QCoreApplication.translate(
            "MessageDelegate", "Interrupted: {error}"
        ).format(error=message.error)
    note = notes.get(message.status)
    if note is None and row.finish_reason == "length":
        note = QCoreApplication.translate("MessageDelegate", "Cut at the answer length limit.")
    if note is None and row.finish_reason == "context_full":
        note = QCoreApplication.translate("MessageDelegate", "Stopped: the context is full.")
    if note is None:
        return ""
    return f'<p style="color:{warn};">⚠ {html.escape(note)}</p>'


def _footer(row: ChatRow, palette: Palette) -> str:
    if row.streaming:
        return ""
    links: list[tuple[str, str]] = [
        ("hearth:copy", QCoreApplication.translate("MessageDelegate", "Copy"))
    ]
    if row.message.role == "assistant":
        links.append(
            ("hearth:regenerate", QCoreApplication.translate("MessageDelegate", "Regenerate"))
        )
        if row.resumable:
            links.append(
                ("hearth:continue", QCoreApplication.translate("MessageDelegate", "Continue"))
            )
    else:
        links.append(("hearth:edit", QCoreApplication.translate("MessageDelegate", "Edit")))
    parts = [
        f'<a href="{href}" style="color:{palette.link}; text-decoration:none;">'
        f"{html.escape(label)}</a>"
        for href, label in links
    ]
    if row.siblings.count > 1:
        previous = (
            f'<a href="hearth:prev" style="color:{palette.link}; text-decoration:none;">\u2039</a>'
            if row.siblings.index > 0
            else f'<span style="color:{palette.muted};">\u2039</span>'
        )
        following = (
            f'<a href="hearth:next" style="color:{palette.link}; text-decoration:none;">\u203a</a>'
            if row.siblings.index < row.siblings.count - 1
            else f'<span style="color:{palette.muted};">\u203a</span>'
        )
        parts.append(
            f"{previous}&nbsp;{row.siblings.index + 1}/{row.siblings.count}&nbsp;{following}"
        )
    return f'<p style="color:{palette.muted};">' + " &nbsp;·&nbsp; ".join(parts) + "</p>"


def _stats_line(row: ChatRow, palette: Palette) -> str:
    extra = row.message.stats.extra or {}
    tps = extra.get("tokens_per_s")
    tokens = row.message.stats.completion_tokens
    if row.streaming or row.message.role != "assistant" or not isinstance(tps, int | float):
        return ""
    text = QCoreApplication.translate(
        "MessageDelegate", "{tokens} tokens · {tps:.1f} tokens/s"
    ).format(tokens=tokens or 0, tps=tps)
    return f'<span style="color:{palette.muted};">{html.escape(text)}</span>'


def message_html(row: ChatRow, palette: Palette) -> tuple[str, list[str]]:
    """The HTML of one message and the sources of its code blocks."""
    if row.message.role == "user":
        shown, documents = collapse_documents(row.text)
        body, blocks = render_plain(shown), []
        for name in documents:
            note = QCoreApplication.translate(
                "MessageDelegate", "{name}: its text went with this message"
            ).format(name=name)
            body += f'<p style="color:{palette.muted};">▤ {html.escape(note)}</p>'

    else:
        rendered = render_markdown(
            row.text or ("…" if row.streaming else ""),
            palette,
            copy_label=QCoreApplication.translate("MessageDelegate", "Copy"),
            streaming=row.streaming,
        )
        body, blocks = rendered.html, rendered.code_blocks
    attachments = ""
    if row.message.attachments:
        names = ", ".join(html.escape(a.filename or a.kind) for a in row.message.attachments)
        label = html.escape(QCoreApplication.translate("MessageDelegate", "Attached:"))
        attachments = f'<p style="color:{palette.muted};">{label} {names}</p>'
    return (
        message_header(row, palette)
        + attachments
        + body
        + _status_line(row, palette)
        + _footer(row, palette),
        blocks,
    )


def message_header(row: ChatRow, palette: Palette) -> str:
    """Who wrote the message, with the answer's figures once it is finished."""
    if row.message.role == "user":
        who = QCoreApplication.translate("MessageDelegate", "You")
    else:
        who = QCoreApplication.translate("MessageDelegate", "Hearth")
    stats = _stats_line(row, palette)
    return (
        f'<p style="color:{palette.muted};"><b>{html.escape(who)}</b>'
        f"{' &nbsp; ' + stats if stats else ''}</p>"
    )


class MessageDelegate(QStyledItemDelegate):
    """Draws messages from a ``ChatModel``; ``anchor_at`` finds the link under a point."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # One layout per message (its newest revision at the current width), least recently
        # used first: a streaming answer replaces its own entry instead of evicting others.
        self._layouts: OrderedDict[int, tuple[tuple[int, int, bool, int], _Layout]] = OrderedDict()
        self._generation = 0

    def invalidate(self) -> None:
        """Forget every layout (theme, font or language changed)."""
        self._layouts.clear()
        self._generation += 1

    def _layout(self, option: QStyleOptionViewItem, index: Index) -> _Layout:
        row: ChatRow = index.data(ChatRoles.ROW)
        width = max(200, option.rect.width())
        dark = is_dark(option.palette)
        key = (row.revision, width, dark, self._generation)
        cached = self._layouts.get(row.message.id)
        if cached is not None and cached[0] == key:
            self._layouts.move_to_end(row.message.id)
            return cached[1]
        palette = DARK if dark else LIGHT
        available = width - 2 * OUTER_MARGIN
        if row.streaming and row.message.role == "assistant":
            previous = cached[1] if cached is not None and cached[0][1:] == key[1:] else None
            layout = self._streaming_layout(row, option, palette, available, previous)
        else:
            markup, blocks = message_html(row, palette)
            document = self._document(option, markup)
            if row.message.role == "user":
                document.setTextWidth(available * USER_BUBBLE_SHARE)
                ideal = min(available * USER_BUBBLE_SHARE, document.idealWidth() + 20)
                document.setTextWidth(max(160.0, ideal))
                doc_width = int(document.size().width())
                bubble = QRect(width - OUTER_MARGIN - doc_width, VERTICAL_GAP, doc_width, 0)
            else:
                document.setTextWidth(available)
                bubble = QRect(OUTER_MARGIN, VERTICAL_GAP, int(available), 0)
            layout = _Layout([document], blocks, bubble)
        layout.bubble.setHeight(layout.height)
        self._layouts[row.message.id] = (key, layout)
        self._layouts.move_to_end(row.message.id)
        while len(self._layouts) > _CACHE_LIMIT:
            self._layouts.popitem(last=False)
        return layout

    @staticmethod
    def _document(
        option: QStyleOptionViewItem, markup: str, *, top: bool = True, bottom: bool = True
    ) -> QTextDocument:
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(10)
        if not (top and bottom):  # a part of a stack: no margin where the parts meet
            frame = document.rootFrame().frameFormat()
            if not top:
                frame.setTopMargin(0)
            if not bottom:
                frame.setBottomMargin(0)
            document.rootFrame().setFrameFormat(frame)
        document.setHtml(markup)
        return document

    def _streaming_layout(
        self,
        row: ChatRow,
        option: QStyleOptionViewItem,
        palette: Palette,
        available: float,
        previous: _Layout | None,
    ) -> _Layout:
        """An answer being written: earlier parts are reused, only new text is laid out.

        The cost of a token is the cost of the unfinished paragraph (or code block), not of
        the whole answer; the finished message is laid out again as one document.
        """
        text = row.text
        copy = _tr("Copy")
        if previous is None or len(previous.parts) < 2 or len(text) < previous.settled:
            header = self._document(option, message_header(row, palette), bottom=False)
            header.setTextWidth(available)
            layout = _Layout([header], [], QRect(OUTER_MARGIN, VERTICAL_GAP, int(available), 0))
        else:
            layout = _Layout(
                previous.parts[:-1],
                previous.code_blocks[: previous.settled_blocks],
                QRect(previous.bubble),
                previous.settled,
                previous.settled_blocks,
            )
        settled = settled_length(text, layout.settled)
        if settled > layout.settled and not text[layout.settled : settled].strip():
            layout.settled = settled  # only blank lines: nothing to draw
        if settled > layout.settled:
            chunk = render_markdown(
                text[layout.settled : settled],
                palette,
                copy_label=copy,
                first_block=layout.settled_blocks,
            )
            part = self._document(option, chunk.html, top=False, bottom=False)
            part.setTextWidth(available)
            layout.parts.append(part)
            layout.code_blocks += chunk.code_blocks
            layout.settled = settled
            layout.settled_blocks = len(layout.code_blocks)
        tail = render_markdown(
            text[layout.settled :] or ("" if layout.settled else "…"),
            palette,
            copy_label=copy,
            streaming=True,
            first_block=layout.settled_blocks,
        )
        end = self._document(option, tail.html + _status_line(row, palette), top=False)
        end.setTextWidth(available)
        layout.parts.append(end)
        layout.code_blocks = layout.code_blocks + tail.code_blocks
        return layout

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        layout = self._layout(option, index)
        return QSize(option.rect.width(), layout.bubble.height() + 2 * VERTICAL_GAP)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        layout = self._layout(option, index)
        row: ChatRow = index.data(ChatRoles.ROW)
        rect: QRect = option.rect
        palette: QPalette = option.palette
        state = option.state
        painter.save()
        bubble = layout.bubble.translated(rect.topLeft())
        if row.message.role == "user":
            color = QColor(palette.color(QPalette.ColorRole.Highlight))
            color.setAlpha(40 if not is_dark(palette) else 70)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(color)
            painter.drawRoundedRect(QRectF(bubble), 10, 10)
        if state & QStyle.StateFlag.State_HasFocus or state & QStyle.StateFlag.State_Selected:
            focus = QColor(palette.color(QPalette.ColorRole.Highlight))
            painter.setPen(focus)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(bubble).adjusted(0.5, 0.5, -0.5, -0.5), 10, 10)
        painter.translate(bubble.topLeft())
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, palette.color(QPalette.ColorRole.Text))
        for part in layout.parts:
            height = part.size().height()
            context.clip = QRectF(0, 0, bubble.width(), height)
            part.documentLayout().draw(painter, context)
            painter.translate(0, height)
        painter.restore()

    def anchor_at(self, option: QStyleOptionViewItem, index: Index, pos: QPoint) -> str | None:
        """The link under ``pos`` (view coordinates), if any."""
        layout = self._layout(option, index)
        rect: QRect = option.rect
        bubble = layout.bubble.translated(rect.topLeft())
        if not bubble.contains(pos):
            return None
        local = (pos - bubble.topLeft()).toPointF()
        part, top = layout.part_at(local.y())
        anchor = part.documentLayout().anchorAt(local - QPointF(0, top))
        return anchor or None

    def rendered(self, option: QStyleOptionViewItem, index: Index) -> tuple[str, str]:
        """The plain text and the HTML drawn for a message (all of its parts)."""
        parts = self._layout(option, index).parts
        return (
            "\n".join(part.toPlainText() for part in parts),
            "\n".join(part.toHtml() for part in parts),
        )

    def code_block(self, option: QStyleOptionViewItem, index: Index, number: int) -> str | None:
        blocks = self._layout(option, index).code_blocks
        return blocks[number] if 0 <= number < len(blocks) else None
