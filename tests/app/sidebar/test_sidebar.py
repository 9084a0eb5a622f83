"""The sidebar against a real store: ordering, pin, folders, rename, live search, delete+undo."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from app.sidebar.sidebar import ID_ROLE, Sidebar
from engine.store import HistoryStore


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    with HistoryStore.open(tmp_path / "data") as opened:
        yield opened


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


def test_pinned_first_then_folders_then_newest(qtbot: QtBot, store: HistoryStore) -> None:
    old = _chat(store, "Old", "q", "a")
    filed = _chat(store, "Filed", "q", "a")
    new = _chat(store, "New", "q", "a")
    sidebar = Sidebar(store)
    qtbot.addWidget(sidebar)
    assert _labels(sidebar) == ["New", "Filed", "Old"]
    sidebar.set_pinned(old, True)
    sidebar.move_to_folder(filed, "Work")
    sidebar.select(filed)
    assert _labels(sidebar) == ["★ Old", "Work", "  Filed", "New"]
    assert sidebar.ordered_ids() == [old, filed, new]
    sidebar.rename(new, "Renamed")
    assert store.conversations.get(new).title == "Renamed"
    assert "Renamed" in _labels(sidebar)


def test_live_search_shows_highlighted_snippets_and_opens(
    qtbot: QtBot, store: HistoryStore
) -> None:
    _chat(store, "Sailing", "How do tides work?", "The moon pulls the oceans.")
    target = _chat(store, "Baking", "Bread recipe?", "Knead the dough for ten minutes.")
    sidebar = Sidebar(store)
    qtbot.addWidget(sidebar)
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


def test_delete_can_be_undone_then_happens(qtbot: QtBot, store: HistoryStore) -> None:
    keep = _chat(store, "Keep", "q", "a")
    gone = _chat(store, "Gone", "q", "a")
    sidebar = Sidebar(store)
    qtbot.addWidget(sidebar)
    sidebar.select(gone)
    sidebar.tree.setFocus()
    qtbot.keyClick(sidebar.tree, Qt.Key.Key_Delete)
    assert sidebar.undo_bar.isVisibleTo(sidebar)
    assert sidebar.item_for(gone) is None and store.conversations.exists(gone)
    sidebar.undo_button.click()
    assert sidebar.item_for(gone) is not None
    sidebar.delete(gone)
    with qtbot.waitSignal(sidebar.conversation_deleted, timeout=2000):
        sidebar.commit_deletes()
    assert not store.conversations.exists(gone)
    assert store.conversations.exists(keep)
    assert [sidebar.tree.topLevelItem(0).data(0, ID_ROLE)] == [keep]
