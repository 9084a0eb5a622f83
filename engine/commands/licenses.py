"""``hearth-cli licenses``: the licence of every component this copy of Hearth ships, read from
the distributions' metadata, and the notes for Qt, llama.cpp and the Gemma weights.
``--text NAME`` prints a component's licence files in full."""

from __future__ import annotations

import argparse
import json
from typing import Any

from engine.errors import HearthError
from engine.licenses import NOTES, bundled_licenses, normalize, note_for


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "licenses", help="list the licences of the libraries and the model Hearth ships"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--text", metavar="NAME", help="print one component's licence text")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    components = bundled_licenses()
    if args.text:
        wanted = normalize(args.text)
        for component in components:
            if normalize(component.name) == wanted:
                note = note_for(component)
                if not component.texts and note is not None:
                    print(f"{component.name}: see the note for {note.component}\n")
                    for text in note.texts():
                        print(f"==> {text.name} <==\n{text.text.rstrip()}\n")
                    return 0
                if not component.texts:
                    print(
                        f"{component.name} ships no licence file; its metadata says: "
                        f"{component.license}"
                    )
                for text in component.texts:
                    print(f"==> {component.name}: {text.name} <==\n{text.text.rstrip()}\n")
                return 0
        for note in NOTES:
            if wanted in normalize(note.component):
                print(f"{note.component} — {note.license}\n{note.url}\n\n{note.text}")
                for text in note.texts():
                    print(f"\n==> {text.name} <==\n{text.text.rstrip()}")
                return 0
        raise HearthError(
            f"{args.text!r} is not a component of this build; `hearth-cli licenses` lists them."
        )
    if args.json:
        report = {
            "components": [component.to_json() for component in components],
            "notes": [
                {"component": n.component, "license": n.license, "url": n.url} for n in NOTES
            ],
        }
        print(json.dumps(report, indent=2))
        return 0
    name_width = max((len(c.name) for c in components), default=4)
    version_width = max((len(c.version) for c in components), default=7)
    for c in components:
        print(f"{c.name:<{name_width}}  {c.version:<{version_width}}  {c.license}")
    print()
    for note in NOTES:
        print(f"{note.component}: {note.license} ({note.url})")
    return 0
