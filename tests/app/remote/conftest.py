"""The real servers of the remote-engine tests, for the window tests too."""

from tests.engine.remote.conftest import llama_server_path, python_server, upstream_server

__all__ = ["llama_server_path", "python_server", "upstream_server"]
