"""Document summaries saved piece by piece, so an interrupted summary resumes."""

from __future__ import annotations

from engine.store import AttachmentRef, HistoryStore, SummaryKey


def test_resume_from_saved_chunks(store: HistoryStore) -> None:
    key = SummaryKey("d" * 64, "m" * 64, "v1")
    store.summaries.put(key, 0, "chunk zero", chunk_sha256="c0")
    store.summaries.put(key, 2, "chunk two", chunk_sha256="c2")
    pieces = store.summaries.pieces(key)
    assert sorted(pieces) == [0, 2]  # chunk 1 still to do
    assert pieces[2].text == "chunk two"
    assert store.summaries.get(key, 0, chunk_sha256="c0") == "chunk zero"
    assert store.summaries.get(key, 0, chunk_sha256="moved") is None
    store.summaries.put(key, 0, "chunk zero, redone", chunk_sha256="c0b")
    assert store.summaries.get(key, 0) == "chunk zero, redone"


def test_keys_separate_models_prompts_and_levels(store: HistoryStore) -> None:
    base = SummaryKey("d" * 64, "m" * 64, "v1")
    store.summaries.put(base, 0, "map")
    store.summaries.put(base, 0, "reduce", level=1)
    store.summaries.put_final(base, "final")
    assert store.summaries.get(SummaryKey("d" * 64, "n" * 64, "v1"), 0) is None
    assert store.summaries.get(SummaryKey("d" * 64, "m" * 64, "v2"), 0) is None
    assert store.summaries.get(base, 0, level=1) == "reduce"
    assert store.summaries.get_final(base) == "final"
    assert store.summaries.forget_document("d" * 64) == 3


def test_summaries_of_a_deleted_document_go_with_it(store: HistoryStore) -> None:
    document = store.put_bytes(b"%PDF-1.7 secret report", "application/pdf")
    conversation = store.conversations.create()
    store.messages.add_user(
        conversation.id, "summarise", attachments=[AttachmentRef(document, "document", "r.pdf")]
    )
    key = SummaryKey(document.sha256, "m" * 64, "v1")
    store.summaries.put(key, 0, "partial summary")
    store.delete_conversation(conversation.id)
    assert store.summaries.pieces(key) == {}
