"""Regenerate ``engine/model/llama_archs.py`` from the llama.cpp that llama-cpp-python vendors.

Hearth accepts exactly the architectures the pinned llama.cpp can load. This script reads them,
with the facts Hearth needs about each, from llama.cpp's own source, so the table is never a
hand-typed subset:

* ``src/llama-arch.cpp``: ``LLM_ARCH_NAMES`` (every architecture name), and the switches
  ``llm_arch_is_recurrent``, ``llm_arch_is_hybrid``, ``llm_arch_is_diffusion``,
  ``llm_arch_supports_rs_rollback``;
* ``src/llama-model.cpp``: ``llama_model_mapping`` (which model class loads which architecture),
  ``create_memory`` (architectures that get no generation cache: embedding, reranking, audio and
  diffusion models) and ``llama_model_has_encoder``;
* ``src/models/*.cpp``: each class's ``load_arch_hparams``, for the sliding-window kind it may
  set (``LLAMA_SWA_TYPE_STANDARD``/``CHUNKED``/``SYMMETRIC``).

Usage::

    python3 packaging/gen_llama_archs.py SDIST_OR_SOURCE_DIR          # rewrite the table
    python3 packaging/gen_llama_archs.py SDIST_OR_SOURCE_DIR --check  # exit 1 if it is stale

``SDIST_OR_SOURCE_DIR`` is ``llama_cpp_python-<version>.tar.gz`` (``pip download
llama-cpp-python==<version> --no-deps --no-binary :all:``) or an unpacked llama.cpp tree.
"""

from __future__ import annotations

import argparse
import re
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "engine" / "model" / "llama_archs.py"

_NAME_ENTRY = re.compile(r'\{\s*(LLM_ARCH_\w+)\s*,\s*"([^"]+)"\s*\}')
_CASE = re.compile(r"case\s+(LLM_ARCH_\w+)\s*:")
_RETURN_NEW = re.compile(r"return\s+new\s+(llama_model_\w+)\s*\(")
_HPARAMS_FN = re.compile(r"^void\s+(llama_model_\w+)::load_arch_hparams\s*\(", re.MULTILINE)
_SWA_SET = re.compile(r"swa_type\s*=\s*LLAMA_SWA_TYPE_(STANDARD|CHUNKED|SYMMETRIC)")
_SWA_PATTERN = re.compile(
    r"(?:load_swa_pattern\(\s*ml\s*,\s*(\d+)\s*(?:,\s*(?:/\*[^*]*\*/\s*)?(true|false))?\s*\))"
    r"|(?:set_swa_pattern\(\s*(\d+)\s*(?:,\s*(true|false))?\s*\))"
)


class SourceTree:
    """Files of a llama.cpp ``src`` folder, from an sdist archive or a directory."""

    def __init__(self, source: Path) -> None:
        self._files: dict[str, str] = {}
        if source.is_file():
            with tarfile.open(source) as archive:
                for member in archive.getmembers():
                    marker = "vendor/llama.cpp/src/"
                    if member.isfile() and marker in member.name:
                        handle = archive.extractfile(member)
                        assert handle is not None
                        relative = member.name.split(marker, 1)[1]
                        self._files[relative] = handle.read().decode("utf-8", "replace")
        else:
            src = source / "src" if (source / "src" / "llama-arch.cpp").exists() else source
            for path in src.rglob("*.cpp"):
                self._files[path.relative_to(src).as_posix()] = path.read_text("utf-8", "replace")
        if "llama-arch.cpp" not in self._files:
            raise SystemExit(f"{source}: no llama.cpp src/llama-arch.cpp found")

    def text(self, name: str) -> str:
        return self._files[name]

    def models(self) -> dict[str, str]:
        return {k: v for k, v in self._files.items() if k.startswith("models/")}


def _function_body(text: str, signature: str) -> str:
    """The text of the function whose definition starts with ``signature`` (brace matched)."""
    start = text.index(signature)
    open_at = text.index("{", start)
    depth = 0
    for index in range(open_at, len(text)):
        if text[index] == "{":
            depth += 1
        elif text[index] == "}":
            depth -= 1
            if depth == 0:
                return text[open_at : index + 1]
    raise SystemExit(f"unbalanced braces after {signature!r}")


def _switch_true_cases(text: str, signature: str) -> set[str]:
    """Case labels that fall through to ``return true`` in a ``bool f(arch) { switch }``."""
    body = _function_body(text, signature)
    cases: set[str] = set()
    pending: list[str] = []
    for line in body.splitlines():
        pending += _CASE.findall(line)
        if "return true" in line:
            cases.update(pending)
            pending = []
        elif "return" in line or "break" in line:
            pending = []
    return cases


def _grouped_cases(body: str, ends: Callable[[str], str | None]) -> list[tuple[list[str], str]]:
    """``(case labels, what the group does)`` for each fall-through group of a switch."""
    groups: list[tuple[list[str], str]] = []
    pending: list[str] = []
    for line in body.splitlines():
        pending += _CASE.findall(line)
        result = ends(line)
        if result is not None and pending:
            groups.append((pending, result))
            pending = []
    return groups


def read_facts(tree: SourceTree) -> dict[str, dict[str, object]]:
    arch_cpp = tree.text("llama-arch.cpp")
    model_cpp = tree.text("llama-model.cpp")
    names_body = _function_body(arch_cpp, "LLM_ARCH_NAMES")
    names = dict(_NAME_ENTRY.findall(names_body))
    recurrent = _switch_true_cases(arch_cpp, "bool llm_arch_is_recurrent(")
    hybrid = _switch_true_cases(arch_cpp, "bool llm_arch_is_hybrid(")
    diffusion = _switch_true_cases(arch_cpp, "bool llm_arch_is_diffusion(")
    rs_rollback = _switch_true_cases(arch_cpp, "bool llm_arch_supports_rs_rollback(")
    encoder = _switch_true_cases(model_cpp, "bool llama_model_has_encoder(")

    mapping_body = _function_body(model_cpp, "static llama_model * llama_model_mapping(")

    def returned_class(line: str) -> str | None:
        match = _RETURN_NEW.search(line)
        return match.group(1) if match else None

    classes: dict[str, str] = {}
    for labels, cls in _grouped_cases(mapping_body, returned_class):
        for label in labels:
            classes[label] = cls

    memory_body = _function_body(model_cpp, "llama_memory_i * llama_model::create_memory(")
    no_memory: set[str] = set()
    for labels, action in _grouped_cases(
        memory_body,
        lambda line: (
            "nullptr"
            if "res = nullptr" in line
            else ("other" if "res = new" in line or "break;" in line else None)
        ),
    ):
        if action == "nullptr":
            no_memory.update(labels)

    swa_by_class: dict[str, str] = {}
    period_by_class: dict[str, tuple[int, bool]] = {}
    for text in tree.models().values():
        for match in _HPARAMS_FN.finditer(text):
            cls = match.group(1)
            body = _function_body(text[match.start() :], match.group(0))
            kinds = sorted(set(_SWA_SET.findall(body)))
            if kinds:
                swa_by_class[cls] = "/".join(kind.lower() for kind in kinds)
            pattern = _SWA_PATTERN.search(body)
            if pattern is not None:
                period = pattern.group(1) or pattern.group(3)
                dense_first = (pattern.group(2) or pattern.group(4)) == "true"
                period_by_class[cls] = (int(period), dense_first)

    facts: dict[str, dict[str, object]] = {}
    for label, name in names.items():
        if label == "LLM_ARCH_UNKNOWN":
            continue
        cls = classes.get(label)
        if label in recurrent:
            memory = "recurrent"
        elif label in hybrid:
            memory = "hybrid"
        elif label in no_memory:
            memory = "none"
        else:
            memory = "attention"
        facts[name] = {
            "loadable": cls is not None,
            "memory": memory,
            "swa": swa_by_class.get(cls or "", "none"),
            "swa_period": period_by_class.get(cls or "", (-1, False))[0],
            "dense_first": period_by_class.get(cls or "", (-1, False))[1],
            "diffusion": label in diffusion,
            "encoder": label in encoder,
            "rs_rollback": label in rs_rollback,
        }
    return facts


_HEADER = '''"""Every architecture the pinned llama.cpp can load, with the facts Hearth needs.

GENERATED by ``packaging/gen_llama_archs.py`` from the llama.cpp vendored in llama-cpp-python
{version}; do not edit by hand. Regenerate (and review the diff) when upgrading llama-cpp-python.

Each entry: ``(loadable, memory, swa, swa_period, dense_first, diffusion, encoder, rs_rollback)``

* ``loadable``: llama.cpp has a model class for it (``llama_model_mapping``);
* ``memory``: ``attention`` (a KV cache), ``recurrent`` (a fixed-size state per sequence),
  ``hybrid`` (both), ``none`` (no generation cache: embedding, reranking, audio, diffusion);
* ``swa``: the sliding-window kinds its hyper-parameter loader may set (``none``, ``standard``,
  ``chunked``, ``symmetric``; whether a given file uses it depends on its header);
* ``swa_period``, ``dense_first``: the default layer pattern when the file gives none
  (``llama_hparams::set_swa_pattern``; -1: the loader sets none);
* ``diffusion``: generates by diffusion, not token by token;
* ``encoder``: needs an encoder pass (encoder-decoder models, speculative draft heads);
* ``rs_rollback``: its recurrent state supports rollback in llama.cpp.
"""

from __future__ import annotations

from typing import Final

LLAMA_CPP_PYTHON_VERSION: Final = "{version}"

ARCHITECTURE_FACTS: Final[dict[str, tuple[bool, str, str, int, bool, bool, bool, bool]]] = {{
'''


def render(facts: dict[str, dict[str, object]], version: str) -> str:
    lines = [_HEADER.format(version=version)]
    for name in sorted(facts):
        f = facts[name]
        lines.append(
            f'    "{name}": ({f["loadable"]}, "{f["memory"]}", "{f["swa"]}", {f["swa_period"]}, '
            f"{f['dense_first']}, {f['diffusion']}, {f['encoder']}, {f['rs_rollback']}),\n"
        )
    lines.append("}\n")
    return "".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="llama-cpp-python sdist or llama.cpp tree")
    parser.add_argument("--version", default=None, help="llama-cpp-python version (from sdist)")
    parser.add_argument("--check", action="store_true", help="only compare with the table")
    args = parser.parse_args(argv)
    version = args.version
    if version is None:
        match = re.search(r"llama_cpp_python-(\d+(?:\.\d+)*)", args.source.name)
        version = match.group(1) if match else "unknown"
    facts = read_facts(SourceTree(args.source))
    text = render(facts, version)
    if args.check:
        current = TARGET.read_text("utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET} is stale: regenerate it with {Path(__file__).name}", file=sys.stderr)
            return 1
        print(f"{TARGET.name}: {len(facts)} architectures, up to date")
        return 0
    TARGET.write_text(text, "utf-8")
    print(f"wrote {TARGET} ({len(facts)} architectures)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
