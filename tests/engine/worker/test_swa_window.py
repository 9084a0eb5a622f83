"""The window gauge and the state parser agree with what llama.cpp holds (real 270M model)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.worker.protocol import ModelConfig
from engine.worker.runtime import LoadedModel
from engine.worker.swa_window import missing_positions, state_bytes, window_positions
from tests.engine.worker.differential import text_of

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def model(model_path: Path) -> Iterator[LoadedModel]:
    loaded = LoadedModel(ModelConfig(model_path=str(model_path), n_ctx=4096))
    yield loaded
    loaded.close()


class _Never:
    def is_set(self) -> bool:
        return False


def test_the_gauge_counts_the_cells_the_state_lists(model: LoadedModel) -> None:
    assert model._gauge is not None and model.n_swa == 512
    ids = [model._bos, *model.tokenize(text_of(2000, 5))][:2600]
    model._truncate(0)
    model.evaluate(ids, _Never())
    n = model.llm.n_tokens
    positions = window_positions(state_bytes(model.llm.ctx))
    assert positions is not None and sorted(positions) == list(range(n - 512, n))
    assert model._gauge.cells() == 512
    # Deep rollbacks into the ring: the gauge and the parsed state always tell the same story,
    # and a rollback is called exact only when no needed position is missing.
    for keep in (n - 1, n - 40, n - 300, n - 600, n - 1500):
        exact = model._rollback_is_exact(keep)
        held = window_positions(state_bytes(model.llm.ctx))
        assert held is not None
        assert model._gauge.cells() == len(held)
        needed = missing_positions(held, keep, model.n_swa)
        if exact:
            assert needed == []
        model._truncate(0)
        model.evaluate(ids, _Never())
    # 2,600 positions went through a 1,024-cell ring: 1,500 back, the window is gone.
    assert not model._rollback_is_exact(n - 1500)


def test_an_empty_or_foreign_state_is_not_misread() -> None:
    assert window_positions(b"") is None
    assert window_positions(b"\x00" * 64) is None
