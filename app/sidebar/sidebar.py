"""The sidebar: new chat, search with live full-text results, and the conversation list
(pinned first, then folders, then the rest, newest first) with rename, pin, folders and
delete-with-undo."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.sidebar.html_delegate import HTML_ROLE, HtmlDelegate
from engine.errors import HearthError
from engine.store import Conversation, HistoryStore, SearchResults

ID_ROLE = Qt.ItemDataRole.UserRole + 1
MESSAGE_ROLE = Qt.ItemDataRole.UserRole + 2
UNDO_SECONDS = 8
SEARCH_DELAY_MS = 150
MARK_STYLE = "background-color:#ffd54f; color:#000000;"


def highlight_parts(parts: list[tuple[str, bool]]) -> str:
    return "".join(
        f'<span style="{MARK_STYLE}">{html.escape(text)}</span>' if hit else html.escape(text)
        for text, hit in parts
    )


class Sidebar(QWidget):
    """Signals:
    conversation_activated(int, int): open a conversation (and reveal a message id, or 0).
    new_requested(): start a new conversation.
    conversation_deleted(int): a conversation is gone (after the undo delay).
    conversation_hidden(int): a conversation was deleted and awaits undo.
    notice(str): a calm sentence for the user (a store error).
    """

    conversation_activated = Signal(int, int)
    new_requested = Signal()
    conversation_deleted = Signal(int)
    conversation_hidden = Signal(int)
    notice = Signal(str)

    def __init__(self, store: HistoryStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self._store = store
        self._current: int | None = None
        self._pending_delete: dict[int, str] = {}
        self._order: list[int] = []
        self._detached = False

        self.new_button = QPushButton(self)
        self.new_button.setObjectName("newChatButton")
        self.new_button.clicked.connect(self.new_requested)

        self.search_box = QLineEdit(self)
        self.search_box.setObjectName("searchBox")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.textChanged.connect(self._schedule_search)
        self.search_box.returnPressed.connect(self._open_first_result)
        self.search_box.installEventFilter(self)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.run_search)

        self.tree = QTreeWidget(self)
        self.tree.setObjectName("conversationList")
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(True)
        self.tree.setIndentation(12)
        self.tree.setUniformRowHeights(True)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._context_menu)
        self.tree.itemActivated.connect(self._on_item_activated)
        self.tree.itemClicked.connect(self._on_item_activated)
        self.tree.installEventFilter(self)

        self.results = QListWidget(self)
        self.results.setObjectName("searchResults")
        self.results.setItemDelegate(HtmlDelegate(self.results))
        self.results.setWordWrap(True)
        self.results.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results.itemActivated.connect(self._on_result_activated)
        self.results.itemClicked.connect(self._on_result_activated)
        self.results_label = QLabel(self)
        self.results_label.setObjectName("searchSummary")
        self.results_label.setWordWrap(True)
        results_page = QWidget(self)
        results_layout = QVBoxLayout(results_page)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.addWidget(self.results_label)
        results_layout.addWidget(self.results, 1)

        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.tree)
        self.stack.addWidget(results_page)

        self.undo_bar = QFrame(self)
        self.undo_bar.setObjectName("undoBar")
        self.undo_bar.setFrameShape(QFrame.Shape.StyledPanel)
        self.undo_label = QLabel(self.undo_bar)
        self.undo_label.setWordWrap(True)
        self.undo_button = QPushButton(self.undo_bar)
        self.undo_button.setObjectName("undoDeleteButton")
        self.undo_button.clicked.connect(self.undo_delete)
        undo_layout = QHBoxLayout(self.undo_bar)
        undo_layout.setContentsMargins(6, 4, 6, 4)
        undo_layout.addWidget(self.undo_label, 1)
        undo_layout.addWidget(self.undo_button)
        self.undo_bar.hide()
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.setInterval(UNDO_SECONDS * 1000)
        self._undo_timer.timeout.connect(self.commit_deletes)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 6)
        layout.addWidget(self.new_button)
        layout.addWidget(self.search_box)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.undo_bar)
        self._retranslate()
        self.refresh()

    # ---- The list

    def _title(self, conversation: Conversation) -> str:
        return conversation.title or self.tr("New conversation")

    def detach(self) -> None:
        """The window is closing (the store may close next): stop reading from it."""
        self.commit_deletes()
        self._detached = True
        self._search_timer.stop()

    def refresh(self) -> None:
        """Reload the list from the store, keeping the selection."""
        if self._detached:
            return
        try:
            conversations = self._store.conversations.recent(limit=500)
        except HearthError as exc:
            self.notice.emit(str(exc))
            return
        conversations = [c for c in conversations if c.id not in self._pending_delete]
        expanded = {top.text(0) for top in self._tops() if top.isExpanded()}
        self.tree.blockSignals(True)
        self.tree.clear()
        folders: dict[str, QTreeWidgetItem] = {}
        pinned = [c for c in conversations if c.pinned]
        others = [c for c in conversations if not c.pinned]
        self._order = []
        for conversation in pinned:
            self.tree.addTopLevelItem(self._item(conversation, pinned=True))
            self._order.append(conversation.id)
        for conversation in others:
            if conversation.folder:
                folder = folders.get(conversation.folder)
                if folder is None:
                    folder = QTreeWidgetItem([conversation.folder])
                    font = folder.font(0)
                    font.setBold(True)
                    folder.setFont(0, font)
                    folder.setData(0, ID_ROLE, 0)
                    folder.setFlags(Qt.ItemFlag.ItemIsEnabled)
                    folders[conversation.folder] = folder
                    self.tree.addTopLevelItem(folder)
                folder.addChild(self._item(conversation))
        for conversation in others:
            if not conversation.folder:
                self.tree.addTopLevelItem(self._item(conversation))
        for folder in folders.values():
            folder.setExpanded(folder.text(0) in expanded or self._contains_current(folder))
            self._order += [child.data(0, ID_ROLE) for child in _children(folder)]
        self._order += [c.id for c in others if not c.folder]
        self.tree.blockSignals(False)
        self.select(self._current)

    def _contains_current(self, folder: QTreeWidgetItem) -> bool:
        return any(child.data(0, ID_ROLE) == self._current for child in _children(folder))

    def _item(self, conversation: Conversation, *, pinned: bool = False) -> QTreeWidgetItem:
        title = self._title(conversation)
        item = QTreeWidgetItem([("★ " if pinned else "") + title])
        item.setData(0, ID_ROLE, conversation.id)
        when = conversation.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
        tip = self.tr("{title}\n{count} messages · {when}").format(
            title=title, count=conversation.message_count or 0, when=when
        )
        item.setToolTip(0, tip)
        item.setData(0, Qt.ItemDataRole.AccessibleTextRole, title)
        return item

    def _tops(self) -> list[QTreeWidgetItem]:
        tops = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        return [top for top in tops if top is not None]

    def _items(self) -> list[QTreeWidgetItem]:
        found: list[QTreeWidgetItem] = []
        for top in self._tops():
            if top.data(0, ID_ROLE):
                found.append(top)
            found += _children(top)
        return found

    def item_for(self, conversation_id: int) -> QTreeWidgetItem | None:
        for item in self._items():
            if item.data(0, ID_ROLE) == conversation_id:
                return item
        return None

    def select(self, conversation_id: int | None) -> None:
        self._current = conversation_id
        item = self.item_for(conversation_id) if conversation_id else None
        self.tree.blockSignals(True)
        if item is None:
            self.tree.clearSelection()
            self.tree.setCurrentIndex(QModelIndex())
        else:
            parent = item.parent()
            if parent is not None:
                parent.setExpanded(True)
            self.tree.setCurrentItem(item)
        self.tree.blockSignals(False)

    def ordered_ids(self) -> list[int]:
        return list(self._order)

    def neighbour(self, step: int) -> int | None:
        """The conversation ``step`` places away from the current one (wrapping)."""
        order = self._order
        if not order:
            return None
        if self._current not in order:
            return order[0 if step > 0 else -1]
        position = order.index(self._current)
        return order[(position + step) % len(order)]

    def _on_item_activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        conversation_id = int(item.data(0, ID_ROLE) or 0)
        if conversation_id:
            self.conversation_activated.emit(conversation_id, 0)

    # ---- Actions

    def selected_id(self) -> int | None:
        item = self.tree.currentItem()
        value = int(item.data(0, ID_ROLE) or 0) if item is not None else 0
        return value or None

    def _context_menu(self, pos: QPoint) -> None:
        item = self.tree.itemAt(pos)
        conversation_id = int(item.data(0, ID_ROLE) or 0) if item is not None else 0
        if not conversation_id:
            return
        conversation = self._store.conversations.get(conversation_id)
        menu = QMenu(self)
        menu.addAction(self.tr("Rename…"), lambda: self.rename(conversation_id))
        menu.addAction(
            self.tr("Unpin") if conversation.pinned else self.tr("Pin to the top"),
            lambda: self.set_pinned(conversation_id, not conversation.pinned),
        )
        menu.addAction(self.tr("Move to folder…"), lambda: self.move_to_folder(conversation_id))
        menu.addSeparator()
        menu.addAction(self.tr("Delete"), lambda: self.delete(conversation_id))
        menu.exec(self.tree.viewport().mapToGlobal(pos))

    def rename(self, conversation_id: int, title: str | None = None) -> None:
        current = self._store.conversations.get(conversation_id)
        if title is None:
            title, ok = QInputDialog.getText(
                self,
                self.tr("Rename conversation"),
                self.tr("New title:"),
                QLineEdit.EchoMode.Normal,
                current.title,
            )
            if not ok:
                return
        if title.strip():
            self._guard(lambda: self._store.conversations.rename(conversation_id, title.strip()))
            self.refresh()

    def set_pinned(self, conversation_id: int, pinned: bool) -> None:
        self._guard(lambda: self._store.conversations.set_pinned(conversation_id, pinned))
        self.refresh()

    def move_to_folder(self, conversation_id: int, folder: str | None = None) -> None:
        if folder is None:
            folders = self._store.conversations.folders()
            none = self.tr("(no folder)")
            current = self._store.conversations.get(conversation_id).folder
            choice, ok = QInputDialog.getItem(
                self,
                self.tr("Move to folder"),
                self.tr("Folder (type a new name to create one):"),
                [none, *folders],
                folders.index(current) + 1 if current in folders else 0,
                True,
            )
            if not ok:
                return
            folder = "" if choice == none else choice
        self._guard(
            lambda: self._store.conversations.set_folder(conversation_id, folder.strip() or None)
        )
        self.refresh()

    def delete(self, conversation_id: int) -> None:
        """Hide the conversation now; delete it for good unless undone within a few seconds."""
        self.commit_deletes()
        title = self._title(self._store.conversations.get(conversation_id))
        self._pending_delete[conversation_id] = title
        self.undo_label.setText(self.tr("Deleted “{title}”.").format(title=title))
        self.undo_bar.show()
        self._undo_timer.start()
        self.conversation_hidden.emit(conversation_id)
        self.refresh()

    def undo_delete(self) -> None:
        self._undo_timer.stop()
        restored = list(self._pending_delete)
        self._pending_delete.clear()
        self.undo_bar.hide()
        self.refresh()
        if restored:
            self.conversation_activated.emit(restored[-1], 0)

    def commit_deletes(self) -> None:
        self._undo_timer.stop()
        pending = list(self._pending_delete)
        self._pending_delete.clear()
        self.undo_bar.hide()
        for conversation_id in pending:
            self._guard(lambda cid=conversation_id: self._store.delete_conversation(cid))
            self.conversation_deleted.emit(conversation_id)

    def is_hidden(self, conversation_id: int) -> bool:
        return conversation_id in self._pending_delete

    def _guard(self, action: object) -> None:
        try:
            action()  # type: ignore[operator]
        except HearthError as exc:
            self.notice.emit(str(exc))

    # ---- Search

    def focus_search(self) -> None:
        self.search_box.setFocus()
        self.search_box.selectAll()

    def _schedule_search(self, text: str) -> None:
        if not text.strip():
            self._search_timer.stop()
            self.stack.setCurrentIndex(0)
            return
        self._search_timer.start()

    def run_search(self) -> None:
        if self._detached:
            return
        text = self.search_box.text()
        if not text.strip():
            self.stack.setCurrentIndex(0)
            return
        try:
            results = self._store.search(text, prefix_last=True, limit=30)
        except HearthError as exc:
            self.notice.emit(str(exc))
            return
        self._show_results(results)

    def _show_results(self, results: SearchResults) -> None:
        self.results.clear()
        for title in results.titles:
            if title.conversation_id in self._pending_delete:
                continue
            item = QListWidgetItem()
            item.setData(ID_ROLE, title.conversation_id)
            item.setData(MESSAGE_ROLE, 0)
            item.setData(HTML_ROLE, f"<b>{highlight_parts(title.parts())}</b>")
            item.setData(Qt.ItemDataRole.AccessibleTextRole, title.plain)
            self.results.addItem(item)
        for hit in results.messages:
            if hit.conversation_id in self._pending_delete:
                continue
            item = QListWidgetItem()
            item.setData(ID_ROLE, hit.conversation_id)
            item.setData(MESSAGE_ROLE, hit.message_id)
            name = html.escape(hit.conversation_title or self.tr("New conversation"))
            item.setData(
                HTML_ROLE,
                f'<span style="font-size:small;"><b>{name}</b></span><br>'
                f"{highlight_parts(hit.parts())}",
            )
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{name}: {hit.plain}")
            self.results.addItem(item)
        count = self.results.count()
        self.results_label.setText(
            self.tr("%n result(s)", "", count) if count else self.tr("Nothing found.")
        )
        self.stack.setCurrentIndex(1)
        if count:
            self.results.setCurrentRow(0)

    def _on_result_activated(self, item: QListWidgetItem) -> None:
        self.conversation_activated.emit(int(item.data(ID_ROLE)), int(item.data(MESSAGE_ROLE) or 0))

    def _open_first_result(self) -> None:
        self._search_timer.stop()
        self.run_search()
        if self.results.count():
            item = self.results.currentItem() or self.results.item(0)
            self._on_result_activated(item)

    def eventFilter(self, watched: object, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if watched is self.search_box and event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                target = self.results if self.stack.currentIndex() == 1 else self.tree
                target.setFocus()
                return False
            if (
                watched is self.search_box
                and event.key() == Qt.Key.Key_Escape
                and self.search_box.text()
            ):
                self.search_box.clear()
                return True
            if watched is self.tree:
                selected = self.selected_id()
                if selected and event.key() == Qt.Key.Key_F2:
                    self.rename(selected)
                    return True
                if selected and event.key() == Qt.Key.Key_Delete:
                    self.delete(selected)
                    return True
        return super().eventFilter(watched, event)  # type: ignore[arg-type]

    # ---- Texts

    def _retranslate(self) -> None:
        self.new_button.setText(self.tr("\uff0b New chat"))
        self.new_button.setToolTip(self.tr("Start a new conversation (Ctrl+N)"))
        self.new_button.setAccessibleName(self.tr("New chat"))
        self.search_box.setPlaceholderText(self.tr("Search all conversations (Ctrl+K)"))
        self.search_box.setToolTip(
            self.tr("Search the text of every conversation; Enter opens the first result")
        )
        self.search_box.setAccessibleName(self.tr("Search conversations"))
        self.tree.setAccessibleName(self.tr("Conversations"))
        self.tree.setToolTip(
            self.tr("Your conversations: F2 renames, Delete removes, right-click for more")
        )
        self.results.setAccessibleName(self.tr("Search results"))
        self.results.setToolTip(self.tr("Matching messages; Enter opens one"))
        self.undo_button.setText(self.tr("Undo"))
        self.undo_button.setToolTip(self.tr("Bring the deleted conversation back"))
        self.undo_button.setAccessibleName(self.tr("Undo delete"))
        if self.search_box.text().strip():
            self.run_search()
        else:
            self.refresh()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)


def _children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    children = [item.child(i) for i in range(item.childCount())]
    return [child for child in children if child is not None]
