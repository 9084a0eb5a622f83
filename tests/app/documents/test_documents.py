"""Dropping a PDF: the card (pages, tokens, fits), the whole text in the chat, and a summary
with progress, citations that open the cited page, cancel and resume after a restart."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.documents.document_card import CardState, DocumentCard
from app.documents.summary import SummaryProgress
from app.main_window import MainWindow
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


def _card(window: object, qtbot: QtBot, index: int = 0) -> DocumentCard:
    documents = window.documents  # type: ignore[attr-defined]
    cards = documents.cards
    qtbot.waitUntil(lambda: cards and cards[index].state is not CardState.READING, timeout=60000)
    qtbot.waitUntil(lambda: not documents._jobs)  # the reading thread has stopped too
    return cards[index]


def _restart(
    window: MainWindow, make_window: WindowFactory, qtbot: QtBot
) -> tuple[MainWindow, DocumentCard]:
    """Close the window with a paused job and start again: the job's card comes back."""
    conversation_id = window.session.conversation_id
    close_window(window)
    again = make_window(max_tokens=16)
    assert again.session.conversation_id == conversation_id
    resumed = _card(again, qtbot)
    assert resumed.state is CardState.PAUSED, resumed.details.text()
    return again, resumed


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
    again, resumed = _restart(window, make_window, qtbot)
    assert "interrupted" in resumed.details.text()
    resumed.resume_button.click()
    qtbot.waitUntil(lambda: not again.documents.busy, timeout=240000)
    assert resumed._progress is not None and resumed._progress.cached >= 1
    rows = again.chat_model.rows()
    assert [r.message.role for r in rows] == ["user", "assistant"]
    assert rows[1].text.count("hearth:cite/") == parts


def test_a_closed_paused_summary_is_not_offered_again(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = make_window(max_tokens=8)
    drop_files(window, [_pdf(tmp_path, 4, 18)])
    card = _card(window, qtbot)
    card.summarize_button.click()
    qtbot.waitUntil(lambda: window.documents.busy, timeout=10000)
    card.cancel_button.click()
    qtbot.waitUntil(lambda: not window.documents.busy, timeout=60000)
    assert card.state is CardState.PAUSED
    assert window.documents.pending.all()  # resumable after a restart...
    card.close_button.click()
    assert window.documents.pending.all() == []  # ...until the user closes the card
    close_window(window)
    again = make_window(max_tokens=8)
    assert again.documents.cards == []


# ---- A question about a document that does not fit: answered over the whole document


def test_a_question_about_a_small_pdf_sends_its_whole_text(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = make_window(max_tokens=8)
    drop_files(window, [_pdf(tmp_path, 1, 4, "note.pdf")])
    card = _card(window, qtbot)
    card.ask_button.click()
    assert "goes with your next message" in card.details.text()
    window.composer.editor.setPlainText("When was it built?")
    window.send()
    assert not window.documents.busy  # no whole-document job: the text goes with the message
    qtbot.waitUntil(lambda: not window.session.busy, timeout=60000)
    question = window.chat_model.rows()[0]
    assert '<document name="note.pdf">' in question.message.content


def test_a_question_about_a_long_pdf_is_answered_over_the_whole_document(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    """Ask → the map-reduce job reads every part for the question, with progress; cancelled
    after the first part; after a restart it resumes and the answer cites its pages."""
    window = make_window(max_tokens=16)
    drop_files(window, [_pdf(tmp_path, 3, 18)])
    card = _card(window, qtbot)
    assert "does not fit" in card.details.text()
    parts = len(card.document.plan.chunks)  # type: ignore[union-attr]
    assert parts >= 2
    card.ask_button.click()
    assert "reads the whole document" in card.details.text()
    window.composer.editor.setPlainText("")
    window.send()  # no question yet: nothing happens but a calm notice
    assert not window.documents.busy and "Type your question" in window.notice.text()
    window.composer.editor.setPlainText("Who logged the storms?")
    window.send()
    assert window.documents.busy and window.composer.stop_button.isVisible()
    assert window.composer.text() == ""
    assert card.progress.isVisibleTo(card) and card.cancel_button.isVisibleTo(card)
    assert card.progress_label.text() == f"Reading part 1 of {parts} for your question"
    question = window.chat_model.rows()[0]
    assert question.text == "Who logged the storms?"  # the question, without the document text
    assert "<document" not in question.message.content
    assert question.message.attachments[0].kind == "document"
    qtbot.waitUntil(lambda: card._progress is not None and card._progress.done >= 1, timeout=120000)
    assert "about" in card.progress_label.text() and "left" in card.progress_label.text()
    window.stop()  # the stop button (Esc) cancels the job
    qtbot.waitUntil(lambda: not window.documents.busy, timeout=60000)
    assert card.state is CardState.PAUSED, card.details.text()
    assert "Answering stopped after" in card.details.text()
    assert card.resume_button.text() == "Resume answer"
    [record] = window.documents.pending.all()
    assert record.question == "Who logged the storms?"
    again, resumed = _restart(window, make_window, qtbot)
    assert "Answering your question" in resumed.details.text()
    resumed.resume_button.click()
    assert resumed.answering and "for your question" in resumed.progress_label.text()
    qtbot.waitUntil(lambda: not again.documents.busy, timeout=240000)
    assert resumed._progress is not None and resumed._progress.cached >= 1
    rows = again.chat_model.rows()
    assert [r.message.role for r in rows] == ["user", "assistant"]
    answer = rows[1]
    assert answer.text.startswith("**Harbour report**")
    assert answer.text.count("hearth:cite/") >= parts  # every part cited, page by page
    assert again.documents.pending.all() == []
    target = answer.text.split("](hearth:", 1)[1].split(")", 1)[0]
    again.chat_view.action_requested.emit(target, answer.message.id)
    qtbot.waitUntil(lambda: hasattr(again.documents, "citation_dialog"), timeout=60000)
    dialog = again.documents.citation_dialog
    text = dialog.findChild(object, "citationText").toPlainText()  # type: ignore[union-attr]
    assert dialog.isVisible() and "Page 1 line 0" in text
    dialog.close()


# ---- Scanned pages (images without a text layer)


def _scanned_pdf(tmp_path: Path, name: str, pages: list[list[str] | None]) -> Path:
    builder = load_pdf_builder()
    path = tmp_path / name
    scans = [number for number, lines in enumerate(pages, start=1) if lines is None]
    path.write_bytes(builder.build_pdf(pages, image_pages=scans, title="Harbour scans"))
    return path


def _lines(page: int, count: int = 4) -> list[str]:
    return [f"Page {page} line {line}. {SENTENCE}" for line in range(count)]


def test_scanned_pages_are_named_and_need_a_vision_model(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    window = make_window(max_tokens=8)
    assert window.model_info is not None and not window.model_info.vision
    mixed = _scanned_pdf(tmp_path, "mixed.pdf", [_lines(1), None, None, _lines(4), None])
    drop_files(window, [mixed])
    card = _card(window, qtbot)
    assert card.state is CardState.READY, card.details.text()
    notice = card.scans_label.text()
    assert card.scans_label.isVisibleTo(card)
    assert notice.startswith("3 pages without a text layer (scanned): pp. 2\u20133, 5.")
    assert "needs a model that sees images" in notice
    assert not card.read_scans_check.isVisibleTo(card)  # nothing to offer without vision
    assert card.summarize_button.isVisibleTo(card)  # the text pages can still be summarized
    assert card.scans_label.objectName() == "scannedPagesNotice"
    assert card.scans_label.accessibleName() and card.scans_label.toolTip()
    window.documents.remove_card(card)

    drop_files(window, [_scanned_pdf(tmp_path, "scan.pdf", [None])])
    scan = _card(window, qtbot, -1)
    assert scan.state is CardState.READY, scan.details.text()  # not "no text Hearth can read"
    assert scan.details.text() == "1 page · no text layer"
    assert scan.scans_label.text().startswith("1 page without a text layer (scanned): p. 1.")
    assert not scan.summarize_button.isVisibleTo(scan)
    assert not scan.ask_button.isVisibleTo(scan) and not scan.full_button.isVisibleTo(scan)


def test_the_vision_model_reads_scanned_pages_for_a_summary_and_a_question(
    qtbot: QtBot,
    make_window: WindowFactory,
    model_path: Path,
    tiny_mmproj_path: Path,
    tmp_path: Path,
) -> None:
    window = make_window(max_tokens=4)
    drop_files(window, [_scanned_pdf(tmp_path, "mixed.pdf", [_lines(1), None])])
    card = _card(window, qtbot)
    assert not card.read_scans_check.isVisibleTo(card)
    entry = window.context.registry.add(model_path, tiny_mmproj_path, allow_text_only=True)
    window.switch_model(entry)
    qtbot.waitUntil(lambda: window._loaded and window._load_job is None, timeout=90000)
    # The card learns that the model sees images: it offers to read the scanned page.
    assert card.read_scans_check.isVisibleTo(card)
    assert "needs a model that sees images" not in card.scans_label.text()
    check = card.read_scans_check
    assert check.objectName() == "readScansCheck" and check.accessibleName() and check.toolTip()
    assert card.full_button.isVisibleTo(card)
    check.setChecked(True)
    assert not card.full_button.isVisibleTo(card)  # the text layer alone would miss page 2
    seen: list[SummaryProgress] = []
    original = card.set_progress
    card.set_progress = lambda progress: (seen.append(progress), original(progress))  # type: ignore[method-assign]
    card.summarize_button.click()
    assert card.progress_label.text() == "Reading scanned page 1 of 1"
    qtbot.waitUntil(lambda: not window.documents.busy, timeout=120000)
    assert ("scan", 1, 1) in [(p.phase, p.done, p.total) for p in seen], seen
    question, answer = window.chat_model.rows()
    assert question.text == "Summarize “mixed.pdf”."
    assert answer.message.role == "assistant" and answer.text.startswith("**Harbour scans**")
    # The model's reading of page 2 is kept, and a citation of page 2 opens it.
    sha = card.document.document.sha256  # type: ignore[union-attr]
    read = window.documents.transcripts.get(sha)
    assert read is not None and read.scanned_pages == ()
    [page_two] = [s for s in read.sections if s.page_start == 2]
    window.documents.show_citation(f"cite/{sha[:16]}/{page_two.index}/scans", window)
    dialog = window.documents.citation_dialog
    assert dialog.findChild(object, "citationText").toPlainText() == page_two.text  # type: ignore[union-attr]
    assert dialog.windowTitle().endswith("p. 2")
    dialog.close()

    # A scan-only document: with vision, its pages are read for a question.
    drop_files(window, [_scanned_pdf(tmp_path, "scan.pdf", [None])])
    scan = _card(window, qtbot, -1)
    assert scan.ask_button.isVisibleTo(scan) and not scan.read_scans_check.isVisibleTo(scan)
    assert "The vision model reads them first." in scan.scans_label.text()
    scan.ask_button.click()
    window.composer.editor.setPlainText("What does the page say?")
    window.send()
    assert window.documents.busy and scan.answering
    assert scan.progress_label.text() == "Reading scanned page 1 of 1"
    qtbot.waitUntil(lambda: not window.documents.busy, timeout=120000)
    rows = window.chat_model.rows()
    assert [r.text for r in rows[-2:-1]] == ["What does the page say?"]
    assert rows[-1].message.role == "assistant", window.notice.text()
    assert rows[-1].text.startswith("**Harbour scans**")
