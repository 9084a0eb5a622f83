"""The differential tester (see ``differential.py``): one long-lived worker against fresh reads.

The default run is bounded and derandomized (the same action sequences every time, inside
CI's time); ``-m slow`` explores many more sequences on a larger context.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from engine.chat.messages import ChatMessage
from engine.vision.attachment import ImageAttachment
from engine.worker import protocol as p
from engine.worker.client import EngineClient
from tests.engine.worker.differential import (
    SMOLLM2_TIE_NATS,
    ConversationMachine,
    Family,
    Tally,
    answer,
    compare,
    text_of,
)

pytestmark = pytest.mark.model

PHOTO = Path(__file__).parents[2] / "data" / "f3-discovery-board.jpeg"


def gemma(model_path: Path, mmproj: Path, n_ctx: int) -> Family:
    config = p.ModelConfig(
        model_path=str(model_path),
        n_ctx=n_ctx,
        mmproj_path=str(mmproj),
        allow_text_only_vision=True,
        checkpoint_budget_mib=256,
    )
    return Family("gemma3-270m", config, vision=True)


def smollm2(model_path: Path, n_ctx: int) -> Family:
    """The second family: llama architecture, full-attention cache, its own ChatML template."""
    config = p.ModelConfig(model_path=str(model_path), n_ctx=n_ctx, checkpoint_budget_mib=256)
    return Family("smollm2-135m", config, vision=False, tie_nats=SMOLLM2_TIE_NATS)


@pytest.fixture(scope="module")
def workers(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[EngineClient, EngineClient]]:
    logs = tmp_path_factory.mktemp("differential")
    with (
        EngineClient(log_path=logs / "tested.log") as tested,
        EngineClient(log_path=logs / "fresh.log") as fresh,
    ):
        yield tested, fresh


def run_machine(
    family: Family,
    workers: tuple[EngineClient, EngineClient],
    *,
    examples: int,
    steps: int,
    shrink: bool = False,
) -> Tally:
    tested, fresh = workers
    fresh.load(family.config)
    tally = Tally()
    ConversationMachine.family = family
    ConversationMachine.tested = tested
    ConversationMachine.fresh = fresh
    ConversationMachine.image = ImageAttachment.from_path(PHOTO) if family.vision else None
    ConversationMachine.tally = tally
    run_state_machine_as_test(
        ConversationMachine,
        settings=settings(
            max_examples=examples,
            stateful_step_count=steps,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            print_blob=True,
            # Shrinking replays dozens of model-heavy sequences: the slow run does it.
            phases=list(Phase) if shrink else [Phase.explicit, Phase.generate],
        ),
    )
    return tally


def test_random_action_sequences_match_a_fresh_read_on_gemma3(
    model_path: Path, tiny_mmproj_path: Path, workers: tuple[EngineClient, EngineClient]
) -> None:
    tally = run_machine(gemma(model_path, tiny_mmproj_path, 2048), workers, examples=5, steps=8)
    print(tally.summary(), *tally.ties, sep="\n")
    # The run really reached the paths it is meant to check.
    assert tally.comparisons >= 20
    assert {"append", "rollback"} <= set(tally.paths) or "checkpoint" in tally.paths


@pytest.mark.slow
def test_many_more_action_sequences_on_gemma3(
    model_path: Path, tiny_mmproj_path: Path, workers: tuple[EngineClient, EngineClient]
) -> None:
    tally = run_machine(
        gemma(model_path, tiny_mmproj_path, 8192), workers, examples=40, steps=20, shrink=True
    )
    print(tally.summary(), *tally.ties, sep="\n")


@pytest.mark.timeout(1200)
def test_random_action_sequences_match_a_fresh_read_on_smollm2(
    smollm2_path: Path, workers: tuple[EngineClient, EngineClient]
) -> None:
    tally = run_machine(smollm2(smollm2_path, 2048), workers, examples=4, steps=8)
    print(tally.summary(), *tally.ties, sep="\n")
    assert tally.comparisons >= 15
    assert "rollback" in tally.paths and "append" in tally.paths
    assert "checkpoint" not in tally.paths  # a full-attention cache never needs one


@pytest.mark.slow
def test_many_more_action_sequences_on_smollm2(
    smollm2_path: Path, workers: tuple[EngineClient, EngineClient]
) -> None:
    tally = run_machine(smollm2(smollm2_path, 8192), workers, examples=40, steps=20, shrink=True)
    print(tally.summary(), *tally.ties, sep="\n")


# ---------------------------------------------------------------------------- regressions


def test_reference_without_cache_equals_a_new_worker_process(
    model_path: Path,
    tiny_mmproj_path: Path,
    workers: tuple[EngineClient, EngineClient],
    tmp_path: Path,
) -> None:
    """``reuse_cache=False`` on a used worker is the same read as a brand-new process."""
    family = gemma(model_path, tiny_mmproj_path, 2048)
    _, fresh = workers
    fresh.load(family.config)
    messages = [ChatMessage("user", text_of(900, 7))]
    warm = answer(fresh, messages, max_tokens=16)  # leaves kept tokens and checkpoints behind
    assert isinstance(warm, p.Done)
    messages += [ChatMessage("assistant", warm.text), ChatMessage("user", text_of(40, 8))]
    used = answer(fresh, messages, max_tokens=16, reuse_cache=False)
    with EngineClient(log_path=tmp_path / "new.log") as new:
        new.load(family.config)
        first = answer(new, messages, max_tokens=16)
    assert isinstance(used, p.Done) and isinstance(first, p.Done)
    assert used.payload == first.payload
    assert used.probe is not None and first.probe is not None
    assert used.probe.top_logits == first.probe.top_logits  # bit for bit: the same read


def test_regenerate_after_a_window_filling_first_message_through_batch(
    model_path: Path, tmp_path: Path
) -> None:
    """The issue's scenario: ~2,300-token message, short question cut at 40, regenerate.

    Through ``hearth-cli batch`` (one worker for all three requests); the regenerated answer
    must equal the first answer to that prompt and a fresh worker's (``ask --regenerate`` in
    a new process reads the whole branch from scratch).
    """
    data = tmp_path / "data"
    models = data / "models"
    models.mkdir(parents=True)
    (models / model_path.name).symlink_to(model_path)
    first = text_of(1750, 11)
    requests = [
        {"text": first, "conversation": None, "temperature": 0, "max_tokens": 40},
        {
            "text": "Summarize the above in one sentence.",
            "conversation": 1,
            "temperature": 0,
            "max_tokens": 40,
        },
        {"text": None, "conversation": 1, "regenerate": True, "temperature": 0, "max_tokens": 40},
    ]
    cli = [sys.executable, "-m", "engine", "--data-dir", str(data)]
    model = ["--model", str(model_path), "--ctx", "4096"]
    batch = subprocess.run(
        [*cli, "batch", *model],
        input="".join(json.dumps(r) + "\n" for r in requests),
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    results = [json.loads(line) for line in batch.stdout.splitlines()]
    assert [r.get("error") for r in results] == [None, None, None], results
    assert results[0]["prompt_tokens"] > 2 * 1024  # longer than four 512-token windows
    assert results[1]["finish_reason"] == "length"
    again = subprocess.run(
        [
            *cli,
            "ask",
            *model,
            "--conversation",
            "1",
            "--regenerate",
            "--temperature",
            "0",
            "--max-tokens",
            "40",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    fresh = json.loads(again.stdout)
    assert fresh["reuse_path"] == "full"
    assert results[2]["text"] == results[1]["text"] == fresh["text"]
    assert results[2]["reuse_path"] in {"rollback", "checkpoint"}, results[2]


def test_a_cut_answer_regenerated_past_the_window_keeps_a_whole_window(
    model_path: Path, tiny_mmproj_path: Path, workers: tuple[EngineClient, EngineClient]
) -> None:
    """Regenerate after an answer long enough to wrap the window ring: the worker's own probe
    reads llama.cpp's state and finds every window position there."""
    family = gemma(model_path, tiny_mmproj_path, 4096)
    tested, fresh = workers
    tested.load(family.config)
    fresh.load(family.config)
    tally = Tally()
    messages = [ChatMessage("user", text_of(1750, 3))]
    done = answer(tested, messages, max_tokens=700)  # > n_swa + n_ubatch generated positions
    assert isinstance(done, p.Done) and done.stats is not None
    regenerated = answer(tested, messages, max_tokens=16)
    reference = answer(fresh, messages, max_tokens=16, reuse_cache=False)
    assert isinstance(regenerated, p.Done) and isinstance(reference, p.Done)
    compare("regenerate after a long answer", regenerated, reference, tally)
    assert regenerated.stats is not None
    assert regenerated.stats.reevaluated_tokens <= 2
