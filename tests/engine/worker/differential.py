"""Differential testing of the worker's cache: every conversation action against a fresh read.

A hypothesis state machine drives one long-lived worker (the system under test) through random
sequences of what a user does: new chats (short, long, several sliding windows), follow-ups,
regenerate, edit at any depth, continue a cut or stopped answer, cancel during the prefill or
the answer, switch branch, switch conversation, an image turn, a message that nearly fills the
context. After every answer the same branch is given to a reference worker that reads it from
scratch (``reuse_cache=False``: no kept tokens, no checkpoint, no parked state), and the two
must agree:

* **Structure** (strict): the worker under test reports, from llama.cpp's own state bytes, that
  the sliding window its first answer token needed was complete (``ChatProbe.window_missing``
  is 0), and it never had to repair its cache (``reuse_path != "repaired"``).
* **Behaviour**: the first 16 greedy tokens are equal. llama.cpp's CPU kernels are not
  batch-invariant (a token evaluated alone and the same token inside a 512-token batch differ
  in the last bits, and the cache's cell order changes summation order), so two correct
  caches can disagree where two candidates are within rounding of each other. A divergence is
  accepted only as such a near-tie: at the first differing step both workers rank both tokens
  in their top 8 and each one's logit gap between them is below ``TIE_NATS``. Everything else
  fails. Ties are counted and printed, never hidden.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from engine.chat.messages import ChatMessage
from engine.chat.sampling import GREEDY
from engine.vision.attachment import ImageAttachment
from engine.worker import protocol as p
from engine.worker.client import EngineClient

COMPARED_TOKENS = 16
# Largest logit gap between two candidates that still counts as a rounding tie. Measured on
# correct paths (Gemma 3 270M, f16 cache): the two workers' logits for the same token differed
# by up to 0.51 nats (after answers evaluated token by token on one side and in a batch on the
# other); a cache that lost its window moves the distribution by KL > 1. The window itself is
# checked exactly, so this bound only separates rounding from a real difference in tokens.
TIE_NATS = 1.0
# SmolLM2-135M-Instruct (Q4_1, full attention): the same two correct paths differed by up to
# 1.09 nats on agreeing tokens near a full 2K context (0.45 at 2K tokens in a plain
# regenerate). Its cache has no window to lose: a wrong cache there re-reads the wrong
# tokens, which moves the logits by several nats.
SMOLLM2_TIE_NATS = 2.0
CORPUS = (Path(__file__).parent / "data" / "corpus.txt").read_text(encoding="utf-8").split()

# Message sizes in words (roughly 1.3 tokens each).
LENGTHS = {"short": 8, "medium": 120, "long": 500, "windows": 1000}


class Divergence(AssertionError):
    """The worker under test and the fresh reference disagree beyond numerical noise."""


@dataclass
class Tally:
    """What one run did, printed at the end of every example and summed over a test."""

    actions: dict[str, int] = field(default_factory=dict)
    comparisons: int = 0
    ties: list[str] = field(default_factory=list)
    paths: dict[str, int] = field(default_factory=dict)
    max_gap: float = 0.0

    def count(self, action: str) -> None:
        self.actions[action] = self.actions.get(action, 0) + 1

    def summary(self) -> str:
        actions = ", ".join(f"{k} {v}" for k, v in sorted(self.actions.items()))
        paths = ", ".join(f"{k} {v}" for k, v in sorted(self.paths.items()))
        return (
            f"{sum(self.actions.values())} actions ({actions}); {self.comparisons} compared "
            f"with a fresh read; paths: {paths}; near-ties {len(self.ties)}; largest logit gap "
            f"on agreeing tokens {self.max_gap:.3f} nats"
        )


@dataclass(frozen=True)
class Family:
    """A model under test and how its worker is loaded."""

    name: str
    config: p.ModelConfig
    vision: bool = False
    tie_nats: float = TIE_NATS  # the rounding a correct path shows on this model


@dataclass
class Conversation:
    branches: list[list[ChatMessage]]
    active: int = 0
    # The last answer on the active branch was cut (length) or stopped: it can be continued.
    open_answer: bool = False

    @property
    def messages(self) -> list[ChatMessage]:
        return self.branches[self.active]


def text_of(words: int, seed: int) -> str:
    rng = random.Random(seed)
    start = rng.randrange(0, len(CORPUS) - words)
    return " ".join(CORPUS[start : start + words])


def answer(
    client: EngineClient,
    messages: Sequence[ChatMessage],
    *,
    max_tokens: int,
    reuse_cache: bool = True,
    continue_answer: bool = False,
    cancel_after_tokens: int | None = None,
    cancel_in_prefill: bool = False,
) -> p.Done | p.Failed:
    """One request; ``Done`` (with the probe) or the ``Failed`` event."""
    tokens = 0
    for event in client.chat(
        messages,
        GREEDY,
        max_tokens=max_tokens,
        reuse_cache=reuse_cache,
        continue_answer=continue_answer,
        probe=True,
    ):
        if isinstance(event, p.Progress) and cancel_in_prefill and event.phase == "prefill":
            client.cancel()
        elif isinstance(event, p.Token) and cancel_after_tokens is not None:
            tokens += 1
            if tokens >= cancel_after_tokens:
                client.cancel()
        elif isinstance(event, p.Done | p.Failed):
            return event
    raise AssertionError("the request ended without a terminal event")


def first_difference(a: Sequence[int], b: Sequence[int]) -> int | None:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return None if len(a) == len(b) else min(len(a), len(b))


def logit_of(step: tuple[tuple[int, float], ...], token: int) -> float | None:
    for tid, logit in step:
        if tid == token:
            return logit
    return None


def compare(
    label: str, tested: p.Done, fresh: p.Done, tally: Tally, tie_nats: float = TIE_NATS
) -> None:
    """Raise :class:`Divergence` unless ``tested`` equals ``fresh`` up to a numerical tie."""
    assert tested.stats is not None and fresh.stats is not None, label
    assert tested.probe is not None and fresh.probe is not None, label
    path = tested.stats.reuse_path
    tally.paths[path] = tally.paths.get(path, 0) + 1
    tally.comparisons += 1
    if path == "repaired" or tested.probe.window_missing != 0:
        raise Divergence(
            f"{label}: the cache lacked {tested.probe.window_missing} window positions "
            f"(path {path}, {tested.stats.reevaluated_tokens} tokens evaluated)"
        )
    a = tested.payload[:COMPARED_TOKENS]
    b = fresh.payload[: len(a)] if tested.stats.finish_reason != "stop" else fresh.payload
    b = b[:COMPARED_TOKENS]
    steps_a, steps_b = tested.probe.top_logits, fresh.probe.top_logits
    diff = first_difference(a, b)
    agreeing = len(a) if diff is None else diff
    for k in range(min(agreeing, len(steps_a), len(steps_b))):
        la, lb = logit_of(steps_a[k], a[k]), logit_of(steps_b[k], a[k])
        if la is not None and lb is not None:
            tally.max_gap = max(tally.max_gap, abs(la - lb))
    if diff is None:
        return
    detail = (
        f"{label}: path {path}, {tested.stats.reevaluated_tokens} re-evaluated of "
        f"{tested.stats.prompt_tokens}; tokens differ at step {diff}: tested {list(a)} vs "
        f"fresh {list(b)}"
    )
    if diff >= len(steps_a) or diff >= len(steps_b):
        raise Divergence(detail + " (no logits recorded at the difference)")
    # A side that stopped there chose an end-of-turn token: its best candidate at that step.
    ta = a[diff] if diff < len(a) else steps_a[diff][0][0]
    tb = b[diff] if diff < len(b) else steps_b[diff][0][0]
    if diff >= len(a) and diff >= len(b):
        raise Divergence(detail + " (both stopped but the token lists differ)")
    gaps = []
    for step in (steps_a[diff], steps_b[diff]):
        la, lb = logit_of(step, ta), logit_of(step, tb)
        if la is None or lb is None:
            raise Divergence(detail + " (a candidate is outside the other's top 8)")
        gaps.append(abs(la - lb))
    if max(gaps) >= tie_nats:
        raise Divergence(detail + f" (logit gaps {gaps[0]:.3f} / {gaps[1]:.3f} nats)")
    tally.ties.append(f"{detail} (near-tie: gaps {gaps[0]:.4f} / {gaps[1]:.4f} nats)")


class ConversationMachine(RuleBasedStateMachine):
    """The actions of a user, on one long-lived worker, each checked against a fresh read."""

    # Set by the test before the machine runs (hypothesis builds the machine itself).
    family: Family
    tested: EngineClient
    fresh: EngineClient
    image: ImageAttachment | None = None
    tally: Tally

    def __init__(self) -> None:
        super().__init__()
        self.conversations: list[Conversation] = []
        self.current = 0
        self.context_full_seen = 0

    # ------------------------------------------------------------------ helpers

    @property
    def conversation(self) -> Conversation:
        return self.conversations[self.current]

    def _fresh(self, messages: Sequence[ChatMessage], *, continue_answer: bool = False) -> p.Done:
        result = answer(
            self.fresh,
            messages,
            max_tokens=COMPARED_TOKENS,
            reuse_cache=False,
            continue_answer=continue_answer,
        )
        assert isinstance(result, p.Done), getattr(result, "message", result)
        return result

    def _ask(
        self,
        label: str,
        messages: list[ChatMessage],
        *,
        max_tokens: int,
        continue_answer: bool = False,
    ) -> p.Done | None:
        """Answer on the tested worker, compare with a fresh read; None if it did not fit."""
        self.tally.count(label.split("(", maxsplit=1)[0])
        tested = answer(
            self.tested, messages, max_tokens=max_tokens, continue_answer=continue_answer
        )
        if isinstance(tested, p.Failed):
            fresh = answer(self.fresh, messages, max_tokens=1, reuse_cache=False)
            assert isinstance(fresh, p.Failed), f"{label}: only the tested worker failed"
            assert tested.kind == fresh.kind == "environment", tested.message + tested.details
            assert "context" in tested.message, tested.message
            self.context_full_seen += 1
            return None
        compare(
            label,
            tested,
            self._fresh(messages, continue_answer=continue_answer),
            self.tally,
            self.family.tie_nats,
        )
        return tested

    def _record(self, messages: list[ChatMessage], done: p.Done | None) -> None:
        """Keep the answer on the branch (as the store would) or drop the unanswered turn."""
        if done is None:
            return
        assert done.stats is not None
        messages.append(ChatMessage("assistant", done.text))
        self.conversation.open_answer = done.stats.finish_reason in {"length", "cancelled"}

    # ------------------------------------------------------------------ rules

    @initialize(size=st.sampled_from(sorted(LENGTHS)), seed=st.integers(0, 10**6))
    def start(self, size: str, seed: int) -> None:
        self.tested.load(self.family.config)  # a fresh context: examples stay independent
        self.new_chat(size, seed)

    @rule(size=st.sampled_from(sorted(LENGTHS)), seed=st.integers(0, 10**6))
    def new_chat(self, size: str, seed: int) -> None:
        messages = [ChatMessage("user", text_of(LENGTHS[size], seed))]
        self.conversations.append(Conversation([messages]))
        self.current = len(self.conversations) - 1
        self._record(messages, self._ask(f"new({size})", messages, max_tokens=24))

    @rule(
        size=st.sampled_from(["short", "medium", "long"]),
        seed=st.integers(0, 10**6),
        max_tokens=st.sampled_from([6, 24, 48]),
    )
    def follow_up(self, size: str, seed: int, max_tokens: int) -> None:
        messages = self.conversation.messages
        if messages[-1].role == "user":  # an unanswered question (cancelled): answer it
            messages.pop()
        messages.append(ChatMessage("user", text_of(LENGTHS[size], seed)))
        self._record(messages, self._ask(f"follow_up({size})", messages, max_tokens=max_tokens))

    @precondition(lambda self: self.conversation.messages[-1].role == "assistant")
    @rule()
    def regenerate(self) -> None:
        conversation = self.conversation
        branch = conversation.messages[:-1]
        conversation.branches.append(branch)
        conversation.active = len(conversation.branches) - 1
        self._record(branch, self._ask("regenerate", branch, max_tokens=24))

    @rule(
        depth=st.floats(0.0, 1.0),
        size=st.sampled_from(["short", "medium"]),
        seed=st.integers(0, 10**6),
    )
    def edit(self, depth: float, size: str, seed: int) -> None:
        conversation = self.conversation
        users = [i for i, m in enumerate(conversation.messages) if m.role == "user"]
        at = users[min(len(users) - 1, int(depth * len(users)))]
        branch = [*conversation.messages[:at], ChatMessage("user", text_of(LENGTHS[size], seed))]
        conversation.branches.append(branch)
        conversation.active = len(conversation.branches) - 1
        self._record(
            branch, self._ask(f"edit({at}/{len(conversation.messages)})", branch, max_tokens=24)
        )

    @precondition(
        lambda self: (
            self.conversation.open_answer
            and self.conversation.messages[-1].role == "assistant"
            and bool(self.conversation.messages[-1].content.strip())
        )
    )
    @rule()
    def continue_answer(self) -> None:
        messages = self.conversation.messages
        done = self._ask("continue", messages, max_tokens=24, continue_answer=True)
        if done is not None:
            assert done.stats is not None
            last = messages[-1]
            messages[-1] = ChatMessage("assistant", last.content + done.text, last.images)
            self.conversation.open_answer = done.stats.finish_reason in {"length", "cancelled"}

    @rule(size=st.sampled_from(["long", "windows"]), seed=st.integers(0, 10**6))
    def cancel_during_prefill(self, size: str, seed: int) -> None:
        """Stop while the question is being read; the question stays, then gets its answer."""
        self.tally.count("cancel_during_prefill")
        messages = self.conversation.messages
        if messages[-1].role == "user":
            messages.pop()
        messages.append(ChatMessage("user", text_of(LENGTHS[size], seed)))
        result = answer(self.tested, messages, max_tokens=24, cancel_in_prefill=True)
        if isinstance(result, p.Failed):  # the question does not fit: nothing was read
            assert "context" in result.message, result.message + result.details
            messages.pop()
            return
        if result.stats is not None:  # the cancel came after the prefill: a short answer
            assert result.stats.finish_reason in {"cancelled", "stop", "length"}
        self._record(messages, self._ask("answer_after_cancel", messages, max_tokens=24))

    @rule(after=st.integers(1, 12))
    def cancel_during_answer(self, after: int) -> None:
        """Stop the answer after a few tokens; the partial answer is kept (and can go on)."""
        self.tally.count("cancel_during_answer")
        messages = self.conversation.messages
        if messages[-1].role == "assistant":
            messages.pop()
        result = answer(self.tested, messages, max_tokens=48, cancel_after_tokens=after)
        if isinstance(result, p.Failed):
            assert "context" in result.message, result.message
            return
        assert result.stats is not None and result.probe is not None
        fresh = self._fresh(messages)
        # The tokens streamed before the stop are the fresh read's first ones.
        compare("cancel_during_answer", result, fresh, self.tally, self.family.tie_nats)
        self._record(messages, result)

    @precondition(lambda self: len(self.conversation.branches) > 1)
    @rule(which=st.integers(0, 100), seed=st.integers(0, 10**6))
    def switch_branch(self, which: int, seed: int) -> None:
        conversation = self.conversation
        conversation.active = which % len(conversation.branches)
        conversation.open_answer = False
        self.follow_up("short", seed, 24)

    @precondition(lambda self: len(self.conversations) > 1)
    @rule(which=st.integers(0, 100), seed=st.integers(0, 10**6))
    def switch_conversation(self, which: int, seed: int) -> None:
        self.current = which % len(self.conversations)
        self.conversation.open_answer = False
        self.follow_up("short", seed, 24)

    @precondition(lambda self: self.image is not None)
    @rule(seed=st.integers(0, 10**6))
    def image_turn(self, seed: int) -> None:
        assert self.image is not None
        messages = self.conversation.messages
        if messages[-1].role == "user":
            messages.pop()
        question = "What does this picture show? " + text_of(6, seed)
        messages.append(ChatMessage("user", question, (self.image,)))
        self._record(messages, self._ask("image_turn", messages, max_tokens=16))

    @rule(margin=st.integers(8, 60), seed=st.integers(0, 10**6))
    def nearly_fill_the_context(self, margin: int, seed: int) -> None:
        """A question that leaves only ``margin`` tokens of the context (or one too many)."""
        messages = self.conversation.messages
        if messages[-1].role == "user":
            messages.pop()
        used = self._tokens(messages) + 10
        room = self.family.config.n_ctx - used - margin
        if room < 40:
            return
        words = text_of(min(len(CORPUS) - 1, room), seed).split()
        text = " ".join(words)
        while words and len(self.tested.tokenize(text)) > room:
            words = words[: int(len(words) * 0.9)]
            text = " ".join(words)
        messages.append(ChatMessage("user", text))
        self._record(messages, self._ask("nearly_full", messages, max_tokens=8))

    def _tokens(self, messages: Sequence[ChatMessage]) -> int:
        return sum(len(self.tested.tokenize(m.content)) + 6 for m in messages) + 260 * sum(
            len(m.images) for m in messages
        )

    @invariant()
    def conversations_are_well_formed(self) -> None:
        for conversation in self.conversations:
            for branch in conversation.branches:
                assert branch and branch[0].role == "user"

    def teardown(self) -> None:
        print(f"[differential {self.family.name}] {self.tally.summary()}")
