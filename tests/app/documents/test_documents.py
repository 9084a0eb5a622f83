"""Dropping a PDF: the card (pages, tokens, fits), the whole text in the chat, and a summary
with progress, citations that open the cited page, cancel and resume after a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.documents.document_card import CardState, DocumentCard
from app.documents.summary import SummaryProgress
from tests.app.conftest import WindowFactory, close_window, drop_files, load_pdf_builder

pytestmark = pytest.mark.model

SENTENCE = (
    "The harbour lighthouse was built in 1871 from granite blocks carried by boat, and its "
    "keepers logged every ship, storm and repair in a leather-bound journal."
)


def _pdf(tmp_path: Path, pages: int, lines_per_page: int, name: str = "report.pdf") -> Path:
    builder = load_pdf_builder()
    content = [
        [f"Page {page} line {line}. {SENTENCE}" for line in range(lines_per_page)]
        for page in range(1, pages + 1)
    ]
    path = tmp_path / name
    path.write_bytes(builder.build_pdf(content, title="Harbour report"))
    return path


def _card(window: object, qtbot: QtBot) -> DocumentCard:
    cards = window.documents.cards  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: cards and cards[0].state is not CardState.READING, timeout=60000)
    return cards[0]


def test_a_small_pdf_fits_and_goes_whole_into_the_chat(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = make_window(max_tokens=8)
    drop_files(window, [_pdf(tmp_path, 1, 4, "note.pdf")])
    card = _card(window, qtbot)
    assert card.state is CardState.READY, card.details.text()
    assert "1 page" in card.details.text() and "fits in the context" in card.details.text()
    assert card.full_button.isVisibleTo(card)
    card.full_button.click()
    window.composer.editor.setPlainText("When was it built?")
    window.send()
    qtbot.waitUntil(lambda: not window.session.busy, timeout=60000)
    question = window.chat_model.rows()[0]
    assert '<document name="note.pdf">' in question.message.content
    assert "1871" in question.message.content
    assert question.message.attachments[0].kind == "document"
    shown = window.chat_view.rendered(0)[0]
    assert "When was it built?" in shown and "1871" not in shown  # shown collapsed
    assert not window.documents.cards


def test_summarize_a_long_pdf_with_progress_and_citations(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = make_window(max_tokens=16)
    drop_files(window, [_pdf(tmp_path, 4, 18)])
    card = _card(window, qtbot)
    assert card.state is CardState.READY, card.details.text()
    assert "4 pages" in card.details.text()
    assert "does not fit" in card.details.text()
    assert not card.full_button.isVisibleTo(card)
    parts = len(card.document.plan.chunks)  # type: ignore[union-attr]
    assert parts >= 2
    seen: list[SummaryProgress] = []
    original = card.set_progress
    card.set_progress = lambda progress: (seen.append(progress), original(progress))  # type: ignore[method-assign]
    card.summarize_button.click()
    assert window.composer.stop_button.isVisible()  # the chat waits for the summary
    assert card.progress.isVisibleTo(card) and card.cancel_button.isVisibleTo(card)
    qtbot.waitUntil(lambda: not window.documents.busy, timeout=240000)
    phases = [(p.phase, p.done, p.total) for p in seen]
    assert ("map", 1, parts) in phases and ("reduce", parts, parts) in phases
    assert any(p.eta_s is not None for p in seen)
    question, answer = window.chat_model.rows()
    assert question.text == "Summarize “report.pdf”."
    assert "hearth:cite/" in answer.text and "[p. 1" in answer.text
    # Clicking a citation opens the cited page's text.
    target = answer.text.split("](hearth:", 1)[1].split(")", 1)[0]
    window.chat_view.action_requested.emit(target, answer.message.id)
    dialog = window.documents.citation_dialog
    assert (
        dialog.isVisible()
        and "Page 1 line 0" in dialog.findChild(object, "citationText").toPlainText()
    )  # type: ignore[union-attr]
    dialog.close()
    assert window.documents.pending.all() == []


def test_a_cancelled_summary_resumes_after_a_restart(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = make_window(max_tokens=16)
    drop_files(window, [_pdf(tmp_path, 4, 18)])
    card = _card(window, qtbot)
    parts = len(card.document.plan.chunks)  # type: ignore[union-attr]
    card.summarize_button.click()
    qtbot.waitUntil(lambda: card._progress is not None and card._progress.done >= 1, timeout=120000)
    card.cancel_button.click()
    qtbot.waitUntil(lambda: not window.documents.busy, timeout=60000)
    assert card.state is CardState.PAUSED
    assert card.resume_button.isVisibleTo(card)
    conversation_id = window.session.conversation_id
    close_window(window)

    again = make_window(max_tokens=16)
    assert again.session.conversation_id == conversation_id
    resumed = _card(again, qtbot)
    assert resumed.state is CardState.PAUSED, resumed.details.text()
    assert "interrupted" in resumed.details.text()
    resumed.resume_button.click()
    qtbot.waitUntil(lambda: not again.documents.busy, timeout=240000)
    assert resumed._progress is not None and resumed._progress.cached >= 1
    rows = again.chat_model.rows()
    assert [r.message.role for r in rows] == ["user", "assistant"]
    assert rows[1].text.count("hearth:cite/") == parts
