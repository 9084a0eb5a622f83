"""Benchmark the conversation store on generated data and print the figures.

    python -m engine.store.bench [--messages 1000000] [--data-dir DIR] [--keep]

It fills a fresh store with synthetic conversations (Zipf-distributed vocabulary, chat-like
message lengths, one 10,000-message conversation), then measures, through the public API:
search latency (p50/p95 by word frequency), loading the newest 200 messages of the long
conversation, streamed partial-update throughput, startup (open + quick_check), and deleting a
conversation for good. Not a test: the numbers depend on the machine.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from engine.store.store import HistoryStore

LONG_CONVERSATION = 10_000
PER_CONVERSATION = 100
VOCABULARY = 50_000
BATCH = 20_000
START_MS = 1_735_689_600_000  # 2025-01-01
SPAN_MS = 2 * 365 * 24 * 3600 * 1000

_CONSONANTS = "bcdfghjklmnprstvwz"
_VOWELS = "aeiou"


def make_vocabulary(size: int, rng: np.random.Generator) -> list[str]:
    """Distinct pronounceable pseudo-words (2-4 syllables), most frequent first."""
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < size:
        syllables = int(rng.integers(1, 5))
        word = "".join(
            _CONSONANTS[int(rng.integers(len(_CONSONANTS)))] + _VOWELS[int(rng.integers(5))]
            for _ in range(syllables)
        )
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


@dataclass
class Corpus:
    words: list[str]
    probabilities: np.ndarray
    rng: np.random.Generator

    def texts(self, count: int, roles: np.ndarray) -> list[str]:
        """``count`` messages: users write ~15 words, assistants ~90 (log-normal lengths)."""
        lengths = np.where(
            roles == 0,
            self.rng.lognormal(2.5, 0.7, count),
            self.rng.lognormal(4.3, 0.6, count),
        ).astype(int)
        lengths = np.clip(lengths, 1, 1500)
        tokens = self.rng.choice(len(self.words), size=int(lengths.sum()), p=self.probabilities)
        words = self.words
        out: list[str] = []
        position = 0
        for length in lengths.tolist():
            out.append(" ".join(words[i] for i in tokens[position : position + length].tolist()))
            position += length
        return out


def _zipf(size: int, exponent: float = 1.07) -> np.ndarray:
    weights = 1.0 / np.arange(1, size + 1) ** exponent
    normalised: np.ndarray = weights / weights.sum()
    return normalised


def _conversation_sizes(total: int) -> list[int]:
    sizes = [min(LONG_CONVERSATION, total)]
    remaining = total - sizes[0]
    while remaining > 0:
        sizes.append(min(PER_CONVERSATION, remaining))
        remaining -= sizes[-1]
    return sizes


def fill(store: HistoryStore, total: int, corpus: Corpus, progress: Callable[[str], None]) -> int:
    """Insert ``total`` messages as linear conversations; returns the long conversation's id."""
    sizes = _conversation_sizes(total)
    message_id = 0
    long_id = 0
    pending: list[tuple[object, ...]] = []
    started = time.perf_counter()

    def flush() -> None:
        with store.db.write("generate benchmark data") as connection:
            connection.executemany(
                "INSERT INTO messages (id, conversation_id, parent_id, role, content, status, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'complete', ?, ?)",
                pending,
            )
        pending.clear()

    for index, size in enumerate(sizes):
        title = " ".join(corpus.texts(1, np.zeros(1, dtype=int))[0].split()[:6])
        when = START_MS + int(SPAN_MS * index / len(sizes))
        with store.db.write("generate benchmark data") as connection:
            connection.execute(
                "INSERT INTO conversations (uid, title, created_at, updated_at, settings_json) "
                "VALUES (?, ?, ?, ?, '{}')",
                (f"bench-{index}", title, when, when),
            )
            conversation_id = connection.last_insert_rowid()
        if index == 0:
            long_id = conversation_id
        roles = np.arange(size) % 2
        texts = corpus.texts(size, roles)
        for offset, text in enumerate(texts):
            message_id += 1
            stamp = when + offset * 30_000
            pending.append(
                (
                    message_id,
                    conversation_id,
                    None if offset == 0 else message_id - 1,
                    "user" if roles[offset] == 0 else "assistant",
                    text,
                    stamp,
                    stamp,
                )
            )
            if len(pending) >= BATCH:
                flush()
        flush()
        if index % 500 == 0 and index:
            rate = message_id / (time.perf_counter() - started)
            progress(f"  {message_id:,} / {total:,} messages ({rate:,.0f}/s)")
        with store.db.write("generate benchmark data") as connection:
            connection.execute(
                "UPDATE conversations SET active_leaf_id = ?, updated_at = ? WHERE id = ?",
                (message_id, when + size * 30_000, conversation_id),
            )
    return long_id


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    samples: list[float] = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _summary(samples: Sequence[float]) -> str:
    return (
        f"p50 {statistics.median(samples):7.2f} ms   p95 {percentile(samples, 0.95):7.2f} ms   "
        f"max {max(samples):7.2f} ms   (n={len(samples)})"
    )


def search_queries(corpus: Corpus, rng: np.random.Generator) -> Iterator[tuple[str, str]]:
    words = corpus.words

    def pick(low: int, high: int) -> str:
        return words[int(rng.integers(low, min(high, len(words))))]

    for _ in range(60):
        yield "rare word (rank 5k-50k)", pick(5_000, 50_000)
        yield "medium word (rank 300-5k)", pick(300, 5_000)
        yield "common word (rank 10-300)", pick(10, 300)
        yield "two words", f"{pick(50, 5_000)} {pick(50, 20_000)}"
        yield "typing a prefix", pick(100, 20_000)[:3]
    for _ in range(20):
        yield "top-10 word", pick(0, 10)
        yield (
            "question with common words",
            (f"{pick(0, 5)} {pick(0, 10)} {pick(300, 5_000)} {pick(0, 20)} {pick(1_000, 20_000)}"),
        )


def run(
    total: int, data_dir: Path, seed: int, print_: Callable[[str], None], *, reuse: bool = False
) -> None:
    vocabulary = make_vocabulary(VOCABULARY, np.random.default_rng(seed))
    corpus = Corpus(vocabulary, _zipf(VOCABULARY), np.random.default_rng(seed + 1))
    rng = np.random.default_rng(seed + 2)
    print_(f"Hearth store benchmark: {total:,} messages in {data_dir}")

    database = data_dir / "hearth.sqlite3"
    if reuse:
        with HistoryStore.open(data_dir) as store, store.db.read() as connection:
            found = connection.execute(
                "SELECT id FROM conversations WHERE uid = 'bench-0'"
            ).fetchone()
            count = connection.execute("SELECT max(id) FROM messages").fetchone()
        if found is None or count is None:
            raise SystemExit(f"{data_dir} holds no benchmark data to reuse")
        long_id = int(found[0])
        print_(f"reusing generated data ({int(count[0]):,} messages)")
    else:
        started = time.perf_counter()
        with HistoryStore.open(data_dir) as store:
            long_id = fill(store, total, corpus, print_)
        fill_seconds = time.perf_counter() - started
        print_(f"generated in {fill_seconds:,.0f} s ({total / fill_seconds:,.0f} messages/s)")
    print_(f"database {database.stat().st_size / 1024 / 1024:,.0f} MB")

    checked = timed(lambda: HistoryStore.open(data_dir, integrity="always").close(), 3)
    print_(f"open with quick_check (first open of the day, after a crash): {_summary(checked)}")
    routine = timed(lambda: HistoryStore.open(data_dir).close(), 5)
    print_(f"open, routine (checked less than a day ago):               {_summary(routine)}")

    with HistoryStore.open(data_dir) as store:
        bands: dict[str, list[float]] = {}
        every: list[float] = []
        hits: dict[str, list[int]] = {}
        queries = list(search_queries(corpus, rng))
        for _, text in queries[:20]:  # warm the page cache like a running app would
            store.search(text)
        for band, text in queries:
            prefix = band == "typing a prefix"
            began = time.perf_counter()
            results = store.search(text, prefix_last=prefix)
            elapsed = (time.perf_counter() - began) * 1000
            bands.setdefault(band, []).append(elapsed)
            hits.setdefault(band, []).append(len(results.messages))
            every.append(elapsed)
        print_("")
        print_("search (20 best hits with snippets + title hits), by query kind:")
        for band, samples in bands.items():
            print_(f"  {band:28} {_summary(samples)}   avg hits {statistics.mean(hits[band]):.1f}")
        print_(f"  {'ALL QUERIES':28} {_summary(every)}")
        since = time.perf_counter()
        filtered = [store.search(text, conversation_id=long_id) for _, text in queries[:50]]
        per_query = (time.perf_counter() - since) * 1000 / len(filtered)
        print_(f"  {'within one conversation':28} mean {per_query:7.2f} ms")

        newest = timed(lambda: store.messages.active_path(long_id, limit=200), 50)
        print_("")
        print_(f"newest 200 of a {LONG_CONVERSATION:,}-message conversation: {_summary(newest)}")
        with_siblings = timed(
            lambda: store.messages.sibling_infos(store.messages.active_path(long_id, limit=200)),
            20,
        )
        print_(f"  ... plus sibling counts for the 2/3 arrows:   {_summary(with_siblings)}")
        whole = timed(lambda: store.messages.active_path(long_id), 5)
        print_(f"  whole path ({LONG_CONVERSATION:,} messages):             {_summary(whole)}")

        conversation = store.conversations.create("streaming benchmark")
        store.messages.add_user(conversation.id, "write a long answer")
        recorder = store.messages.start_assistant(conversation.id, flush_interval=0)
        chunk = " ".join(corpus.words[:4]) + " "
        flushes = timed(lambda: recorder.append(chunk), 500)
        recorder.finish()
        print_("")
        print_("streamed partial updates (one committed UPDATE per save, synchronous=FULL):")
        print_(f"  per save: {_summary(flushes)}")
        print_(
            f"  => {1000 / statistics.mean(flushes):,.0f} saves/s; the recorder saves at most "
            f"4/s (every 250 ms): saving takes {4 * statistics.mean(flushes) / 10:.2f}% of the "
            "streaming time (mostly waiting for fsync)"
        )
        print_(f"  final answer length {len(recorder.text):,} characters")

        victim = store.conversations.recent(limit=1, offset=5)[0]
        began = time.perf_counter()
        report = store.delete_conversation(victim.id)
        deleted = (time.perf_counter() - began) * 1000
        print_("")
        print_(
            f"delete a {report.messages}-message conversation for good (rows, index, "
            f"checkpoint+truncate): {deleted:.0f} ms"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m engine.store.bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument(
        "--data-dir", type=Path, help="fill this (new) folder instead of a temp one"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated data")
    parser.add_argument(
        "--reuse", action="store_true", help="measure again on data kept in --data-dir"
    )
    parser.add_argument("--seed", type=int, default=20261126)
    args = parser.parse_args(argv)
    if args.messages < LONG_CONVERSATION + PER_CONVERSATION:
        parser.error(f"--messages must be at least {LONG_CONVERSATION + PER_CONVERSATION}")
    own_dir = args.data_dir is None
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="hearth-bench-"))
    if args.reuse and own_dir:
        parser.error("--reuse needs --data-dir")
    if (data_dir / "hearth.sqlite3").exists() and not args.reuse:
        parser.error(f"{data_dir} already holds a Hearth store; give an empty folder")
    try:
        run(
            args.messages,
            data_dir,
            args.seed,
            lambda line: print(line, flush=True),
            reuse=args.reuse,
        )
    finally:
        if own_dir and not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
        elif args.keep or not own_dir:
            print(f"data kept in {data_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
