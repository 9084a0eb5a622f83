"""Load llama.cpp's compute backends before the first model.

A portable package build of llama-cpp-python (``GGML_BACKEND_DL=ON``,
``GGML_CPU_ALL_VARIANTS=ON``) ships one ``libggml-cpu-<variant>.so`` per x86-64 kernel set next
to ``libllama.so``; ggml scores each against the running CPU and keeps the best. llama.cpp's own
fallback (``ggml_backend_load_all``) only looks beside the executable and in the current
directory, which is neither the venv's nor the frozen app's ``llama_cpp/lib``, so Hearth loads
them from that directory explicitly. A static build registers its CPU backend itself; then this
does nothing.
"""

from __future__ import annotations

import ctypes
import threading
from pathlib import Path

_lock = threading.Lock()


def llama_lib_dir() -> Path:
    """The directory holding llama-cpp-python's shared libraries."""
    import llama_cpp

    return Path(llama_cpp.__file__).resolve().parent / "lib"


def _ggml() -> ctypes.CDLL:
    import llama_cpp  # loads libllama and, through it, libggml (RTLD_GLOBAL)

    del llama_cpp
    # The wheel holds libggml.so and libggml.so.0 as separate copies; libllama is linked to the
    # soname, so open it by soname (the already loaded object) to reach the same registry.
    lib: ctypes.CDLL | None = None
    for name in ("libggml.so.0", str(llama_lib_dir() / "libggml.so.0")):
        try:
            lib = ctypes.CDLL(name, mode=ctypes.RTLD_GLOBAL)
            break
        except OSError:
            continue
    if lib is None:
        lib = ctypes.CDLL(str(llama_lib_dir() / "libggml.so"), mode=ctypes.RTLD_GLOBAL)
    lib.ggml_backend_reg_count.restype = ctypes.c_size_t
    lib.ggml_backend_reg_count.argtypes = []
    lib.ggml_backend_load_all_from_path.restype = None
    lib.ggml_backend_load_all_from_path.argtypes = [ctypes.c_char_p]
    return lib


def ensure_backends_loaded() -> int:
    """Register the backends (once per process); return how many are registered."""
    with _lock:
        lib = _ggml()
        if lib.ggml_backend_reg_count() == 0:
            lib.ggml_backend_load_all_from_path(str(llama_lib_dir()).encode())
        return int(lib.ggml_backend_reg_count())
