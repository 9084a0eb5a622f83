"""Hearth's own opt-in local API server: the OpenAI-compatible chat API on 127.0.0.1.

Off by default (``Settings.api_server_enabled``); started by ``hearth-cli serve``. Every request
goes through one queue (``engine.api_server.gate``) to the one inference worker, so clients share
its KV cache: a client that resends a growing conversation pays only for the new turn.

* ``token``: the per-install bearer token (a user-only file under the data dir).
* ``openai_format``: OpenAI request bodies -> Hearth messages, sampling and limits (400s).
* ``gate``: the queue in front of the worker (FIFO, bounded: 503 + Retry-After past it).
* ``guards``: ASGI middleware for the bearer token (401) and the body size limit (413).
* ``routes``: the Starlette app (``/v1/models``, ``/v1/chat/completions``, ``/v1/completions``).
* ``server``: uvicorn bound to 127.0.0.1 only, in the foreground or on a thread.
"""
