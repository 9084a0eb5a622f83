"""Child for the real disk-full test: runs inside a private mount namespace whose data folder
is a tiny tmpfs (see test_disk_full.py). Prints one JSON line with what it observed."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from engine.store import HistoryStore, StoreFullError


def main(data_dir: Path) -> None:
    ballast = data_dir / "ballast.bin"
    ballast.write_bytes(os.urandom(1024 * 1024))  # freed later: "the user makes room"
    seen: dict[str, object] = {}
    with HistoryStore.open(data_dir) as store:
        conversation = store.conversations.create("tiny disk")
        kept = [store.messages.add_user(conversation.id, f"kept {i}").id for i in range(20)]
        try:
            for i in range(100_000):
                store.messages.add_user(conversation.id, f"filler {i} " + os.urandom(800).hex())
        except StoreFullError as exc:
            seen["sqlite_error"] = str(exc)
        try:
            store.put_bytes(os.urandom(512 * 1024), "image/png")
        except StoreFullError as exc:
            seen["attachment_error"] = str(exc)
        seen["kept_intact"] = all(
            store.messages.get(i).content == f"kept {n}" for n, i in enumerate(kept)
        )
        seen["check_while_full"] = store.check()
        ballast.unlink()
        store.messages.add_user(conversation.id, "after space returned")
        seen["works_again"] = store.messages.active_path(conversation.id)[-1].content
        seen["check_after"] = store.check()
    print(json.dumps(seen), flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
