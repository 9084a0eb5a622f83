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
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QAbstractTextDocumentLayout, QColor, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.chat.markdown import DARK, LIGHT, Palette, render_markdown, render_plain
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
    document: QTextDocument
    code_blocks: list[str]
    bubble: QRect
    """Where the document sits, relative to the item's top-left corner."""


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
        who = QCoreApplication.translate("MessageDelegate", "You")
        shown, documents = collapse_documents(row.text)
        body, blocks = render_plain(shown), []
        for name in documents:
            note = QCoreApplication.translate(
                "MessageDelegate", "{name}: its text went with this message"
            ).format(name=name)
            body += f'<p style="color:{palette.muted};">▤ {html.escape(note)}</p>'

    else:
        who = QCoreApplication.translate("MessageDelegate", "Hearth")
        rendered = render_markdown(
            row.text or ("…" if row.streaming else ""),
            palette,
            copy_label=QCoreApplication.translate("MessageDelegate", "Copy"),
        )
        body, blocks = rendered.html, rendered.code_blocks
    attachments = ""
    if row.message.attachments:
        names = ", ".join(html.escape(a.filename or a.kind) for a in row.message.attachments)
        label = html.escape(QCoreApplication.translate("MessageDelegate", "Attached:"))
        attachments = f'<p style="color:{palette.muted};">{label} {names}</p>'
    stats = _stats_line(row, palette)
    header = (
        f'<p style="color:{palette.muted};"><b>{html.escape(who)}</b>'
        f"{' &nbsp; ' + stats if stats else ''}</p>"
    )
    return (
        header + attachments + body + _status_line(row, palette) + _footer(row, palette),
        blocks,
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
        markup, blocks = message_html(row, palette)
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(10)
        document.setHtml(markup)
        available = width - 2 * OUTER_MARGIN
        if row.message.role == "user":
            document.setTextWidth(available * USER_BUBBLE_SHARE)
            ideal = min(available * USER_BUBBLE_SHARE, document.idealWidth() + 20)
            document.setTextWidth(max(160.0, ideal))
            doc_width = int(document.size().width())
            bubble = QRect(width - OUTER_MARGIN - doc_width, VERTICAL_GAP, doc_width, 0)
        else:
            document.setTextWidth(available)
            bubble = QRect(OUTER_MARGIN, VERTICAL_GAP, int(available), 0)
        bubble.setHeight(int(document.size().height()) + 1)
        layout = _Layout(document, blocks, bubble)
        self._layouts[row.message.id] = (key, layout)
        self._layouts.move_to_end(row.message.id)
        while len(self._layouts) > _CACHE_LIMIT:
            self._layouts.popitem(last=False)
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
        context.clip = QRectF(0, 0, bubble.width(), bubble.height())
        layout.document.documentLayout().draw(painter, context)
        painter.restore()

    def anchor_at(self, option: QStyleOptionViewItem, index: Index, pos: QPoint) -> str | None:
        """The link under ``pos`` (view coordinates), if any."""
        layout = self._layout(option, index)
        rect: QRect = option.rect
        bubble = layout.bubble.translated(rect.topLeft())
        if not bubble.contains(pos):
            return None
        local = pos - bubble.topLeft()
        anchor = layout.document.documentLayout().anchorAt(local.toPointF())
        return anchor or None

    def document(self, option: QStyleOptionViewItem, index: Index) -> QTextDocument:
        return self._layout(option, index).document

    def code_block(self, option: QStyleOptionViewItem, index: Index, number: int) -> str | None:
        blocks = self._layout(option, index).code_blocks
        return blocks[number] if 0 <= number < len(blocks) else None
