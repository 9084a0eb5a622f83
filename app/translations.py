"""Qt translations: ``.ts`` sources in resources/i18n compiled to ``.qm`` at setup time.

``python -m app.translations --compile`` runs ``pyside6-lrelease`` over every ``.ts`` file.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

I18N_DIR = Path(__file__).resolve().parent.parent / "resources" / "i18n"


def compile_all(directory: Path = I18N_DIR) -> list[Path]:
    sources = sorted(directory.glob("*.ts"))
    if not sources:
        return []
    tool = shutil.which("pyside6-lrelease") or str(Path(sys.executable).parent / "pyside6-lrelease")
    outputs = []
    for source in sources:
        target = source.with_suffix(".qm")
        subprocess.run([tool, "-silent", str(source), "-qm", str(target)], check=True)
        outputs.append(target)
    return outputs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--compile", action="store_true")
    args = parser.parse_args()
    if args.compile:
        for path in compile_all():
            print(f"compiled {path.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
