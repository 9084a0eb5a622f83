"""The worker on a second, chat-tuned model family: SmolLM2-135M-Instruct (llama architecture,
full-attention cache, its own ChatML template), next to Gemma 3 270M.

Every answer taken through a cached path is compared with a fresh worker that reads the same
branch from scratch (first 16 greedy tokens). Conversations are longer than Gemma's sliding
window (512) so the same scenarios cover both cache layouts.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.chat.messages import ChatMessage
from engine.chat.sampling import GREEDY
from engine.errors import HearthError
from engine.worker import protocol as p
from engine.worker.client import EngineClient
from tests.engine.worker.differential import SMOLLM2_TIE_NATS, Tally, compare
from tests.engine.worker.test_branches import long_conversation, paragraph

pytestmark = pytest.mark.model


def smol_config(path: Path, **changes: object) -> p.ModelConfig:
    return p.ModelConfig(model_path=str(path), n_ctx=4096, **changes)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def smol(smollm2_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[EngineClient]:
    with EngineClient(log_path=tmp_path_factory.mktemp("smol") / "worker.log") as client:
        client.load(smol_config(smollm2_path))
        yield client


@pytest.fixture(scope="module")
def smol_fresh(
    smollm2_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EngineClient]:
    with EngineClient(log_path=tmp_path_factory.mktemp("smolf") / "worker.log") as client:
        client.load(smol_config(smollm2_path))
        yield client


def ask(
    client: EngineClient, messages: list[ChatMessage], max_tokens: int = 16, **kw: object
) -> p.Done:
    done = None
    for event in client.chat(messages, GREEDY, max_tokens=max_tokens, **kw):  # type: ignore[arg-type]
        if isinstance(event, p.Failed):
            pytest.fail(event.message + event.details)
        if isinstance(event, p.Done):
            done = event
    assert done is not None and done.stats is not None
    return done


def same_as_fresh(
    label: str, tested: p.Done, fresh: EngineClient, messages: list[ChatMessage], **kw: object
) -> None:
    """The answer equals a fresh worker's read of the same branch, up to a rounding tie.

    The cached path evaluates the last prompt token alone, a fresh read in a 512-token batch;
    llama.cpp's kernels round differently for the two shapes (measured here: up to 0.45 nats on
    SmolLM2's logits), which can swap two near-equal candidates. ``compare`` allows exactly that
    and nothing more (see ``differential.SMOLLM2_TIE_NATS``).
    """
    reference = ask(fresh, messages, reuse_cache=False, probe=True, **kw)
    assert reference.stats is not None and reference.stats.reuse_path == "full"
    compare(label, tested, reference, Tally(), SMOLLM2_TIE_NATS)


def without_template(source: Path, target: Path, template: str | None = None) -> Path:
    """A copy of ``source`` with its chat template removed (or replaced by ``template``)."""
    command = [sys.executable, "-m", "gguf.scripts.gguf_new_metadata", str(source), str(target)]
    command += ["--force", "--remove-metadata", "tokenizer.chat_template"]
    if template is not None:
        command = [sys.executable, "-m", "gguf.scripts.gguf_new_metadata", str(source)]
        command += [str(target), "--force", "--chat-template", template]
    subprocess.run(command, check=True, capture_output=True)
    return target


def test_the_model_loads_with_its_own_template_and_full_attention(smol: EngineClient) -> None:
    info = smol.model_info
    assert info is not None
    assert info.architecture == "llama"
    assert info.n_swa == 0
    assert "own chat template" in info.prompt_format


@pytest.mark.parametrize("question", ["What is 2+2?", "Hi! How are you?"])
def test_a_plain_question_gets_an_answer_that_stops_by_itself(
    smol: EngineClient, question: str
) -> None:
    done = ask(smol, [ChatMessage("user", question)], max_tokens=200)
    assert done.stats is not None
    assert done.text.strip()
    assert done.stats.finish_reason == "stop"  # its <|im_end|>, not the token limit
    assert done.stats.completion_tokens < 200
    assert "<|im_end|>" not in done.text and "<|im_start|>" not in done.text


def test_a_follow_up_reads_only_the_new_turn(smol: EngineClient) -> None:
    first = [ChatMessage("user", "Tell me about rivers. " + paragraph("rivers", 8))]
    answer = ask(smol, first, reuse_cache=False)
    follow = [*first, ChatMessage("assistant", answer.text), ChatMessage("user", "Why?")]
    done = ask(smol, follow)
    assert done.stats is not None
    assert done.stats.reuse_path in ("append", "rollback")
    # The history is reused (at most the re-tokenized end of the answer is read again).
    assert done.stats.reevaluated_tokens < 40 < done.stats.cached_tokens


@pytest.mark.timeout(900)
def test_regenerate_and_edit_on_a_long_conversation_equal_a_fresh_read(
    smol: EngineClient, smol_fresh: EngineClient
) -> None:
    messages = long_conversation()
    first = ask(smol, messages, reuse_cache=False)
    assert first.stats is not None and first.stats.prompt_tokens > 1500
    again = ask(smol, messages, probe=True)  # regenerate: the same prompt once more
    assert again.stats is not None and again.stats.reuse_path == "rollback"
    assert again.stats.reevaluated_tokens == 1
    same_as_fresh("regenerate", again, smol_fresh, messages)

    edited = [*messages[:3], ChatMessage("user", "Tell me about volcanoes instead.")]
    done = ask(smol, edited, probe=True)
    assert done.stats is not None and done.stats.reuse_path == "rollback"
    same_as_fresh("edit", done, smol_fresh, edited)

    deep = list(messages)
    deep[len(deep) // 4] = ChatMessage(deep[len(deep) // 4].role, "Something else entirely.")
    done = ask(smol, deep, probe=True)
    same_as_fresh("edit at 25%", done, smol_fresh, deep)


def test_continue_goes_on_from_the_cut_answer(smol: EngineClient, smol_fresh: EngineClient) -> None:
    question = [ChatMessage("user", "Write one sentence about the sea.")]
    cut = ask(smol, question, max_tokens=6)
    assert cut.stats is not None and cut.stats.finish_reason == "length"
    partial = [*question, ChatMessage("assistant", cut.text)]
    done = ask(smol, partial, continue_answer=True, probe=True)
    same_as_fresh("continue", done, smol_fresh, partial, continue_answer=True)


def test_a_model_without_a_template_asks_for_a_format_and_runs_the_chosen_one(
    smollm2_path: Path, tmp_path: Path
) -> None:
    bare = without_template(smollm2_path, tmp_path / "smol-bare.gguf")
    with EngineClient(log_path=tmp_path / "worker.log") as client:
        with pytest.raises(HearthError) as raised:
            client.load(smol_config(bare))
        message = str(raised.value)
        assert "has no chat template" in message and "ChatML" in message
        client.load(smol_config(bare, prompt_format="chatml"))
        info = client.model_info
        assert info is not None and "ChatML" in info.prompt_format
        done = ask(client, [ChatMessage("user", "What is 2+2?")], max_tokens=200)
        assert done.stats is not None and done.stats.finish_reason == "stop" and done.text


def test_a_template_that_fails_in_the_sandbox_is_reported_not_run(
    smollm2_path: Path, tmp_path: Path
) -> None:
    hostile = without_template(
        smollm2_path,
        tmp_path / "smol-hostile.gguf",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    )
    with EngineClient(log_path=tmp_path / "worker.log") as client:
        with pytest.raises(HearthError) as raised:
            client.load(smol_config(hostile))
        assert "cannot use" in str(raised.value)
        client.load(smol_config(hostile, prompt_format="chatml"))
        done = ask(client, [ChatMessage("user", "Hi! How are you?")], max_tokens=200)
        assert done.stats is not None and done.stats.finish_reason == "stop"
