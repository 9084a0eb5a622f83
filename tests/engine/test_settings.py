"""Settings: defaults, the TOML round trip, atomic private writes, and repairs on load."""

from __future__ import annotations

import os
import stat
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.errors import HearthError
from engine.paths import AppPaths
from engine.settings import (
    SAMPLING_PRESETS,
    SCHEMA_VERSION,
    Settings,
    dump_toml,
    load_settings,
    save_settings,
)


@pytest.fixture()
def path(app_paths: AppPaths) -> Path:
    return app_paths.settings_path


def test_defaults() -> None:
    settings = Settings()
    assert settings.schema_version == SCHEMA_VERSION
    assert settings.context_size == 8192
    assert settings.threads is None
    assert settings.max_tokens == 1024
    assert settings.kv_cache_type == "f16"
    assert settings.swa_full is False
    assert settings.checkpoint_budget_mib == 256
    assert (settings.pan_and_scan, settings.theme, settings.language) == (
        "auto",
        "system",
        "system",
    )
    assert settings.font_size == 0
    assert settings.model_path is None
    assert settings.sampling() == SAMPLING_PRESETS["gemma"]


def test_sampling_presets_and_custom() -> None:
    assert Settings(sampling_preset="precise").sampling() == SAMPLING_PRESETS["precise"]
    custom = Settings(
        sampling_preset="custom",
        custom_temperature=0.7,
        custom_top_k=20,
        custom_top_p=0.8,
        custom_min_p=0.1,
        custom_repeat_penalty=1.1,
    ).sampling()
    assert (custom.temperature, custom.top_k, custom.top_p, custom.min_p) == (0.7, 20, 0.8, 0.1)
    assert custom.repeat_penalty == 1.1


@pytest.mark.parametrize(
    "bad",
    [
        {"context_size": 100},
        {"context_size": "8192"},
        {"threads": 0},
        {"kv_cache_type": "q4_0"},
        {"theme": "pink"},
        {"swa_full": 1},
        {"custom_top_p": 1.5},
        {"custom_temperature": float("nan")},
        {"font_size": True},
    ],
)
def test_invalid_values_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=next(iter(bad))):
        Settings(**bad)


def test_resolved_threads() -> None:
    assert Settings(threads=3).resolved_threads() == 3
    assert Settings().resolved_threads() >= 1


def test_missing_file_gives_defaults(path: Path) -> None:
    loaded = load_settings(path)
    assert loaded.settings == Settings()
    assert loaded.warnings == ()
    assert loaded.writable


def test_round_trip(path: Path) -> None:
    settings = Settings(
        context_size=32768,
        threads=4,
        sampling_preset="custom",
        custom_temperature=0.25,
        system_prompt='Say "hi"\n\tthen \\ stop \x01 — 你好',
        kv_cache_type="q8_0",
        swa_full=True,
        pan_and_scan="off",
        theme="dark",
        language="zh_CN",
        font_size=14,
        model_path="/models/gemma 3 4b.gguf",
    )
    assert save_settings(path, settings)
    loaded = load_settings(path)
    assert loaded.warnings == ()
    assert loaded.settings == settings


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_file_is_private_and_sectioned(path: Path) -> None:
    save_settings(path, Settings(model_path="/m.gguf"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    assert raw["schema_version"] == SCHEMA_VERSION
    assert raw["model"]["model_path"] == "/m.gguf"
    assert "mmproj_path" not in raw["model"]  # None is left out
    assert raw["generation"]["sampling_preset"] == "gemma"
    assert raw["appearance"]["theme"] == "system"
    assert [p.name for p in path.parent.iterdir() if p.name.startswith(".settings")] == []


def test_save_replaces_atomically(path: Path) -> None:
    save_settings(path, Settings(context_size=4096))
    before = path.stat().st_ino
    save_settings(path, Settings(context_size=2048))
    assert path.stat().st_ino != before  # a new file was renamed over the old one
    assert load_settings(path).settings.context_size == 2048


def test_save_failure_is_a_hearth_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with pytest.raises(HearthError, match="Could not save the settings"):
        save_settings(blocker / "settings.toml", Settings())


def test_corrupt_file_is_moved_aside(path: Path) -> None:
    path.write_text("context_size = = 3\n[model\n", encoding="utf-8")
    loaded = load_settings(path)
    assert loaded.settings == Settings()
    assert loaded.moved_aside is not None
    assert loaded.moved_aside.name.startswith("settings.toml.corrupt-")
    assert loaded.moved_aside.read_text(encoding="utf-8").startswith("context_size = = 3")
    assert not path.exists()
    assert len(loaded.warnings) == 1
    assert "damaged" in loaded.warnings[0]
    assert loaded.writable
    assert save_settings(path, Settings(theme="light"))
    assert load_settings(path).settings.theme == "light"


def test_non_utf8_file_is_corrupt(path: Path) -> None:
    path.write_bytes(b'theme = "\xff\xfe"\n')
    loaded = load_settings(path)
    assert loaded.settings == Settings()
    assert loaded.moved_aside is not None


def test_two_corrupt_files_in_the_same_second(path: Path) -> None:
    path.write_text("[", encoding="utf-8")
    first = load_settings(path).moved_aside
    path.write_text("[[", encoding="utf-8")
    second = load_settings(path).moved_aside
    assert first is not None
    assert second is not None
    assert first != second
    assert first.exists()
    assert second.exists()


def test_unreadable_file_is_not_overwritten(path: Path) -> None:
    path.mkdir()  # a folder where the file should be
    loaded = load_settings(path)
    assert loaded.settings == Settings()
    assert not loaded.writable
    assert "could not be read" in loaded.warnings[0]


def test_wrong_values_fall_back_individually(path: Path) -> None:
    path.write_text(
        "schema_version = 1\n"
        "[model]\n"
        'context_size = "big"\n'
        "threads = 6\n"
        "swa_full = 1\n"
        "checkpoint_budget_mib = -5\n"
        "[generation]\n"
        "custom_top_k = 2.5\n"
        "custom_temperature = 2\n"  # an integer where a float is expected is fine
        'sampling_preset = "wild"\n'
        "[appearance]\n"
        'theme = "dark"\n',
        encoding="utf-8",
    )
    loaded = load_settings(path)
    settings = loaded.settings
    assert settings.context_size == 8192
    assert settings.threads == 6
    assert settings.swa_full is False
    assert settings.checkpoint_budget_mib == 256
    assert settings.custom_top_k == 64
    assert settings.custom_temperature == 2.0
    assert isinstance(settings.custom_temperature, float)
    assert settings.sampling_preset == "gemma"
    assert settings.theme == "dark"
    reported = " ".join(loaded.warnings)
    for key in (
        "context_size",
        "swa_full",
        "checkpoint_budget_mib",
        "custom_top_k",
        "sampling_preset",
    ):
        assert key in reported
    assert len(loaded.warnings) == 5
    assert loaded.writable


def test_unknown_keys_are_dropped_with_warnings(path: Path) -> None:
    path.write_text(
        "schema_version = 1\nfavourite_colour = 3\n"
        '[model]\nthreads = 2\nturbo = true\ntheme = "dark"\n'
        "[plugins]\nx = 1\n",
        encoding="utf-8",
    )
    loaded = load_settings(path)
    assert loaded.settings.threads == 2
    assert loaded.settings.theme == "system"  # only read from its own table
    reported = " ".join(loaded.warnings)
    for key in ("favourite_colour", "model.turbo", "model.theme", "plugins"):
        assert key in reported
    save_settings(path, loaded.settings)
    assert "turbo" not in path.read_text(encoding="utf-8")


def test_newer_file_is_read_but_never_overwritten(path: Path) -> None:
    text = (
        f"schema_version = {SCHEMA_VERSION + 1}\n"
        '[model]\ncontext_size = 16384\nnew_thing = "x"\n'
        '[appearance]\ntheme = "light"\n'
    )
    path.write_text(text, encoding="utf-8")
    loaded = load_settings(path)
    assert not loaded.writable
    assert loaded.settings.context_size == 16384
    assert loaded.settings.theme == "light"
    assert any("newer Hearth" in warning for warning in loaded.warnings)
    assert save_settings(path, loaded.settings) is False
    assert path.read_text(encoding="utf-8") == text


def test_migrations_upgrade_old_files(path: Path) -> None:
    def rename_ctx(raw: dict[str, Any]) -> dict[str, Any]:
        model = raw.setdefault("model", {})
        model["context_size"] = model.pop("ctx")
        return raw

    path.write_text("schema_version = 0\n[model]\nctx = 4096\n", encoding="utf-8")
    loaded = load_settings(path, migrations={0: rename_ctx})
    assert loaded.settings.context_size == 4096
    assert loaded.warnings == ()
    unmigrated = load_settings(path, migrations={})
    assert unmigrated.settings.context_size == 8192
    assert any("No upgrade" in w for w in unmigrated.warnings)
    assert any("model.ctx" in w for w in unmigrated.warnings)


def test_file_without_version_is_read_as_current(path: Path) -> None:
    path.write_text("[appearance]\nfont_size = 12\n", encoding="utf-8")
    loaded = load_settings(path)
    assert loaded.settings.font_size == 12
    assert loaded.warnings == ()


_TOML_TEXT = st.text(st.characters(codec="utf-8"), max_size=80)


@given(
    text=_TOML_TEXT,
    key=st.text(st.characters(codec="utf-8"), min_size=1, max_size=12).filter(
        lambda k: k not in ("a", "t")
    ),
    number=st.floats(allow_nan=False),
    integer=st.integers(-(2**63), 2**63 - 1),
)
def test_toml_writer_round_trips(text: str, key: str, number: float, integer: int) -> None:
    top: dict[str, object] = {"a": text, key: integer}
    table: dict[str, object] = {"f": number, "b": True, "s": text}
    assert tomllib.loads(dump_toml({"": top, "t": table})) == {**top, "t": table}
    assert tomllib.loads(dump_toml({key: table})) == {key: table}


def test_toml_writer_leaves_out_none() -> None:
    assert dump_toml({"": {"a": None, "b": 1}}) == "b = 1\n"


def test_paths_fixture_is_private(app_paths: AppPaths) -> None:
    assert os.environ["HEARTH_DATA_DIR"] == str(app_paths.data_dir)
