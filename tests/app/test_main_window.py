"""The real window with the real model and a real store: send and stream, stop, regenerate and
branches, edit and resend, continue, copy, keyboard, restart."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLineEdit, QListView, QPushButton
from pytestqt.qtbot import QtBot

from app.chat.delegate import MessageDelegate
from app.models.prompt_format_dialog import PromptFormatDialog
from engine.paths import AppPaths
from tests.app.conftest import WindowFactory, ask, close_window

pytestmark = pytest.mark.model


def test_an_answer_streams_into_the_window_and_the_store(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(max_tokens=40)
    assert window.findChild(QListView, "chatView") is window.chat_view
    assert window.chat_stack.currentWidget() is window.empty_state
    seen_streaming: list[str] = []
    window.chat_model.dataChanged.connect(
        lambda *_: seen_streaming.append(window.chat_model.rows()[-1].text)
    )
    qtbot.keyClicks(window.composer.editor, "Say hello")
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    assert window.composer.text() == ""
    # The question is committed before the answer starts; the answer row is 'streaming'.
    conversation_id = window.session.conversation_id
    assert conversation_id is not None
    stored = window.context.store.messages.active_path(conversation_id)
    assert [m.role for m in stored] == ["user", "assistant"]
    assert stored[0].content == "Say hello"
    assert stored[1].status == "streaming"
    assert window.composer.stop_button.isVisible()
    assert not window.composer.send_button.isVisible()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=60000)
    assert len(seen_streaming) >= 2, "the answer should appear in several steps"
    answer = window.context.store.messages.active_path(conversation_id)[-1]
    assert answer.status == "complete"
    assert answer.content and window.chat_model.rows()[-1].text == answer.content
    assert answer.stats.completion_tokens and answer.stats.first_token_ms is not None
    assert answer.stats.extra["context_used"] > 0
    assert window.chat_stack.currentWidget() is window.chat_view
    assert "tokens/s" in window.status.speed_label.text()
    assert "first token" in window.status.ttft_label.text()
    assert window.status.context_meter.value() == answer.stats.extra["context_used"]
    assert window.windowTitle() == "Say hello — Hearth"
    assert window.sidebar.item_for(conversation_id) is not None


def test_shift_enter_adds_a_line_instead_of_sending(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window()
    qtbot.keyClicks(window.composer.editor, "first line")
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(window.composer.editor, "second line")
    assert window.composer.text() == "first line\nsecond line"
    assert window.session.conversation_id is None


def test_stop_marks_the_answer_and_offers_continue(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(max_tokens=400, sampling_preset="gemma")
    window.composer.editor.setPlainText("Write a very long story about the sea.")
    window.composer.send_button.click()
    qtbot.waitUntil(lambda: len(window.chat_model.rows()[-1].text) > 10, timeout=30000)
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Escape)  # Esc stops
    qtbot.waitUntil(lambda: not window.session.busy, timeout=20000)
    row = window.chat_model.rows()[-1]
    assert row.message.status == "cancelled"
    assert row.resumable
    stored = window.context.store.messages.get(row.message.id)
    assert stored.status == "cancelled" and stored.content == row.text
    _, shown = window.chat_view.rendered(1)
    assert "hearth:continue" in shown
    # "Continue" lets the model go on with its own unfinished turn, in the same message.
    window.context.settings.update(max_tokens=8)
    before = row.text.rstrip()
    window.chat_view.action_requested.emit("continue", row.message.id)
    qtbot.waitUntil(lambda: window.session.busy is False, timeout=60000)
    rows = window.chat_model.rows()
    assert [r.message.role for r in rows] == ["user", "assistant"]
    continued = rows[-1]
    assert continued.message.id == row.message.id
    assert continued.message.status == "complete" and continued.finish_reason == "length"
    assert continued.text.startswith(before) and len(continued.text) > len(before)
    assert window.context.store.messages.get(row.message.id).content == continued.text
    # The worker still held the stopped answer: only its tail was read again.
    assert window.status.stats is not None
    assert window.status.stats.reevaluated_tokens <= 2
    assert continued.resumable  # cut at the length limit: can go on again


def test_regenerate_keeps_both_answers_with_navigation(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(max_tokens=12, sampling_preset="creative")
    ask(qtbot, window, "Name a colour")
    first = window.chat_model.rows()[-1]
    window.regenerate_last()  # Ctrl+R
    qtbot.waitUntil(lambda: not window.session.busy, timeout=60000)
    second = window.chat_model.rows()[-1]
    assert second.message.id != first.message.id
    assert second.siblings.count == 2 and second.siblings.index == 1
    assert "2/2" in window.chat_view.rendered(1)[0]
    window.chat_view.action_requested.emit("prev", second.message.id)
    shown = window.chat_model.rows()[-1]
    assert shown.message.id == first.message.id
    assert shown.siblings.index == 0
    conversation = window.context.store.conversations.get(window.session.conversation_id or 0)
    assert conversation.active_leaf_id == first.message.id
    window.chat_view.action_requested.emit("next", first.message.id)
    assert window.chat_model.rows()[-1].message.id == second.message.id


def test_edit_and_resend_keeps_the_old_branch(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window(max_tokens=8)
    ask(qtbot, window, "What is two plus two?")
    original = window.chat_model.rows()[0]
    window.chat_view.action_requested.emit("edit", original.message.id)
    assert window.composer.editing_message_id == original.message.id
    assert window.composer.edit_banner.isVisible()
    assert window.composer.text() == "What is two plus two?"
    window.composer.editor.setPlainText("What is three plus three?")
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not window.session.busy, timeout=60000)
    rows = window.chat_model.rows()
    assert rows[0].text == "What is three plus three?"
    assert rows[0].siblings.count == 2 and rows[0].siblings.index == 1
    assert len(rows) == 2 and rows[1].message.status == "complete"
    assert not window.composer.edit_banner.isVisible()
    # The old question and its answer are still there, one click away.
    window.chat_view.action_requested.emit("prev", rows[0].message.id)
    rows = window.chat_model.rows()
    assert rows[0].text == "What is two plus two?" and len(rows) == 2


def test_copy_message_code_block_and_conversation(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    store = window.context.store
    conversation = store.conversations.create("Code")
    store.messages.add_user(conversation.id, "Show code")
    store.messages.add(
        conversation.id, "assistant", "Here:\n\n```python\nprint('hi')\n```\n\nDone."
    )
    window.open_conversation(conversation.id)
    view = window.chat_view
    view.resize(700, 500)
    QApplication.processEvents()
    index = window.chat_model.index(1)
    view.activate_link(index, "hearth:copy-code/0")
    assert QGuiApplication.clipboard().text() == "print('hi')\n"
    view.activate_link(index, "hearth:copy")
    assert QGuiApplication.clipboard().text().startswith("Here:")
    window.copy_conversation()
    copied = QGuiApplication.clipboard().text()
    assert "**You:**" in copied and "Show code" in copied and "print('hi')" in copied
    # The copy link is really under the mouse where it is drawn.
    delegate = view.itemDelegate()
    assert isinstance(delegate, MessageDelegate)
    rect = view.visualRect(index)
    found = {
        view.anchor_at(QPoint(x, y))[1]
        for x in range(rect.left(), rect.right(), 6)
        for y in range(rect.top(), rect.bottom(), 4)
    }
    assert "hearth:copy-code/0" in found and "hearth:regenerate" in found


def test_keyboard_drives_the_window(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window(max_tokens=4)
    ask(qtbot, window, "First chat")
    first = window.session.conversation_id
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.session.conversation_id is None
    assert window.composer.editor.hasFocus()
    ask(qtbot, window, "Second chat")
    second = window.session.conversation_id
    assert window.sidebar.ordered_ids()[:2] == [second, first]
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert window.session.conversation_id == first
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.session.conversation_id == second
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.sidebar.search_box.hasFocus()
    qtbot.keyClick(window.sidebar.search_box, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.composer.editor.hasFocus()
    qtbot.keyClick(window.composer.editor, Qt.Key.Key_F1)
    dialog = window.help_dialog
    rows = dict(dialog.shortcut_rows())
    assert rows["New chat"] == "Ctrl+N"
    assert "Ctrl+K" in rows["Search conversations"]
    assert "Ctrl+Tab" in rows["Next conversation"]
    assert rows["Stop the answer"] == "Esc"
    assert rows["Regenerate the last answer"] == "Ctrl+R"
    dialog.close()


def test_main_controls_have_names_tooltips_and_accessible_names(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window()
    for name in (
        "composer",
        "sendButton",
        "stopButton",
        "chatView",
        "conversationList",
        "searchBox",
        "attachButton",
        "modelPicker",
        "contextMeter",
    ):
        widget = window.findChild(object, name)
        assert widget is not None, name
        assert widget.accessibleName(), name  # type: ignore[attr-defined]
    for widget in window.findChildren(QPushButton) + window.findChildren(QLineEdit):
        if widget.isVisible():
            assert widget.accessibleName(), widget.objectName()
            assert widget.toolTip(), widget.objectName()


def test_restart_restores_window_conversation_and_branches(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(max_tokens=6)
    window.resize(720, 520)  # within the offscreen screen, which is 800x600
    window.splitter.setSizes([230, 490])
    ask(qtbot, window, "Remember me")
    window.regenerate_last()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=60000)
    conversation_id = window.session.conversation_id
    texts = [row.text for row in window.chat_model.rows()]
    sizes = window.splitter.sizes()
    close_window(window)

    again = make_window()
    assert again.session.conversation_id == conversation_id
    assert [row.text for row in again.chat_model.rows()] == texts
    assert again.chat_model.rows()[-1].siblings.count == 2
    assert (again.size().width(), again.size().height()) == (720, 520)
    assert again.splitter.sizes() == sizes
    assert again.windowTitle() == "Remember me — Hearth"
    assert again.context.settings.value.max_tokens == 24  # the fixture's settings are saved


def test_interrupted_answers_are_marked_after_a_restart(
    qtbot: QtBot, make_window: WindowFactory, data_paths: Path
) -> None:
    window = make_window()
    store = window.context.store
    conversation = store.conversations.create()
    store.messages.add_user(conversation.id, "Tell me a story")
    recorder = store.messages.start_assistant(conversation.id)
    recorder.append("Once upon a time")
    recorder.flush()
    close_window(window)  # the process "died" with the answer still streaming
    # A new writer token: the old lease is released, so the row counts as interrupted.
    again = make_window()
    again.open_conversation(conversation.id)
    row = again.chat_model.rows()[-1]
    assert row.message.status == "interrupted"
    assert row.resumable and row.text == "Once upon a time"
    text, html = again.chat_view.rendered(1)
    assert "hearth:continue" in html
    assert "Interrupted" in text
    again.context.settings.update(max_tokens=6)
    again.chat_view.action_requested.emit("continue", row.message.id)
    qtbot.waitUntil(lambda: not again.session.busy, timeout=60000)
    (_question, answer) = again.chat_model.rows()
    assert answer.message.id == row.message.id and answer.message.status == "complete"
    assert answer.text.startswith("Once upon a time") and len(answer.text) > 16
    # An earlier answer is no longer the end of the branch: it cannot be continued.
    again.context.store.messages.add_user(conversation.id, "And then?")
    again.open_conversation(conversation.id)
    assert not again.chat_model.rows()[1].resumable


def test_a_failed_bug_shows_the_crash_dialog_with_details(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    from engine.worker import protocol as p

    window = make_window()
    window.on_failed(p.Failed(1, "bug", "KeyError: 'x'", "Traceback (most recent call last)…"))
    boxes = [w for w in QApplication.topLevelWidgets() if w.objectName() == "crashDialog"]
    assert boxes and boxes[-1].isVisible()
    box = boxes[-1]
    assert "Traceback" in box.detailedText()  # type: ignore[attr-defined]
    copy = box.findChild(QPushButton, "copyDetailsButton")
    assert copy is not None
    copy.click()
    assert "Traceback" in QGuiApplication.clipboard().text()
    box.close()
    window.on_failed(p.Failed(1, "environment", "The disk is full."))
    assert window.notice.text() == "The disk is full."


def test_a_long_conversation_opens_and_scrolls(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    store = window.context.store
    conversation = store.conversations.create("Long")
    for n in range(600):
        store.messages.add_user(conversation.id, f"Question {n}")
        store.messages.add(
            conversation.id, "assistant", f"Answer {n} with `code` and **bold**.\n\n- a\n- b"
        )
    window.open_conversation(conversation.id)
    assert window.chat_model.rowCount() == 200  # only the newest page is loaded
    assert window.chat_model.rows()[-1].text.startswith("Answer 599")
    qtbot.waitUntil(lambda: window.chat_view.verticalScrollBar().maximum() > 0, timeout=10000)
    added = window.session.load_older()
    assert added == 200
    assert (
        window.chat_model.rows()[0].text == "Question 400"
    )  # 1,200 messages: 1000-1199, then 800-999


def test_export_runs_in_the_background_and_reports(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    window = make_window()
    store = window.context.store
    conversation = store.conversations.create("Lighthouses")
    store.messages.add_user(conversation.id, "Where is the lighthouse?")
    window.open_conversation(conversation.id)
    target = tmp_path / "out" / "lighthouses.html"
    # The native save dialog cannot be driven offscreen: it answers with our path.
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), "Web page (*.html)")
    )
    window.export_conversation()  # the folder does not exist yet: a calm error
    qtbot.waitUntil(window.notice.isVisible, timeout=10000)
    assert "Could not export" in window.notice.text()
    target.parent.mkdir()
    window.export_conversation()
    qtbot.waitUntil(lambda: "Exported to" in window.statusBar().currentMessage(), timeout=10000)
    assert "Where is the lighthouse?" in target.read_text(encoding="utf-8")


def test_an_edited_question_keeps_its_images(qtbot: QtBot, make_window: WindowFactory) -> None:
    from engine.chat.session import image_attachment_ref
    from engine.vision.attachment import ImageAttachment

    window = make_window(max_tokens=4)
    store = window.context.store
    photo = Path(__file__).parents[1] / "data" / "f3-discovery-board.jpeg"
    ref = image_attachment_ref(store, ImageAttachment.from_path(photo), None)
    conversation = store.conversations.create()
    original = store.messages.add_user(conversation.id, "What is this?", attachments=[ref])
    window.open_conversation(conversation.id)
    assert window.session.edit(original.id, "Which board is this?")
    qtbot.waitUntil(lambda: not window.session.busy, timeout=60000)
    edited = window.chat_model.rows()[0].message
    assert edited.id != original.id and edited.content == "Which board is this?"
    assert [(a.kind, a.sha256) for a in edited.attachments] == [("image", ref.blob.sha256)]


def test_a_chat_tuned_llama_model_answers_in_the_window_and_stops_by_itself(
    qtbot: QtBot, make_window: WindowFactory, smollm2_path: Path, data_paths: AppPaths
) -> None:
    model = data_paths.models_dir / smollm2_path.name
    model.symlink_to(smollm2_path)  # a GGUF in the models folder is offered in the picker
    window = make_window(model_path=str(model), max_tokens=200)
    assert "SmolLM2" in window.model_picker.currentText() or "Smollm2" in (
        window.model_picker.currentText()
    )
    assert window.model_info is not None and window.model_info.architecture == "llama"
    ask(qtbot, window, "What is 2+2?")
    conversation_id = window.session.conversation_id
    assert conversation_id is not None
    answer = window.context.store.messages.active_path(conversation_id)[-1]
    assert answer.status == "complete" and answer.content.strip()
    assert answer.stats.completion_tokens is not None and answer.stats.completion_tokens < 200
    assert "<|im_end|>" not in window.chat_model.rows()[-1].text


def test_a_model_without_a_template_asks_for_its_format_and_then_answers(
    qtbot: QtBot, make_window: WindowFactory, smollm2_path: Path, data_paths: AppPaths
) -> None:
    bare = data_paths.models_dir / "smol-bare.gguf"
    subprocess.run(
        [sys.executable, "-m", "gguf.scripts.gguf_new_metadata", str(smollm2_path), str(bare),
         "--force", "--remove-metadata", "tokenizer.chat_template"],
        check=True, capture_output=True,
    )  # fmt: skip
    window = make_window(model_path=str(bare), max_tokens=200, wait=False)
    qtbot.waitUntil(lambda: window.findChild(PromptFormatDialog) is not None, timeout=90000)
    qtbot.waitUntil(lambda: window._load_job is None, timeout=30000)
    assert window.model_info is None
    dialog = window.findChild(PromptFormatDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.grab().save(str(data_paths.data_dir / "prompt-format.png"))
    assert "has no chat template" in window.notice.text()
    dialog.options["chatml"].setChecked(True)
    dialog.accept()
    qtbot.waitUntil(lambda: window._loaded and window._load_job is None, timeout=90000)
    assert window.context.settings.value.prompt_format == "chatml"
    assert "ChatML" in window.model_info.prompt_format
    ask(qtbot, window, "What is 2+2?")
    conversation_id = window.session.conversation_id
    assert conversation_id is not None
    answer = window.context.store.messages.active_path(conversation_id)[-1]
    assert answer.status == "complete" and answer.content.strip()
