"""Child process for the kill tests (run as a script, never collected by pytest).

``stream DATA_DIR SEED``: add user turns and stream answers (with regenerates and edits mixed
in) through the real store, printing one line after each commit the parent may rely on:

    USER <conversation> <message id> <turn>      the user's message is committed
    ANSWER <message id> <turn>                   the 'streaming' assistant row is committed
    ACK <message id> <saved length>              an incremental save is committed
    DONE <message id>                            the answer is finished ('complete')

``churn DATA_DIR EXPORT_JSON``: import a prepared export and delete conversations in a loop,
printing ``IMPORTED <ids>`` / ``DELETED <id>`` after each committed step.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from engine.store import GenerationStats, HistoryStore
from engine.store.importer import import_data

WORDS = [
    "hearth",
    "ember",
    "kindling",
    "flame",
    "smoke",
    "chimney",
    "ash",
    "spark",
    "warmth",
    "log",
    "oak",
    "birch",
    "pine",
    "resin",
    "glow",
    "cinder",
    "draught",
    "flue",
    "grate",
    "poker",
    "bellows",
    "tinder",
    "blaze",
]


def expected_answer(seed: int, turn: int) -> str:
    """The full answer of one turn; the parent recomputes it to check saved prefixes."""
    rng = random.Random(seed * 100_003 + turn)
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 160))) + "."


def question(seed: int, turn: int) -> str:
    return f"question {seed} {turn}: tell me about the hearth"


def stream(data_dir: str, seed: int) -> None:
    rng = random.Random(seed)
    with HistoryStore.open(data_dir) as store:
        conversation = store.conversations.create(f"kill test {seed}", settings={"seed": seed})
        last_user = None
        for turn in range(100_000):
            if last_user is not None and turn % 4 == 3:
                # Edit and resend: a sibling of the last user message.
                user = store.messages.add_user(
                    conversation.id, question(seed, turn), parent=last_user.parent_id
                )
            else:
                user = store.messages.add_user(conversation.id, question(seed, turn))
            print(f"USER {conversation.id} {user.id} {turn}", flush=True)
            answers = 2 if turn % 5 == 2 else 1  # sometimes regenerate
            for _ in range(answers):
                recorder = store.messages.start_assistant(
                    conversation.id, parent=user.id, model="kill-test", flush_interval=0.0
                )
                print(f"ANSWER {recorder.message_id} {turn}", flush=True)
                text = expected_answer(seed, turn)
                position = 0
                while position < len(text):
                    step = rng.randint(1, 12)
                    recorder.append(text[position : position + step])
                    position += step
                    if recorder.save_error is None:
                        print(f"ACK {recorder.message_id} {len(recorder.text)}", flush=True)
                recorder.finish("complete", GenerationStats(completion_tokens=len(text.split())))
                print(f"DONE {recorder.message_id}", flush=True)
            last_user = user


def churn(data_dir: str, export_path: str) -> None:
    export = json.loads(Path(export_path).read_text(encoding="utf-8"))
    with HistoryStore.open(data_dir) as store:
        while True:
            report = import_data(store, export, on_conflict="copy")
            print("IMPORTED " + " ".join(map(str, report.imported)), flush=True)
            for conversation_id in report.imported:
                store.delete_conversation(conversation_id)
                print(f"DELETED {conversation_id}", flush=True)


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "stream":
        stream(sys.argv[2], int(sys.argv[3]))
    elif mode == "churn":
        churn(sys.argv[2], sys.argv[3])
    else:
        raise SystemExit(f"unknown mode {mode}")
