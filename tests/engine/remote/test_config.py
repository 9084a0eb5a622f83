"""Remote engine settings: validation, the versioned engines file, API keys kept private."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from engine.errors import HearthError
from engine.remote.config import load_endpoints, save_endpoints
from engine.remote.endpoint import EndpointError, RemoteEndpoint, is_gemma3, normalize_base_url
from engine.remote.secrets import ApiKeyStore, keyring_available


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
        ("https://gpu.lan/v1/", "https://gpu.lan"),
        ("HTTPS://gpu.lan/llm/v1", "https://gpu.lan/llm"),
    ],
)
def test_the_address_is_kept_as_typed_without_the_api_suffix(typed: str, kept: str) -> None:
    assert normalize_base_url(typed) == kept


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("", "empty"),
        ("192.168.1.20:8080", "needs its scheme"),
        ("ftp://host", "http:// or https://"),
        ("http://", "no host"),
        ("http://host:99999", "port"),
        ("http://host/?x=1", "query"),
    ],
)
def test_a_bad_address_says_what_is_wrong(typed: str, words: str) -> None:
    with pytest.raises(EndpointError, match=words):
        RemoteEndpoint(name="Box", base_url=typed)


def test_fields_are_checked() -> None:
    with pytest.raises(EndpointError, match="name"):
        RemoteEndpoint(name="  ", base_url="http://h")
    with pytest.raises(EndpointError, match="read timeout"):
        RemoteEndpoint(name="a", base_url="http://h", read_timeout_s=0)
    with pytest.raises(EndpointError, match="context size"):
        RemoteEndpoint(name="a", base_url="http://h", context_size=100)


def test_gemma_3_is_recognised_by_its_model_id() -> None:
    for model in ("gemma-3-27b-it", "google/gemma-3-4b-it", "gemma3:27b", "Gemma_3_12B.gguf"):
        assert is_gemma3(model), model
    for model in ("llama-3.1-8b", "gemma-2-9b", "gemma-3n-e4b-it", "qwen2.5"):
        assert not is_gemma3(model), model
    endpoint = RemoteEndpoint(name="x", base_url="http://h", family="gemma3")
    assert endpoint.gemma("anything")


def test_the_engines_file_round_trips_and_is_private(tmp_path: Path) -> None:
    path = tmp_path / "remote-engines.toml"
    engines = [
        RemoteEndpoint(name="Workstation", base_url="http://10.0.0.5:8080", model="gemma-3-27b-it"),
        RemoteEndpoint(
            name='Team "vLLM"', base_url="https://llm.example/v1", ca_file="/etc/ca.pem"
        ),
    ]
    save_endpoints(path, engines)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    loaded = load_endpoints(path)
    assert loaded.endpoints == tuple(engines)
    assert loaded.warnings == ()
    assert "secret" not in path.read_text()


def test_a_bad_entry_is_skipped_and_the_others_kept(tmp_path: Path) -> None:
    path = tmp_path / "remote-engines.toml"
    path.write_text(
        "schema_version = 1\n"
        '[[endpoint]]\nname = "Good"\nbase_url = "http://a:1"\ncolour = "blue"\n'
        '[[endpoint]]\nname = "Bad"\nbase_url = "a:1"\n'
        '[[endpoint]]\nname = "good"\nbase_url = "http://b:1"\n'
    )
    loaded = load_endpoints(path)
    assert [e.name for e in loaded.endpoints] == ["Good"]
    text = " ".join(loaded.warnings)
    assert "colour" in text and "needs its scheme" in text and "second engine" in text


def test_a_damaged_file_is_moved_aside(tmp_path: Path) -> None:
    path = tmp_path / "remote-engines.toml"
    path.write_text("[[endpoint]\nname = ")
    loaded = load_endpoints(path)
    assert loaded.endpoints == () and "damaged" in loaded.warnings[0]
    assert not path.exists() and list(tmp_path.glob("remote-engines.toml.corrupt-*"))


def test_a_newer_file_is_read_but_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "remote-engines.toml"
    path.write_text('schema_version = 9\n[[endpoint]]\nname = "A"\nbase_url = "http://a"\n')
    loaded = load_endpoints(path)
    assert [e.name for e in loaded.endpoints] == ["A"] and not loaded.writable


def test_two_engines_cannot_share_a_name(tmp_path: Path) -> None:
    same = [
        RemoteEndpoint(name="A", base_url="http://a"),
        RemoteEndpoint(name="a", base_url="http://b"),
    ]
    with pytest.raises(HearthError, match="same name"):
        save_endpoints(tmp_path / "x.toml", same)


def test_without_a_keyring_keys_go_to_a_user_only_file(tmp_path: Path) -> None:
    assert not keyring_available()  # this machine has no keyring backend
    store = ApiKeyStore(tmp_path / "secrets.json")
    assert store.where == "file"
    assert store.get("A") == ""
    store.set("A", "sk-123")
    store.set("B", "sk-456")
    assert stat.S_IMODE(os.stat(tmp_path / "secrets.json").st_mode) == 0o600
    assert ApiKeyStore(tmp_path / "secrets.json").get("A") == "sk-123"
    store.rename("A", "C")
    assert (store.get("A"), store.get("C")) == ("", "sk-123")
    store.set("B", "")
    assert store.get("B") == ""
