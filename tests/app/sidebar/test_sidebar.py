"""The sidebar against a real store: ordering, pin, folders, rename, live search, delete+undo,
all through the background store path (``StoreTasks``), and what the user sees when a write
fails."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.sidebar.sidebar import ID_ROLE, Sidebar
from engine.store import Conversation, HistoryStore
from tests.app.conftest import WindowFactory

SidebarFactory = Callable[[HistoryStore], Sidebar]


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    with HistoryStore.open(tmp_path / "data") as opened:
        yield opened


@pytest.fixture()
def make_sidebar(qtbot: QtBot) -> Iterator[SidebarFactory]:
    """A sidebar on a store, its first list loaded; closed (writes saved) before the store."""
    made: list[Sidebar] = []

    def make(on: HistoryStore) -> Sidebar:
        sidebar = Sidebar(on)
        qtbot.addWidget(sidebar)
        made.append(sidebar)
        settle(qtbot, sidebar)
        return sidebar

    yield make
    for sidebar in made:
        sidebar.close()


def settle(qtbot: QtBot, sidebar: Sidebar) -> None:
    """Wait until every read and write the sidebar started has come back."""
    qtbot.waitUntil(lambda: not sidebar.busy, timeout=5000)


def _chat(store: HistoryStore, title: str, question: str, answer: str) -> int:
    conversation = store.conversations.create(title)
    store.messages.add_user(conversation.id, question)
    store.messages.add(conversation.id, "assistant", answer)
    return conversation.id


def _labels(sidebar: Sidebar) -> list[str]:
    tree = sidebar.tree
    labels = []
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        labels.append(top.text(0))
        labels += ["  " + top.child(j).text(0) for j in range(top.childCount())]
    return labels


def test_pinned_first_then_folders_then_newest(
    qtbot: QtBot, store: HistoryStore, make_sidebar: SidebarFactory
) -> None:
    old = _chat(store, "Old", "q", "a")
    filed = _chat(store, "Filed", "q", "a")
    new = _chat(store, "New", "q", "a")
    sidebar = make_sidebar(store)
    assert _labels(sidebar) == ["New", "Filed", "Old"]
    sidebar.set_pinned(old, True)
    sidebar.move_to_folder(filed, "Work")
    sidebar.select(filed)
    # Shown at once, before the store has answered ...
    assert _labels(sidebar) == ["★ Old", "Work", "  Filed", "New"]
    assert sidebar.ordered_ids() == [old, filed, new]
    settle(qtbot, sidebar)
    # ... and still so once the writes and the reload came back.
    assert _labels(sidebar) == ["★ Old", "Work", "  Filed", "New"]
    assert store.conversations.get(old).pinned
    assert store.conversations.get(filed).folder == "Work"
    with qtbot.waitSignal(sidebar.conversation_changed) as changed:
        sidebar.rename(new, "Renamed")
    assert changed.args == [new]
    assert store.conversations.get(new).title == "Renamed"
    settle(qtbot, sidebar)
    assert _labels(sidebar) == ["★ Old", "Work", "  Filed", "Renamed"]
    assert sidebar.tree.currentItem() is sidebar.item_for(filed)


def test_writes_run_off_the_gui_thread_and_never_wait_for_the_writer(
    qtbot: QtBot, store: HistoryStore, make_sidebar: SidebarFactory
) -> None:
    first = _chat(store, "First", "q", "a")
    second = _chat(store, "Second", "q", "a")
    sidebar = make_sidebar(store)
    threads: list[int | None] = []
    rename = store.conversations.rename

    def spy(conversation_id: int, title: str) -> Conversation:
        threads.append(threading.get_ident())
        return rename(conversation_id, title)

    store.conversations.rename = spy  # type: ignore[method-assign]
    # Another writer (an answer being recorded) holds the store's write lock: the sidebar
    # still shows the changes at once, and the GUI thread does not wait for the lock.
    with store.db.write():
        sidebar.rename(first, "Renamed while busy")
        sidebar.set_pinned(second, True)
        assert _labels(sidebar) == ["★ Second", "Renamed while busy"]
        assert sidebar.busy
        qtbot.wait(50)
        assert store.conversations.get(first).title == "First"
    settle(qtbot, sidebar)
    assert threads and threading.get_ident() not in threads
    assert store.conversations.get(first).title == "Renamed while busy"
    assert store.conversations.get(second).pinned
    assert _labels(sidebar) == ["★ Second", "Renamed while busy"]


def test_live_search_shows_highlighted_snippets_and_opens(
    qtbot: QtBot, store: HistoryStore, make_sidebar: SidebarFactory
) -> None:
    _chat(store, "Sailing", "How do tides work?", "The moon pulls the oceans.")
    target = _chat(store, "Baking", "Bread recipe?", "Knead the dough for ten minutes.")
    sidebar = make_sidebar(store)
    qtbot.keyClicks(sidebar.search_box, "kne")  # prefix search while typing
    qtbot.waitUntil(lambda: sidebar.stack.currentIndex() == 1, timeout=3000)
    assert sidebar.results.count() == 1
    html = str(sidebar.results.item(0).data(Qt.ItemDataRole.UserRole + 10))
    assert "background-color:#ffd54f" in html and "Knead" in html and "Baking" in html
    with qtbot.waitSignal(sidebar.conversation_activated) as signal:
        qtbot.keyClick(sidebar.search_box, Qt.Key.Key_Return)
    assert signal.args is not None and signal.args[0] == target and signal.args[1] > 0
    sidebar.search_box.clear()
    assert sidebar.stack.currentIndex() == 0


def test_delete_can_be_undone_then_happens(
    qtbot: QtBot, store: HistoryStore, make_sidebar: SidebarFactory
) -> None:
    keep = _chat(store, "Keep", "q", "a")
    gone = _chat(store, "Gone", "q", "a")
    sidebar = make_sidebar(store)
    sidebar.select(gone)
    sidebar.tree.setFocus()
    qtbot.keyClick(sidebar.tree, Qt.Key.Key_Delete)
    assert sidebar.undo_bar.isVisibleTo(sidebar)
    assert sidebar.item_for(gone) is None and store.conversations.exists(gone)
    sidebar.undo_button.click()
    assert sidebar.item_for(gone) is not None
    settle(qtbot, sidebar)
    assert store.conversations.exists(gone)
    sidebar.delete(gone)
    with qtbot.waitSignal(sidebar.conversation_deleted, timeout=5000) as deleted:
        sidebar.commit_deletes()
        assert sidebar.item_for(gone) is None  # hidden while the store deletes it
    assert deleted.args == [gone]
    assert not store.conversations.exists(gone)
    assert store.conversations.exists(keep)
    settle(qtbot, sidebar)
    assert [sidebar.tree.topLevelItem(0).data(0, ID_ROLE)] == [keep]
    assert sidebar.ordered_ids() == [keep]


def test_closing_saves_what_is_still_on_its_way(
    qtbot: QtBot, store: HistoryStore, make_sidebar: SidebarFactory
) -> None:
    renamed = _chat(store, "Before", "q", "a")
    gone = _chat(store, "Gone", "q", "a")
    sidebar = make_sidebar(store)
    sidebar.rename(renamed, "After")
    sidebar.delete(gone)  # still inside the undo delay
    sidebar.close()  # the window closes: pending deletes go through, writes are waited for
    assert store.conversations.get(renamed).title == "After"
    assert not store.conversations.exists(gone)


@pytest.fixture()
def read_only_store(tmp_path: Path) -> Iterator[HistoryStore]:
    """Two conversations ("First", then "Second") in a history opened read-only."""
    with HistoryStore.open(tmp_path / "data") as writable:
        _chat(writable, "First", "q", "a")
        _chat(writable, "Second", "q", "a")
    with HistoryStore.open(tmp_path / "data", read_only=True) as opened:
        yield opened


def test_a_failed_write_is_said_calmly_and_the_list_shows_the_store(
    qtbot: QtBot, read_only_store: HistoryStore, make_sidebar: SidebarFactory
) -> None:
    sidebar = make_sidebar(read_only_store)
    second, first = sidebar.ordered_ids()
    notices: list[str] = []
    sidebar.notice.connect(notices.append)
    before = _labels(sidebar)
    assert before == ["Second", "First"]

    sidebar.rename(first, "Nope")
    assert "Nope" in _labels(sidebar)  # optimistic ...
    qtbot.waitUntil(lambda: bool(notices), timeout=5000)
    settle(qtbot, sidebar)
    assert "read-only" in notices[-1]  # ... then the reason, and the store's title back
    assert _labels(sidebar) == before

    sidebar.set_pinned(second, True)
    sidebar.move_to_folder(first, "Work")
    settle(qtbot, sidebar)
    assert len(notices) == 3
    assert _labels(sidebar) == before
    assert sidebar.ordered_ids() == [second, first]

    sidebar.delete(second)
    assert _labels(sidebar) == ["First"]
    sidebar.commit_deletes()
    settle(qtbot, sidebar)
    assert "was not deleted" in notices[-1] and "Second" in notices[-1]
    assert _labels(sidebar) == before  # nothing lost: it is back in the list
    assert not sidebar.is_hidden(second)


def test_a_conversation_deleted_meanwhile_leaves_the_list(
    qtbot: QtBot, store: HistoryStore, make_sidebar: SidebarFactory
) -> None:
    keep = _chat(store, "Keep", "q", "a")
    elsewhere = _chat(store, "Deleted elsewhere", "q", "a")
    sidebar = make_sidebar(store)
    notices: list[str] = []
    sidebar.notice.connect(notices.append)
    store.delete_conversation(elsewhere)  # e.g. by another Hearth window
    sidebar.rename(elsewhere, "Too late")
    qtbot.waitUntil(lambda: bool(notices), timeout=5000)
    settle(qtbot, sidebar)
    assert notices == ["That conversation is no longer in your history."]
    assert _labels(sidebar) == ["Keep"]
    assert sidebar.ordered_ids() == [keep]
    # Deleting what is already gone is not an error: it is what the user wanted.
    sidebar.delete(keep)
    store.delete_conversation(keep)
    with qtbot.waitSignal(sidebar.conversation_deleted, timeout=5000):
        sidebar.commit_deletes()
    settle(qtbot, sidebar)
    assert len(notices) == 1 and _labels(sidebar) == []


@pytest.mark.model
def test_the_window_shows_a_failed_sidebar_write_inline(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(wait=False)
    store = window.context.store
    conversation = store.conversations.create("Soon gone")
    window.sidebar.refresh()
    qtbot.waitUntil(lambda: window.sidebar.item_for(conversation.id) is not None, timeout=5000)
    store.delete_conversation(conversation.id)
    window.sidebar.rename(conversation.id, "Too late")
    qtbot.waitUntil(lambda: bool(window.notice.text()), timeout=5000)
    assert window.notice.text() == "That conversation is no longer in your history."
    qtbot.waitUntil(lambda: window.sidebar.item_for(conversation.id) is None, timeout=5000)
    assert window.isVisible()
