"""A streaming answer is laid out in parts: finished paragraphs once, only the tail per token."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QTextDocument
from pytestqt.qtbot import QtBot

from app.chat.delegate import VERTICAL_GAP
from app.chat.markdown import COPY_CODE_SCHEME
from app.chat.model import ChatModel
from app.chat.view import ChatView
from engine.paths import resolve_paths
from engine.store import AnswerRecorder, HistoryStore

ANSWER = (
    "First paragraph of the answer.\n\n"
    "A second one, with `inline` code.\n\n"
    "```python\nprint(1)\n\nprint(2)\n```\n\n"
    "- a list item\n\n"
    "  still the same item\n\n"
    "The closing words of the answer."
)


def _words(text: str) -> list[str]:
    return text.replace("Copy", " ").split()


@pytest.fixture()
def store(tmp_path: Path) -> Iterator[HistoryStore]:
    opened = HistoryStore.open(resolve_paths(tmp_path).ensure())
    yield opened
    opened.close()


def streaming_view(qtbot: QtBot, store: HistoryStore) -> tuple[ChatView, ChatModel, AnswerRecorder]:
    """A question and an answer that has just started, shown in a real chat view."""
    conversation = store.conversations.create()
    user = store.messages.add_user(conversation.id, "Explain")
    recorder = store.messages.start_assistant(conversation.id, parent=user.id)
    model = ChatModel()
    model.set_messages(store.messages.active_path(conversation.id), {})
    view = ChatView(model)
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    return view, model, recorder


def test_finished_parts_are_reused_while_the_answer_streams(
    qtbot: QtBot, store: HistoryStore
) -> None:
    view, model, recorder = streaming_view(qtbot, store)
    delegate = view._delegate
    index = model.index(1, 0)

    seen: list[QTextDocument] = []  # every finished part ever laid out (kept alive)
    for start in range(0, len(ANSWER), 3):  # three characters per flush
        model.append_stream(ANSWER[start : start + 3])
        model.flush_stream()
        layout = delegate._layout(view._option_for(index), index)
        for part in layout.parts[1:-1]:
            if not any(part is known for known in seen):
                seen.append(part)
    # header, four finished chunks (paragraph, paragraph, code, the two-paragraph item), tail
    assert len(layout.parts) == 6
    kept = layout.parts[1:-1]
    assert all(any(part is known for known in seen) for part in kept)  # the same documents
    assert len(seen) == 4  # each finished chunk was laid out exactly once
    # the view's row grew with the parts (a size change reaches the list's layout)
    qtbot.waitUntil(
        lambda: view.visualRect(index).height() == layout.bubble.height() + 2 * VERTICAL_GAP
    )

    text, html = view.rendered(1)
    assert f'href="{COPY_CODE_SCHEME}0"' in html
    assert delegate.code_block(view._option_for(index), index, 0) == "print(1)\n\nprint(2)\n"

    recorder.append(ANSWER)
    saved = recorder.finish()
    assert saved is not None
    model.replace_message(saved)
    final = delegate._layout(view._option_for(index), index)
    assert len(final.parts) == 1  # the finished answer is one document again
    final_text, _ = view.rendered(1)
    streamed, finished = _words(text), _words(final_text)
    end = len(streamed) - streamed[::-1].index("answer.")  # the body, without the status line
    assert finished[:end] == streamed[:end]


def test_a_streaming_answer_starts_with_a_placeholder(qtbot: QtBot, store: HistoryStore) -> None:
    view, _model, _recorder = streaming_view(qtbot, store)
    text, _ = view.rendered(1)
    assert "…" in text
