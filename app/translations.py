"""Qt translations: ``.ts`` sources in resources/i18n, compiled to ``.qm`` at setup time, and
switched at runtime.

``python -m app.translations --compile`` runs ``pyside6-lrelease`` over every ``.ts`` file
(the ``.qm`` files are build products and are not committed). ``--update`` runs
``pyside6-lupdate`` over ``app/`` to refresh the sources after UI strings change.
``LanguageManager`` installs Hearth's and Qt's own translators; Qt then sends
``QEvent.LanguageChange`` to every widget, which retranslates itself.
"""

from __future__ import annotations

import argparse
import locale
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QObject, QTranslator

I18N_DIR = Path(__file__).resolve().parent.parent / "resources" / "i18n"
APP_DIR = Path(__file__).resolve().parent
LANGUAGES = ("en", "zh_CN", "ja")
"""UI languages; English is the source language (its file only has plural forms)."""
LANGUAGE_NAMES = {"en": "English", "zh_CN": "简体中文", "ja": "日本語"}


def _tool(name: str) -> str:
    """Qt's ``lupdate``/``lrelease`` shipped inside the PySide6 wheel.

    The ``pyside6-*`` wrapper scripts need ``PySide6.__file__``, which is None when PySide6 is
    installed as a namespace package (split Essentials/Addons wheels), so the binaries are
    located directly; the wrappers are the fallback.
    """
    import PySide6

    for folder in PySide6.__path__:
        candidate = Path(folder) / name
        if candidate.is_file():
            return str(candidate)
    wrapper = f"pyside6-{name}"
    return shutil.which(wrapper) or str(Path(sys.executable).parent / wrapper)


def compile_all(directory: Path = I18N_DIR) -> list[Path]:
    sources = sorted(directory.glob("*.ts"))
    if not sources:
        return []
    tool = _tool("lrelease")
    outputs = []
    for source in sources:
        target = source.with_suffix(".qm")
        subprocess.run([tool, "-silent", str(source), "-qm", str(target)], check=True)
        outputs.append(target)
    return outputs


def update_sources(directory: Path = I18N_DIR) -> list[Path]:
    """Re-extract the translatable strings of app/ into every .ts file."""
    directory.mkdir(parents=True, exist_ok=True)
    files = sorted(str(p) for p in APP_DIR.rglob("*.py"))
    targets = [directory / f"hearth_{code}.ts" for code in LANGUAGES]
    for code, target in zip(LANGUAGES, targets, strict=True):
        # English is the source language: its file only holds the plural forms ("1 page").
        extra = ["-pluralonly"] if code == "en" else []
        subprocess.run(
            [
                _tool("lupdate"),
                "-silent",
                "-no-obsolete",
                *extra,
                *files,
                "-target-language",
                code,
                "-ts",
                str(target),
            ],
            check=True,
        )
    return targets


def system_language() -> str:
    """The supported UI language closest to the system's, or English."""
    name = QLocale.system().name() or (locale.getlocale()[0] or "")
    if name.startswith("zh"):
        return "zh_CN"
    if name.startswith("ja"):
        return "ja"
    return "en"


class LanguageManager(QObject):
    """Installs the translators of one language at a time."""

    def __init__(self, app: QCoreApplication, directory: Path = I18N_DIR) -> None:
        super().__init__(app)
        self._app = app
        self._directory = directory
        self._installed: list[QTranslator] = []
        self.current: str | None = None

    def set_language(self, choice: str) -> str:
        """Switch to ``choice`` ("system" or a code of ``LANGUAGES``); returns the code used.

        A missing .qm file (translations not compiled) leaves the UI in English.
        """
        code = system_language() if choice == "system" else choice
        if code not in LANGUAGES:
            code = "en"
        if code == self.current:
            return code
        for translator in self._installed:
            self._app.removeTranslator(translator)
        self._installed = []
        own = QTranslator(self)
        if own.load(str(self._directory / f"hearth_{code}.qm")):
            self._installed.append(own)
        if code != "en":
            qt = QTranslator(self)
            qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            if qt.load(f"qtbase_{code}", qt_dir):
                self._installed.append(qt)
        for translator in self._installed:
            self._app.installTranslator(translator)
        QLocale.setDefault(QLocale(code if code != "en" else "en_US"))
        self.current = code
        return code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--compile", action="store_true", help="build the .qm files")
    parser.add_argument("--update", action="store_true", help="refresh the .ts sources")
    args = parser.parse_args()
    if args.update:
        for path in update_sources():
            print(f"updated {path.name}")
    if args.compile:
        for path in compile_all():
            print(f"compiled {path.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
