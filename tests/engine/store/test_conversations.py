"""Conversations: fields, listing order, folders, pins, ids that are never reused."""

from __future__ import annotations

import time

import pytest

from engine.store import HistoryStore, NotFoundError
from engine.store.conversations import title_from_text


def test_create_keeps_settings_snapshot(store: HistoryStore) -> None:
    settings = {"temperature": 0.7, "top_k": 64, "system_prompt": "Be brief.", "nested": [1, 2]}
    conversation = store.conversations.create(
        "Plans", model="gemma-3-4b", model_sha256="ab" * 32, settings=settings, folder="work"
    )
    again = store.conversations.get(conversation.id)
    assert again.settings == settings
    assert (again.title, again.model, again.folder) == ("Plans", "gemma-3-4b", "work")
    assert again.model_sha256 == "ab" * 32
    assert again.message_count == 0
    assert again.created_at == again.updated_at


def test_listing_puts_pinned_first_then_newest(store: HistoryStore) -> None:
    first = store.conversations.create("first")
    second = store.conversations.create("second")
    store.conversations.create("third")
    time.sleep(0.01)  # times have millisecond resolution
    store.messages.add_user(first.id, "bump first")
    store.conversations.set_pinned(second.id, True)
    assert [c.title for c in store.conversations.recent()] == ["second", "first", "third"]
    assert [c.title for c in store.conversations.recent(pinned_only=True)] == ["second"]
    assert store.conversations.recent(limit=1)[0].title == "second"
    assert [c.message_count for c in store.conversations.recent()] == [0, 1, 0]


def test_folders_and_rename(store: HistoryStore) -> None:
    a = store.conversations.create("a")
    store.conversations.create("b", folder="later")
    store.conversations.set_folder(a.id, "work")
    store.conversations.rename(a.id, "renamed")
    assert store.conversations.folders() == ["later", "work"]
    assert [c.title for c in store.conversations.recent(folder="work")] == ["renamed"]
    store.conversations.set_folder(a.id, None)
    assert store.conversations.get(a.id).folder is None


def test_missing_ids_are_friendly_errors(store: HistoryStore) -> None:
    with pytest.raises(NotFoundError, match="no conversation 42"):
        store.conversations.get(42)
    with pytest.raises(NotFoundError):
        store.conversations.rename(42, "x")


def test_ids_are_never_reused(store: HistoryStore) -> None:
    first = store.conversations.create("one")
    message = store.messages.add_user(first.id, "hello")
    store.delete_conversation(first.id)
    second = store.conversations.create("two")
    again = store.messages.add_user(second.id, "hello")
    assert second.id != first.id
    assert again.id != message.id


def test_first_user_message_names_an_untitled_conversation(store: HistoryStore) -> None:
    conversation = store.conversations.create()
    store.messages.add_user(conversation.id, "\n  How do I light a fire?\nMore text")
    assert store.conversations.get(conversation.id).title == "How do I light a fire?"
    store.messages.add_user(conversation.id, "A later question")
    assert store.conversations.get(conversation.id).title == "How do I light a fire?"


def test_title_is_cut_at_a_word() -> None:
    title = title_from_text("word " * 40)
    assert len(title) <= 81
    assert title.endswith("…")
    assert not title[:-1].endswith(" ")
