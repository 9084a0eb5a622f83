"""The licence listing is read from the real metadata of this venv's distributions."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from engine.licenses import (
    NOTES,
    ComponentLicense,
    bundled_licenses,
    describe,
    normalize,
    note_for,
    runtime_distributions,
)


def names() -> set[str]:
    return {normalize(dist.metadata["Name"]) for dist in runtime_distributions()}


def test_the_runtime_closure_of_hearth() -> None:
    found = names()
    # Direct requirements, and requirements of requirements.
    for name in ("hearth", "llama-cpp-python", "pyside6", "jinja2", "pillow", "apsw"):
        assert name in found
    assert "markupsafe" in found  # via jinja2
    assert "shiboken6" in found  # via PySide6
    # Dev tools are an extra, never part of the build.
    for dev in ("pytest", "mypy", "ruff", "hypothesis", "import-linter"):
        assert dev not in found


def test_every_component_names_a_licence() -> None:
    components = bundled_licenses()
    assert normalize(components[0].name) == "hearth"
    assert components[0].license == "Apache-2.0"
    assert components[0].version == metadata.version("hearth")
    for component in components:
        assert component.version == metadata.version(component.name)
        assert component.license
    by_name = {normalize(c.name): c for c in components}
    assert len(by_name) == len(components)  # no duplicates
    assert "BSD" in by_name["jinja2"].license
    assert "LGPL" in by_name["pyside6"].license or "LGPL" in by_name["pyside6-essentials"].license


def test_licence_texts_come_from_the_dist_info() -> None:
    jinja = describe(metadata.distribution("jinja2"))
    assert jinja.texts, "Jinja2's wheel ships its LICENSE in the dist-info"
    assert any("Redistribution and use" in text.text for text in jinja.texts)
    with_text = [c for c in bundled_licenses() if c.texts]
    assert len(with_text) >= len(bundled_licenses()) // 2


def write_dist(root: Path, name: str, headers: list[str], files: dict[str, str]) -> Path:
    info = root / f"{name}-1.0.dist-info"
    info.mkdir(parents=True)
    body = "\n".join(["Metadata-Version: 2.4", f"Name: {name}", "Version: 1.0", *headers])
    (info / "METADATA").write_text(body + "\n\nLong description.\n", encoding="utf-8")
    record = [f"{info.name}/METADATA,,"]
    for relative, text in files.items():
        path = info / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        record.append(f"{info.name}/{relative},,")
    (info / "RECORD").write_text("\n".join(record) + "\n", encoding="utf-8")
    return info


def describe_at(info: Path) -> ComponentLicense:
    return describe(metadata.PathDistribution(info))


def test_label_prefers_the_spdx_expression(tmp_path: Path) -> None:
    info = write_dist(
        tmp_path,
        "spdx",
        [
            "License-Expression: MIT OR Apache-2.0",
            "License: something older",
            "Classifier: License :: OSI Approved :: MIT License",
            "License-File: LICENSE-MIT",
        ],
        {"licenses/LICENSE-MIT": "MIT text\n", "licenses/LICENSE-APACHE": "Apache text\n"},
    )
    component = describe_at(info)
    assert component.license == "MIT OR Apache-2.0"
    assert sorted(t.name for t in component.texts) == [
        "licenses/LICENSE-APACHE",
        "licenses/LICENSE-MIT",
    ]


def test_label_falls_back_to_classifiers_when_the_field_is_a_whole_text(tmp_path: Path) -> None:
    pasted = "Copyright (c) someone. " * 10  # one long line: a pasted licence, not a name
    info = write_dist(
        tmp_path,
        "pasted",
        [
            f"License: {pasted}",
            "Classifier: License :: OSI Approved :: BSD License",
            "Classifier: Programming Language :: Python",
        ],
        {"COPYING": "BSD text\n", "README": "not a licence\n"},
    )
    component = describe_at(info)
    assert component.license == "BSD License"
    assert [t.name for t in component.texts] == ["COPYING"]


def test_a_package_that_states_nothing(tmp_path: Path) -> None:
    info = write_dist(tmp_path, "silent", ["License: UNKNOWN"], {})
    component = describe_at(info)
    assert component.license == "UNKNOWN"
    assert component.texts == ()
    assert describe_at(write_dist(tmp_path / "b", "bare", [], {})).license == (
        "not stated in its metadata"
    )


def test_a_licence_file_listed_but_missing_is_skipped(tmp_path: Path) -> None:
    info = write_dist(tmp_path, "partial", ["License: MIT"], {"LICENSE": "MIT\n"})
    record = info / "RECORD"
    record.write_text(record.read_text() + f"{info.name}/NOTICE,,\n", encoding="utf-8")
    assert [t.name for t in describe_at(info).texts] == ["LICENSE"]


def test_the_notes_metadata_cannot_carry() -> None:
    by_license = {note.license: note for note in NOTES}
    qt = by_license["LGPL-3.0-only"]
    assert "replace them" in qt.text and "PySide6/Qt/lib" in qt.text
    assert len(qt.texts()) == 2
    assert "Permission is hereby granted" in by_license["MIT"].text
    gemma = by_license["Gemma Terms of Use"]
    assert "https://ai.google.dev/gemma/terms" in gemma.text


def test_the_model_packages_point_at_the_gemma_note() -> None:
    models = [c for c in bundled_licenses() if normalize(c.name).startswith("gemma3-270m")]
    assert len(models) == 5  # the assembler and its four chunk packages
    for component in models:
        # Their metadata has no licence field; the weights are under the Gemma terms.
        assert metadata.distribution(component.name).metadata.get("License") is None
        assert component.license == "Gemma Terms of Use (see its note)"


def test_hearth_and_qt_come_with_their_full_texts() -> None:
    hearth = bundled_licenses()[0]
    assert any("Apache License" in text.text for text in hearth.texts)
    qt = next(note for note in NOTES if note.license == "LGPL-3.0-only")
    texts = {text.name: text.text for text in qt.texts()}
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in texts["LGPL-3.0.txt"]
    assert "GNU GENERAL PUBLIC LICENSE" in texts["GPL-3.0.txt"]


def test_pyside6_without_licence_files_gets_the_qt_note() -> None:
    by_name = {normalize(c.name): c for c in bundled_licenses()}
    for name in ("pyside6", "pyside6-essentials", "shiboken6"):
        component = by_name[name]
        assert component.texts == ()  # the wheels carry none
        assert "LGPL-3.0-only" in component.license  # the label stays the metadata's
        note = note_for(component)
        assert note is not None and note.license == "LGPL-3.0-only"
    assert note_for(by_name["jinja2"]) is None
