"""The sidebar: new chat, search with live full-text results, and the conversation list
(pinned first, then folders, then the rest, newest first) with rename, pin, folders and
delete-with-undo.

The sidebar never waits for the store: the list, the search and every change (rename, pin,
move, delete) run as ``StoreTasks`` on background threads. Changes show at once (optimistic)
and are reconciled with the store when the write returns; a write that fails puts the row back
as the store has it and says why in one calm sentence (the ``notice`` signal).
"""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
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

from app.engine_bridge import StoreTasks
from app.sidebar.html_delegate import HTML_ROLE, HtmlDelegate
from engine.errors import HearthError
from engine.store import Conversation, HistoryStore, NotFoundError, SearchResults

ID_ROLE = Qt.ItemDataRole.UserRole + 1
MESSAGE_ROLE = Qt.ItemDataRole.UserRole + 2
UNDO_SECONDS = 8
SEARCH_DELAY_MS = 150
LIST_LIMIT = 500
CLOSE_WAIT_MS = 30_000
MARK_STYLE = "background-color:#ffd54f; color:#000000;"

_EDITABLE = ("title", "pinned", "folder")


def highlight_parts(parts: list[tuple[str, bool]]) -> str:
    return "".join(
        f'<span style="{MARK_STYLE}">{html.escape(text)}</span>' if hit else html.escape(text)
        for text, hit in parts
    )


def _order_key(conversation: Conversation) -> tuple[bool, float, int]:
    """The store's own order: pinned first, then the most recently updated."""
    return (not conversation.pinned, -conversation.updated_at.timestamp(), -conversation.id)


class Sidebar(QWidget):
    """Signals:
    conversation_activated(int, int): open a conversation (and reveal a message id, or 0).
    new_requested(): start a new conversation.
    conversation_deleted(int): a conversation is gone from the store (after the undo delay).
    conversation_hidden(int): a conversation was deleted and awaits undo.
    conversation_changed(int): a rename, pin or move of that conversation was saved.
    refreshed(): the list shows what the store holds (and every change so far is saved).
    notice(str): a calm sentence for the user (a store error).
    """

    conversation_activated = Signal(int, int)
    new_requested = Signal()
    conversation_deleted = Signal(int)
    conversation_hidden = Signal(int)
    conversation_changed = Signal(int)
    refreshed = Signal()
    notice = Signal(str)

    def __init__(self, store: HistoryStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self._store = store
        # Reads (the list, search) and writes run on separate threads, so a slow delete
        # (checkpoint, backups) never holds up the list or a search.
        self._reads = StoreTasks(self, name="sidebar-reads")
        self._writes = StoreTasks(self, name="sidebar-writes")
        self._current: int | None = None
        self._pending_delete: dict[int, str] = {}
        """Hidden, waiting for the undo delay (nothing written yet)."""
        self._deleting: dict[int, str] = {}
        """Deletes handed to the store, not confirmed yet (still hidden)."""
        self._conversations: list[Conversation] = []
        """The list as the store last returned it (with saved changes applied since)."""
        self._folders: list[str] = []
        self._edits: dict[int, dict[str, tuple[int, Any]]] = {}
        """Unsaved changes shown ahead of the store: id -> field -> (edit number, value)."""
        self._edit_number = 0
        self._writes_done = 0
        self._listing = False
        self._list_again = False
        self._search_number = 0
        self._open_search: int | None = None
        self._items: dict[int, tuple[tuple[object, ...], QTreeWidgetItem]] = {}
        self._folder_items: dict[str, QTreeWidgetItem] = {}
        self._shape: tuple[object, ...] = ()
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

    # ---- Lifetime

    @property
    def busy(self) -> bool:
        """A read or a write is still on its way (tests wait for this to settle)."""
        return self._reads.busy or self._writes.busy or self._listing

    def detach(self) -> None:
        """The window is closing (the store closes next): save the pending deletes, wait for
        every write to reach the store, and stop reading from it."""
        if self._detached:
            return
        self.commit_deletes()
        self._detached = True
        self._search_timer.stop()
        self._writes.close(CLOSE_WAIT_MS)
        self._reads.close(CLOSE_WAIT_MS)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.detach()
        super().closeEvent(event)

    # ---- The list

    def _title(self, conversation: Conversation) -> str:
        return conversation.title or self.tr("New conversation")

    def refresh(self) -> None:
        """Reload the list from the store in the background; the tree follows when it arrives
        (several requests while one read runs make a single read after it)."""
        if self._detached:
            return
        if self._listing:
            self._list_again = True
            return
        self._listing = True
        self._list_again = False
        store = self._store
        writes_done = self._writes_done

        def read() -> tuple[list[Conversation], list[str]]:
            return store.conversations.recent(limit=LIST_LIMIT), store.conversations.folders()

        self._reads.submit(
            read,
            lambda listed: self._on_listed(listed, writes_done),
            self._on_list_failed,
        )

    def _on_listed(self, listed: tuple[list[Conversation], list[str]], writes_done: int) -> None:
        self._listing = False
        if self._detached:
            return
        if writes_done != self._writes_done:
            self._list_again = True  # a write finished during the read: it may be stale
        else:
            self._conversations, self._folders = listed
            self._render()
        if self._list_again:
            self.refresh()
        elif not self._writes.busy:
            self.refreshed.emit()

    def _on_list_failed(self, error: HearthError) -> None:
        self._listing = False
        if not self._detached:
            self.notice.emit(str(error))

    def _shown(self, conversation: Conversation) -> Conversation:
        """The conversation as the user expects it: with the changes not yet saved."""
        edits = self._edits.get(conversation.id)
        if not edits:
            return conversation
        changes: dict[str, Any] = {name: value for name, (_n, value) in edits.items()}
        return replace(conversation, **changes)

    def _hidden(self) -> set[int]:
        return set(self._pending_delete) | set(self._deleting)

    def _render(self) -> None:
        """Show ``_conversations`` (plus unsaved changes, minus hidden rows) in the tree.

        Rows are reused: only those whose text changed are touched, and the tree is only
        re-filled when the order or the folders changed (a whole rebuild of 500 rows costs
        the event loop ~10 ms; an update in place well under 1)."""
        hidden = self._hidden()
        shown = sorted(
            (self._shown(c) for c in self._conversations if c.id not in hidden), key=_order_key
        )
        pinned = [c for c in shown if c.pinned]
        filed: dict[str, list[Conversation]] = {}
        for conversation in shown:
            if not conversation.pinned and conversation.folder:
                filed.setdefault(conversation.folder, []).append(conversation)
        loose = [c for c in shown if not c.pinned and not c.folder]
        items: dict[int, QTreeWidgetItem] = {}
        for conversation in shown:
            items[conversation.id] = self._item(conversation)
        for gone in set(self._items) - set(items):
            del self._items[gone]
        shape: list[object] = [("c", c.id) for c in pinned]
        top_order: list[str] = []  # folders appear where their newest conversation would
        for conversation in shown:
            folder = conversation.folder
            if not conversation.pinned and folder and folder not in top_order:
                top_order.append(folder)
        shape += [("f", name, tuple(c.id for c in filed[name])) for name in top_order]
        shape += [("c", c.id) for c in loose]
        if tuple(shape) != self._shape:
            self._rebuild(shape, items)
            self._shape = tuple(shape)
        self._order = [c.id for c in pinned]
        self._order += [c.id for name in top_order for c in filed[name]]
        self._order += [c.id for c in loose]
        self.select(self._current)

    def _rebuild(self, shape: list[object], items: dict[int, QTreeWidgetItem]) -> None:
        expanded = {name for name, top in self._folder_items.items() if top.isExpanded()}
        self.tree.blockSignals(True)
        root = self.tree.invisibleRootItem()
        for folder in self._folder_items.values():
            folder.takeChildren()
        root.takeChildren()  # the items live on (we hold them) and are put back below
        tops: list[QTreeWidgetItem] = []
        folders: dict[str, QTreeWidgetItem] = {}
        for entry in shape:
            assert isinstance(entry, tuple)
            if entry[0] == "c":
                tops.append(items[entry[1]])
                continue
            name, ids = entry[1], entry[2]
            folder = self._folder_items.get(name) or self._folder_item(name)
            folder.addChildren([items[i] for i in ids])
            folders[name] = folder
            tops.append(folder)
        root.addChildren(tops)
        self._folder_items = folders
        for name, folder in folders.items():
            children = {child.data(0, ID_ROLE) for child in _children(folder)}
            folder.setExpanded(name in expanded or self._current in children)
        self.tree.blockSignals(False)

    @staticmethod
    def _folder_item(name: str) -> QTreeWidgetItem:
        folder = QTreeWidgetItem([name])
        font = folder.font(0)
        font.setBold(True)
        folder.setFont(0, font)
        folder.setData(0, ID_ROLE, 0)
        folder.setFlags(Qt.ItemFlag.ItemIsEnabled)
        return folder

    def _item(self, conversation: Conversation) -> QTreeWidgetItem:
        """The row for a conversation: the existing one (updated if its text changed)."""
        title = self._title(conversation)
        key = (title, conversation.pinned, conversation.message_count, conversation.updated_at)
        cached = self._items.get(conversation.id)
        if cached is not None and cached[0] == key:
            return cached[1]
        item = cached[1] if cached is not None else QTreeWidgetItem()
        item.setText(0, ("★ " if conversation.pinned else "") + title)
        item.setData(0, ID_ROLE, conversation.id)
        when = conversation.updated_at.astimezone().strftime("%Y-%m-%d %H:%M")
        tip = self.tr("{title}\n{count} messages · {when}").format(
            title=title, count=conversation.message_count or 0, when=when
        )
        item.setToolTip(0, tip)
        item.setData(0, Qt.ItemDataRole.AccessibleTextRole, title)
        self._items[conversation.id] = (key, item)
        return item

    def _tops(self) -> list[QTreeWidgetItem]:
        tops = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        return [top for top in tops if top is not None]

    def item_for(self, conversation_id: int) -> QTreeWidgetItem | None:
        if conversation_id in self._hidden():
            return None
        cached = self._items.get(conversation_id)
        return cached[1] if cached is not None else None

    def conversation(self, conversation_id: int) -> Conversation | None:
        """The conversation as the list shows it (unsaved changes included), if listed."""
        for conversation in self._conversations:
            if conversation.id == conversation_id:
                return self._shown(conversation)
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
        conversation = self.conversation(conversation_id) if conversation_id else None
        if conversation is None:
            return
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
        if title is None:
            current = self.conversation(conversation_id)
            title, ok = QInputDialog.getText(
                self,
                self.tr("Rename conversation"),
                self.tr("New title:"),
                QLineEdit.EchoMode.Normal,
                current.title if current is not None else "",
            )
            if not ok:
                return
        if title.strip():
            store, new_title = self._store, title.strip()
            self._save(
                conversation_id,
                "title",
                new_title,
                lambda: store.conversations.rename(conversation_id, new_title),
            )

    def set_pinned(self, conversation_id: int, pinned: bool) -> None:
        store = self._store
        self._save(
            conversation_id,
            "pinned",
            pinned,
            lambda: store.conversations.set_pinned(conversation_id, pinned),
        )

    def move_to_folder(self, conversation_id: int, folder: str | None = None) -> None:
        if folder is None:
            folders = sorted(set(self._folders) | set(self._folder_items))
            none = self.tr("(no folder)")
            shown = self.conversation(conversation_id)
            current = shown.folder if shown is not None else None
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
        store, target = self._store, folder.strip() or None
        self._save(
            conversation_id,
            "folder",
            target,
            lambda: store.conversations.set_folder(conversation_id, target),
        )

    def _save(
        self,
        conversation_id: int,
        field: str,
        value: object,
        write: Callable[[], Conversation],
    ) -> None:
        """Show ``field = value`` now, write it in the background, then reconcile."""
        assert field in _EDITABLE
        if self._detached:
            return
        self._edit_number += 1
        number = self._edit_number
        self._edits.setdefault(conversation_id, {})[field] = (number, value)
        self._render()

        def saved(conversation: Conversation) -> None:
            self._settle(conversation_id, field, number)
            for position, listed in enumerate(self._conversations):
                if listed.id == conversation_id:  # the store's row, keeping the count
                    count = listed.message_count
                    self._conversations[position] = replace(conversation, message_count=count)
            self._after_write()
            self.conversation_changed.emit(conversation_id)

        def failed(error: HearthError) -> None:
            self._settle(conversation_id, field, number)
            self._after_write()
            self.notice.emit(self._failure(error))

        self._writes.submit(write, saved, failed)

    def _settle(self, conversation_id: int, field: str, number: int) -> None:
        """Forget the unsaved value of ``field`` unless a newer change replaced it."""
        edits = self._edits.get(conversation_id, {})
        if edits.get(field, (0, None))[0] == number:
            del edits[field]
        if not edits:
            self._edits.pop(conversation_id, None)

    def _after_write(self) -> None:
        self._writes_done += 1
        if self._detached:
            return
        self._render()
        self.refresh()

    def _failure(self, error: HearthError) -> str:
        if isinstance(error, NotFoundError):
            return self.tr("That conversation is no longer in your history.")
        return str(error)

    def delete(self, conversation_id: int) -> None:
        """Hide the conversation now; delete it for good unless undone within a few seconds."""
        self.commit_deletes()
        shown = self.conversation(conversation_id)
        title = self._title(shown) if shown is not None else self.tr("New conversation")
        self._pending_delete[conversation_id] = title
        self.undo_label.setText(self.tr("Deleted “{title}”.").format(title=title))
        self.undo_bar.show()
        self._undo_timer.start()
        self.conversation_hidden.emit(conversation_id)
        self._render()

    def undo_delete(self) -> None:
        self._undo_timer.stop()
        restored = list(self._pending_delete)
        self._pending_delete.clear()
        self.undo_bar.hide()
        self._render()
        if restored:
            self.conversation_activated.emit(restored[-1], 0)

    def commit_deletes(self) -> None:
        """Delete the hidden conversations in the store (in the background); one that cannot
        be deleted comes back into the list, with the reason."""
        self._undo_timer.stop()
        pending = dict(self._pending_delete)
        self._pending_delete.clear()
        self.undo_bar.hide()
        if self._detached:
            return
        store = self._store
        for conversation_id, title in pending.items():
            self._deleting[conversation_id] = title
            self._writes.submit(
                functools.partial(store.delete_conversation, conversation_id),
                functools.partial(self._deleted, conversation_id),
                functools.partial(self._delete_failed, conversation_id),
            )

    def _deleted(self, conversation_id: int, _report: object = None) -> None:
        self._deleting.pop(conversation_id, None)
        self._edits.pop(conversation_id, None)
        self._conversations = [c for c in self._conversations if c.id != conversation_id]
        self._after_write()
        self.conversation_deleted.emit(conversation_id)

    def _delete_failed(self, conversation_id: int, error: HearthError) -> None:
        if isinstance(error, NotFoundError):  # already gone: what the user wanted
            self._deleted(conversation_id)
            return
        title = self._deleting.pop(conversation_id, "")
        self._after_write()
        self.notice.emit(
            self.tr("“{title}” was not deleted: {reason}").format(title=title, reason=error)
        )

    def is_hidden(self, conversation_id: int) -> bool:
        return conversation_id in self._hidden()

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

    def run_search(self, *, open_first: bool = False) -> None:
        """Search in the background; results (of the newest search only) show when they
        arrive. ``open_first``: then open the first result (Enter in the search box)."""
        if self._detached:
            return
        text = self.search_box.text()
        if not text.strip():
            self.stack.setCurrentIndex(0)
            return
        self._search_number += 1
        number = self._search_number
        self._open_search = number if open_first else None
        store = self._store
        self._reads.submit(
            lambda: store.search(text, prefix_last=True, limit=30),
            lambda results: self._on_searched(number, results),
            lambda error: None if self._detached else self.notice.emit(str(error)),
        )

    def _on_searched(self, number: int, results: SearchResults) -> None:
        if self._detached or number != self._search_number or not self.search_box.text():
            return  # the user typed on (or cleared the box) meanwhile
        self._show_results(results)
        if self._open_search == number and self.results.count():
            self._open_search = None
            item = self.results.currentItem() or self.results.item(0)
            self._on_result_activated(item)

    def _show_results(self, results: SearchResults) -> None:
        self.results.clear()
        hidden = self._hidden()
        for title in results.titles:
            if title.conversation_id in hidden:
                continue
            item = QListWidgetItem()
            item.setData(ID_ROLE, title.conversation_id)
            item.setData(MESSAGE_ROLE, 0)
            item.setData(HTML_ROLE, f"<b>{highlight_parts(title.parts())}</b>")
            item.setData(Qt.ItemDataRole.AccessibleTextRole, title.plain)
            self.results.addItem(item)
        for hit in results.messages:
            if hit.conversation_id in hidden:
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
        self.run_search(open_first=True)

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
