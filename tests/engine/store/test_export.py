"""Export to JSON (lossless), Markdown and self-contained HTML; import of Hearth JSON."""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from engine.paths import AppPaths
from engine.store import (
    AttachmentRef,
    GenerationStats,
    HistoryStore,
    ImageRecipe,
    ImportFormatError,
)
from engine.store.export import export_to_file, html_document, markdown, write_json
from engine.store.importer import import_data, import_file

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _rich_conversation(store: HistoryStore) -> int:
    conversation = store.conversations.create(
        "Stoves & <tags>", model="gemma-3-4b", settings={"temperature": 0.2}, folder="home"
    )
    store.conversations.set_pinned(conversation.id, True)
    image = store.put_bytes(PNG, "image/png")
    recipe = ImageRecipe("pan_and_scan", ((0, 0, 1, 1),), "e" * 64)
    user = store.messages.add_user(
        conversation.id,
        "What is this? <b>bold?</b>",
        attachments=[AttachmentRef(image, "image", "dot.png", recipe)],
    )
    for text, status in (("A dot.", "complete"), ("A single pixel", "interrupted")):
        recorder = store.messages.start_assistant(conversation.id, parent=user.id, model="g")
        recorder.append(text)
        recorder.finish(status, GenerationStats(5, 3, 40, 120, {"tps": 25.0}))  # type: ignore[arg-type]
    store.messages.switch_to(user.id + 1)  # show the first answer
    store.messages.add_user(conversation.id, "Thanks «unicode» ✓")
    return conversation.id


def _export(store: HistoryStore, ids: list[int] | None) -> dict[str, Any]:
    buffer = io.BytesIO()
    write_json(store, ids, buffer)
    loaded: dict[str, Any] = json.loads(buffer.getvalue())
    return loaded


def _comparable(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Conversations without the ids that change on import (ids are remapped)."""
    result = []
    for conversation in document["conversations"]:
        ids = {m["id"]: index for index, m in enumerate(conversation["messages"])}
        copy = dict(conversation)
        copy.pop("id")
        copy["active_leaf_id"] = ids.get(conversation["active_leaf_id"])
        copy["messages"] = [
            {**m, "id": ids[m["id"]], "parent_id": ids.get(m["parent_id"])}
            for m in conversation["messages"]
        ]
        result.append(copy)
    return result


def test_json_round_trip_is_lossless(store: HistoryStore, tmp_path: Path) -> None:
    conversation_id = _rich_conversation(store)
    exported = _export(store, [conversation_id])
    assert exported["format"] == "hearth.conversations"
    target_paths = AppPaths(tmp_path / "other", tmp_path / "other" / "cache")
    with HistoryStore.open(target_paths) as other:
        report = import_data(other, exported)
        assert len(report.imported) == 1 and report.messages == 4 and report.blobs == 1
        again = _export(other, None)
        assert _comparable(again) == _comparable(exported)
        assert again["blobs"] == exported["blobs"]
        (imported_id,) = report.imported
        path = other.messages.active_path(imported_id)
        assert [m.content for m in path] == [
            "What is this? <b>bold?</b>",
            "A dot.",
            "Thanks «unicode» ✓",
        ]
        assert other.messages.siblings(path[1].id).count == 2
        (attachment,) = path[0].attachments
        assert other.attachment_path(attachment.sha256).read_bytes() == PNG
        assert attachment.recipe == ImageRecipe("pan_and_scan", ((0, 0, 1, 1),), "e" * 64)
        # Importing the same export again changes nothing; --copy makes a second one.
        assert import_data(other, exported).skipped == [exported["conversations"][0]["uid"]]
        assert len(import_data(other, exported, on_conflict="copy").imported) == 1
        assert other.conversations.count() == 2


def test_markdown_shows_the_visible_branch(store: HistoryStore) -> None:
    conversation_id = _rich_conversation(store)
    text = markdown(store, [conversation_id])
    assert text.startswith("# Stoves & <tags>")
    assert "A dot." in text and "A single pixel" not in text
    assert "version 1/2" in text
    assert "Attachment: dot.png (image/png" in text


def test_html_is_self_contained_and_escaped(store: HistoryStore) -> None:
    conversation_id = _rich_conversation(store)
    page = html_document(store, [conversation_id])
    assert "<b>bold?</b>" not in page and "&lt;b&gt;bold?&lt;/b&gt;" in page
    assert f'src="data:image/png;base64,{base64.b64encode(PNG).decode()}"' in page
    assert "default-src 'none'" in page
    # No remote references of any kind.
    assert not re.search(r"""(src|href)=["']?(https?:|//|file:)""", page)
    assert "A single pixel" in page  # the other version, folded away in <details>


def test_exports_are_written_atomically(store: HistoryStore, tmp_path: Path) -> None:
    conversation_id = _rich_conversation(store)
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "out.html"
    target.write_text("previous export")
    assert export_to_file(store, [conversation_id], "html", target) == 1
    assert target.read_text().startswith("<!DOCTYPE html>")
    assert [p.name for p in folder.iterdir()] == ["out.html"]  # no temp file left behind


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.update(format="chatgpt"), "not a Hearth export"),
        (lambda d: d.update(version=99), "newer Hearth"),
        (lambda d: d["conversations"][0]["messages"][1].update(role="wizard"), "role"),
        (lambda d: d["conversations"][0]["messages"][1].update(parent_id=999), "parent_id"),
        (lambda d: d["conversations"][0].update(created_at="yesterday"), "ISO date"),
        (lambda d: d["conversations"][0]["messages"][0].update(content=None), "content"),
        (lambda d: d["blobs"][next(iter(d["blobs"]))].update(base64="AAAA"), "SHA-256"),
        (lambda d: d["blobs"][next(iter(d["blobs"]))].update(base64="***"), "base64"),
    ],
)
def test_bad_imports_are_refused_whole(
    store: HistoryStore, tmp_path: Path, mutate: Any, message: str
) -> None:
    exported = _export(store, [_rich_conversation(store)])
    mutate(exported)
    target_paths = AppPaths(tmp_path / "other", tmp_path / "other" / "cache")
    with HistoryStore.open(target_paths) as other:
        with pytest.raises(ImportFormatError, match=message):
            import_data(other, exported)
        assert other.conversations.count() == 0
        assert not any(p.is_file() for p in other.layout.attachments.rglob("*"))


def test_cycles_are_refused(store: HistoryStore) -> None:
    exported = _export(store, [_rich_conversation(store)])
    messages = exported["conversations"][0]["messages"]
    messages[0]["parent_id"] = messages[-1]["id"]
    with pytest.raises(ImportFormatError, match="points to no message"):
        import_data(store, exported)


def test_import_reads_files_and_rejects_non_json(store: HistoryStore, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ImportFormatError, match="not valid JSON"):
        import_file(store, bad)
    good = tmp_path / "good.json"
    with good.open("wb") as out:
        write_json(store, [_rich_conversation(store)], out)
    assert import_file(store, good, on_conflict="copy").imported


def test_lone_surrogates_in_an_import_are_made_safe(store: HistoryStore) -> None:
    exported = _export(store, [_rich_conversation(store)])
    exported["conversations"][0]["messages"][0]["content"] = "broken \ud800 text"
    report = import_data(store, exported, on_conflict="copy")
    path = store.messages.active_path(report.imported[0])
    assert path[0].content == "broken ? text"


def test_export_to_a_missing_folder_is_a_calm_error(store: HistoryStore, tmp_path: Path) -> None:
    from engine.store.errors import StoreIOError
    from engine.store.export import export_to_file

    conversation = store.conversations.create("Trip")
    store.messages.add_user(conversation.id, "Hello")
    with pytest.raises(StoreIOError, match="Could not export"):
        export_to_file(store, [conversation.id], "md", tmp_path / "missing" / "trip.md")
    assert not (tmp_path / "missing").exists()
