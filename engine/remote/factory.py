"""Make the client of a configured remote engine: its settings, its key, Gemma's tokenizer."""

from __future__ import annotations

import functools
from typing import Any

from engine.paths import AppPaths
from engine.remote.client import RemoteEngineClient
from engine.remote.config import find_endpoint, load_endpoints
from engine.remote.endpoint import RemoteEndpoint
from engine.remote.secrets import ApiKeyStore

__all__ = ["bundled_gemma_counter", "key_store", "open_remote_engine", "remote_client"]


def key_store(paths: AppPaths) -> ApiKeyStore:
    return ApiKeyStore(paths.secrets_fallback_path)


def bundled_gemma_counter(paths: AppPaths) -> Any:
    """A loader of Hearth's exact Gemma 3 tokenizer (every Gemma 3 model shares the bundled
    model's vocabulary), built on first use and then kept."""

    @functools.cache
    def load() -> Any:
        from engine.model.bundled import bundled_model_path
        from engine.tokenizer import load_token_counter

        return load_token_counter(
            bundled_model_path(paths.models_dir), cache_dir=paths.tokenizer_cache
        )

    return load


def remote_client(paths: AppPaths, endpoint: RemoteEndpoint) -> RemoteEngineClient:
    return RemoteEngineClient(
        endpoint, key_store(paths).get(endpoint.name), gemma_counter=bundled_gemma_counter(paths)
    )


def open_remote_engine(paths: AppPaths, name: str) -> RemoteEngineClient:
    """The client of the engine called ``name``. Raises HearthError when there is none."""
    loaded = load_endpoints(paths.remote_engines_path)
    return remote_client(paths, find_endpoint(loaded.endpoints, name))
