"""The chat list: smooth per-pixel scrolling, sticks to the bottom while an answer streams,
turns clicks on in-message links into actions, and offers the same actions by keyboard."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QResizeEvent,
)
from PySide6.QtWidgets import QAbstractItemView, QListView, QMenu, QStyleOptionViewItem, QWidget

from app.chat.delegate import MessageDelegate
from app.chat.markdown import COPY_CODE_SCHEME
from app.chat.model import ChatModel, ChatRoles, ChatRow

_BOTTOM_SLACK = 8


class ChatView(QListView):
    """Signals:
    action_requested(str, int): an action ("regenerate", "edit", "prev", "next", "continue",
        "cite:<ref>") on the message with that id.
    near_top(): the user scrolled to the top (load older messages).
    """

    action_requested = Signal(str, int)
    near_top = Signal()

    def __init__(self, model: ChatModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chatView")
        self._delegate = MessageDelegate(self)
        self.setModel(model)
        self.setItemDelegate(self._delegate)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # A steady width: rows are laid out (and cached) once, not again when the bar appears.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(6)
        self.setUniformItemSizes(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setMouseTracking(True)
        self.setFrameShape(QListView.Shape.NoFrame)
        self.verticalScrollBar().setSingleStep(24)
        self._stick = True
        self._model = model
        self.verticalScrollBar().valueChanged.connect(self._on_scrolled)
        self.verticalScrollBar().rangeChanged.connect(self._on_range_changed)
        model.dataChanged.connect(self._on_data_changed)
        model.modelReset.connect(self._on_reset)
        self._relayout = QTimer(self)
        self._relayout.setSingleShot(True)
        self._relayout.setInterval(0)
        self._relayout.timeout.connect(self.doItemsLayout)

    @property
    def delegate(self) -> MessageDelegate:
        return self._delegate

    # ---- Following the stream

    def _on_scrolled(self, value: int) -> None:
        bar = self.verticalScrollBar()
        self._stick = value >= bar.maximum() - _BOTTOM_SLACK
        if value == bar.minimum() and bar.maximum() > 0:
            self.near_top.emit()

    def _on_range_changed(self, _low: int, high: int) -> None:
        if self._stick:
            self.verticalScrollBar().setValue(high)

    def _on_data_changed(self, top: QModelIndex, _bottom: QModelIndex, *_roles: object) -> None:
        # A message changed size (streaming text): lay the rows out again, once per event loop.
        self._delegate.sizeHintChanged.emit(top)

    def _on_reset(self) -> None:
        self._stick = True
        QTimer.singleShot(0, self.scrollToBottom)

    def follow(self) -> None:
        """Stick to the bottom again (a new message was sent)."""
        self._stick = True
        self.scrollToBottom()

    def refresh_style(self) -> None:
        self._delegate.invalidate()
        self.doItemsLayout()
        self.viewport().update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._stick:
            QTimer.singleShot(0, self.scrollToBottom)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.FontChange):
            self._delegate.invalidate()
            self._relayout.start()
        super().changeEvent(event)

    # ---- Links

    def _option_for(self, index: QModelIndex) -> QStyleOptionViewItem:
        option = QStyleOptionViewItem()
        self.initViewItemOption(option)
        option.rect = self.visualRect(index)
        return option

    def rendered(self, position: int) -> tuple[str, str]:
        """The plain text and the HTML drawn for a row (tests, screen readers, debugging)."""
        index = self.model().index(position, 0)
        return self._delegate.rendered(self._option_for(index), index)

    def anchor_at(self, pos: QPoint) -> tuple[QModelIndex, str | None]:
        index = self.indexAt(pos)
        if not index.isValid():
            return index, None
        return index, self._delegate.anchor_at(self._option_for(index), index, pos)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        _index, anchor = self.anchor_at(event.position().toPoint())
        if anchor:
            self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.viewport().unsetCursor()
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            index, anchor = self.anchor_at(event.position().toPoint())
            if anchor:
                self.activate_link(index, anchor)
                event.accept()
                return
        super().mouseReleaseEvent(event)

    def activate_link(self, index: QModelIndex, anchor: str) -> None:
        row: ChatRow = index.data(ChatRoles.ROW)
        if anchor.startswith(COPY_CODE_SCHEME):
            number = int(anchor.removeprefix(COPY_CODE_SCHEME) or -1)
            code = self._delegate.code_block(self._option_for(index), index, number)
            if code is not None:
                QGuiApplication.clipboard().setText(code)
            return
        if anchor == "hearth:copy":
            QGuiApplication.clipboard().setText(row.text)
            return
        if anchor.startswith("hearth:"):
            self.action_requested.emit(anchor.removeprefix("hearth:"), row.message.id)

    # ---- Keyboard and context menu

    def current_row(self) -> ChatRow | None:
        index = self.currentIndex()
        return index.data(ChatRoles.ROW) if index.isValid() else None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        row = self.current_row()
        if row is not None and event.matches(QKeySequence.StandardKey.Copy):
            QGuiApplication.clipboard().setText(row.text)
            event.accept()
            return
        if row is not None and event.modifiers() == Qt.KeyboardModifier.AltModifier:
            if event.key() == Qt.Key.Key_Left:
                self.action_requested.emit("prev", row.message.id)
                return
            if event.key() == Qt.Key.Key_Right:
                self.action_requested.emit("next", row.message.id)
                return
        super().keyPressEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        index = self.indexAt(event.pos())
        if not index.isValid():
            return
        self.setCurrentIndex(index)
        row: ChatRow = index.data(ChatRoles.ROW)
        menu = QMenu(self)
        menu.addAction(
            self.tr("Copy message"), lambda: QGuiApplication.clipboard().setText(row.text)
        )
        if row.message.role == "assistant" and not row.streaming:
            menu.addAction(
                self.tr("Regenerate"),
                lambda: self.action_requested.emit("regenerate", row.message.id),
            )
            if row.resumable:
                menu.addAction(
                    self.tr("Continue"),
                    lambda: self.action_requested.emit("continue", row.message.id),
                )
        if row.message.role == "user":
            menu.addAction(
                self.tr("Edit and resend"),
                lambda: self.action_requested.emit("edit", row.message.id),
            )
        if row.siblings.count > 1:
            menu.addSeparator()
            menu.addAction(
                self.tr("Previous version"),
                lambda: self.action_requested.emit("prev", row.message.id),
            ).setEnabled(row.siblings.index > 0)
            menu.addAction(
                self.tr("Next version"),
                lambda: self.action_requested.emit("next", row.message.id),
            ).setEnabled(row.siblings.index < row.siblings.count - 1)
        menu.exec(event.globalPos())
