"""Image questions through the inference worker: the real 270M + a tiny random projector."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from engine.chat.messages import ChatMessage
from engine.chat.sampling import GREEDY
from engine.errors import HearthError
from engine.vision.attachment import ImageAttachment
from engine.worker import protocol as p
from engine.worker.client import EngineClient

pytestmark = pytest.mark.model

REAL_PHOTO = Path(__file__).parents[2] / "data" / "f3-discovery-board.jpeg"


@pytest.fixture(scope="module")
def vision_worker(
    model_path: Path, tiny_mmproj_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[EngineClient]:
    with EngineClient(log_path=tmp_path_factory.mktemp("v") / "worker.log") as client:
        info = client.load(
            p.ModelConfig(
                model_path=str(model_path),
                n_ctx=4096,
                mmproj_path=str(tiny_mmproj_path),
                allow_text_only_vision=True,
            )
        )
        assert info.vision
        yield client


def ask(client: EngineClient, messages: list[ChatMessage]) -> p.Done:
    last = None
    for event in client.chat(messages, GREEDY, max_tokens=6):
        last = event
    assert isinstance(last, p.Done), last
    assert last.stats is not None
    return last


def test_a_real_photo_goes_through_tiles_and_the_worker(vision_worker: EngineClient) -> None:
    photo = ImageAttachment.from_path(REAL_PHOTO)  # 720x477: Pan & Scan gives 2 crops
    first_turn = [ChatMessage("user", "What is on this board?", images=(photo,))]
    first = ask(vision_worker, first_turn)
    assert first.stats is not None
    assert first.stats.image_tiles == 3
    assert first.stats.images_encoded == 3
    assert len(first.stats.encode_ms) == 3
    assert first.stats.prompt_tokens > 3 * 256

    follow_up = [
        *first_turn,
        ChatMessage("assistant", first.text),
        ChatMessage("user", "And which chip is the biggest?"),
    ]
    second = ask(vision_worker, follow_up)
    assert second.stats is not None
    assert second.stats.images_encoded == 0  # no encoder run for a follow-up
    assert second.stats.image_tiles == 3
    assert second.stats.cached_tokens >= first.stats.prompt_tokens - 1
    assert second.stats.reevaluated_tokens < 40


def test_pan_and_scan_off_sends_only_the_full_view(vision_worker: EngineClient) -> None:
    photo = ImageAttachment.from_path(REAL_PHOTO, mode="off")
    done = ask(vision_worker, [ChatMessage("user", "Describe it.", images=(photo,))])
    assert done.stats is not None and done.stats.image_tiles == 1


def test_a_text_only_model_says_it_cannot_see(model_path: Path, tmp_path: Path) -> None:
    with EngineClient(log_path=tmp_path / "worker.log") as client:
        client.load(p.ModelConfig(model_path=str(model_path), n_ctx=2048))
        photo = ImageAttachment.from_path(REAL_PHOTO)
        events = list(client.chat([ChatMessage("user", "Hi", images=(photo,))], GREEDY))
        assert isinstance(events[-1], p.Failed)
        assert events[-1].kind == "environment"
        assert "cannot see images" in events[-1].message


def test_mismatched_projector_is_a_clear_load_error(
    model_path: Path, tmp_path: Path, write_mmproj: Callable[..., Path]
) -> None:
    wide = write_mmproj(tmp_path / "wide.gguf", projection_dim=1024)
    with EngineClient(log_path=tmp_path / "worker.log") as client:
        with pytest.raises(HearthError) as caught:
            client.load(
                p.ModelConfig(
                    model_path=str(model_path),
                    mmproj_path=str(wide),
                    allow_text_only_vision=True,
                )
            )
        assert "640" in str(caught.value) or "width" in str(caught.value)
        assert client.alive
