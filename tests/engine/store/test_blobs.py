"""Attachments stored once per SHA-256, written privately and atomically; orphans swept."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from engine.store import AttachmentRef, HistoryStore, StoreError
from engine.store.blobs import BlobStore, sniff_image_mime


def test_same_bytes_are_stored_once(store: HistoryStore, tmp_path: Path) -> None:
    data = os.urandom(3 * 1024 * 1024 + 17)
    source = tmp_path / "photo.bin"
    source.write_bytes(data)
    from_file = store.put_file(source, "image/jpeg")
    from_bytes = store.put_bytes(data, "image/jpeg")
    assert from_file == from_bytes
    assert from_file.sha256 == hashlib.sha256(data).hexdigest()
    assert from_file.size == len(data)
    path = store.attachment_path(from_file.sha256)
    assert path.read_bytes() == data
    files = [p for p in store.layout.attachments.rglob("*") if p.is_file()]
    assert files == [path]


def test_shared_attachment_survives_until_the_last_user_is_deleted(store: HistoryStore) -> None:
    blob = store.put_bytes(b"shared document", "text/plain")
    first = store.conversations.create()
    second = store.conversations.create()
    for conversation in (first, second):
        store.messages.add_user(
            conversation.id, "see file", attachments=[AttachmentRef(blob, "document", "a.txt")]
        )
    assert store.delete_conversation(first.id).blobs_removed == 0
    assert store.blobs.exists(blob.sha256)
    assert store.delete_conversation(second.id).blobs_removed == 1
    assert not store.blobs.exists(blob.sha256)


def test_damaged_attachment_is_detected(store: HistoryStore) -> None:
    blob = store.put_bytes(b"original bytes")
    store.attachment_path(blob.sha256).write_bytes(b"tampered")
    with pytest.raises(StoreError, match="damaged"):
        store.blobs.read_bytes(blob.sha256)


def test_orphans_and_temp_files_are_swept(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path / "attachments")
    kept = blobs.put_bytes(b"kept")
    orphan = blobs.put_bytes(b"orphan")
    fresh = blobs.put_bytes(b"fresh orphan")
    temp = blobs.root / ".leftover.partial"
    temp.write_bytes(b"x")
    old = time.time() - 7200
    for path in (blobs.path_for(kept.sha256), blobs.path_for(orphan.sha256), temp):
        os.utime(path, (old, old))
    removed = blobs.sweep({kept.sha256})
    assert removed == 2
    assert blobs.exists(kept.sha256)
    assert not blobs.exists(orphan.sha256)
    assert blobs.exists(fresh.sha256)  # too young: maybe another process is about to commit
    assert not temp.exists()


def test_sniffing_images() -> None:
    assert sniff_image_mime(b"\x89PNG\r\n\x1a\n....") == "image/png"
    assert sniff_image_mime(b"\xff\xd8\xff\xe0") == "image/jpeg"
    assert sniff_image_mime(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff_image_mime(b"<svg onload=alert(1)>") is None
