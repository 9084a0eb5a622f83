"""What the window needs from the rest of Hearth, handed over in one constructor argument.

Nothing here is global: ``main`` builds one ``AppContext`` and tests build their own (with a
private data directory, the real store and the real worker).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.models.registry import ModelRegistry
from app.settings_controller import SettingsController
from app.theme import ThemeManager
from app.translations import LanguageManager
from app.ui_state import UiState
from engine.chat.engine import ChatEngine
from engine.paths import AppPaths
from engine.store import HistoryStore


@dataclass(frozen=True)
class AppContext:
    client: ChatEngine
    store: HistoryStore
    settings: SettingsController
    paths: AppPaths
    ui_state: UiState
    registry: ModelRegistry
    bundled_model: Path
    languages: LanguageManager | None = None
    themes: ThemeManager | None = None
