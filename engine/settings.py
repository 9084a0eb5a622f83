"""User settings, declared once: a typed frozen dataclass stored as a small TOML file.

The file (``AppPaths.settings_path``) is read with ``tomllib`` and written by the tiny writer
below (flat tables of strings, numbers and booleans), atomically and private to the user.
Loading never fails: a corrupt file is renamed aside and defaults are used; a value of the wrong
type or out of range falls back to its default; unknown keys are dropped. Every such repair is
reported in ``LoadedSettings.warnings``. A file written by a newer Hearth is read as far as
possible and never overwritten.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import tempfile
import time
import tomllib
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal, Union, get_args, get_origin, get_type_hints

from engine.chat.sampling import (
    MIN_P_RANGE,
    REPEAT_PENALTY_RANGE,
    SAMPLING_PRESETS,
    TEMPERATURE_RANGE,
    TOP_K_RANGE,
    TOP_P_RANGE,
    SamplingParams,
)
from engine.errors import HearthError
from engine.worker.threads import default_thread_count

__all__ = [
    "MIGRATIONS",
    "SAMPLING_PRESETS",
    "SCHEMA_VERSION",
    "LoadedSettings",
    "SamplingParams",
    "Settings",
    "dump_toml",
    "load_settings",
    "save_settings",
]

SCHEMA_VERSION: Final = 1

PresetName = Literal["gemma", "precise", "creative", "custom"]
KVCacheType = Literal["f16", "q8_0"]
PanAndScan = Literal["auto", "off"]
Theme = Literal["system", "light", "dark"]
Language = Literal["system", "en", "zh_CN", "ja"]
# "auto": the model's own chat template; else a format chosen for a model without a usable one
# (engine.chat.template.KNOWN_FORMATS).
PromptFormatName = Literal["auto", "chatml", "llama3", "gemma", "mistral", "plain"]


def _meta(section: str, bounds: tuple[float, float] | None = None) -> dict[str, object]:
    """Field metadata of one setting: its TOML table and (for numbers) its inclusive range."""
    return {"section": section, "bounds": bounds}


@dataclass(frozen=True)
class Settings:
    """Everything the user can set. Construct with keywords; invalid values raise ValueError."""

    schema_version: int = field(default=SCHEMA_VERSION, metadata=_meta(""))
    # [model]
    model_path: str | None = field(default=None, metadata=_meta("model"))
    mmproj_path: str | None = field(default=None, metadata=_meta("model"))
    context_size: int = field(default=8192, metadata=_meta("model", (512, 131072)))
    # None: as many threads as physical cores.
    threads: int | None = field(default=None, metadata=_meta("model", (1, 1024)))
    kv_cache_type: KVCacheType = field(default="f16", metadata=_meta("model"))
    swa_full: bool = field(default=False, metadata=_meta("model"))
    checkpoint_budget_mib: int = field(default=256, metadata=_meta("model", (0, 65536)))
    # The prompt format of the chosen model; reset to "auto" when another model is chosen.
    prompt_format: PromptFormatName = field(default="auto", metadata=_meta("model"))
    # "": the local worker; otherwise the name of a remote engine (remote-engines.toml).
    remote_engine: str = field(default="", metadata=_meta("model"))
    # [generation]
    sampling_preset: PresetName = field(default="gemma", metadata=_meta("generation"))
    custom_temperature: float = field(default=1.0, metadata=_meta("generation", TEMPERATURE_RANGE))
    custom_top_k: int = field(default=64, metadata=_meta("generation", TOP_K_RANGE))
    custom_top_p: float = field(default=0.95, metadata=_meta("generation", TOP_P_RANGE))
    custom_min_p: float = field(default=0.0, metadata=_meta("generation", MIN_P_RANGE))
    custom_repeat_penalty: float = field(
        default=1.0, metadata=_meta("generation", REPEAT_PENALTY_RANGE)
    )
    max_tokens: int = field(default=1024, metadata=_meta("generation", (1, 131072)))
    system_prompt: str = field(default="", metadata=_meta("generation"))
    # [vision]
    pan_and_scan: PanAndScan = field(default="auto", metadata=_meta("vision"))
    # Decode big JPEGs at 1/2-1/8 scale (faster, pixels only close to the reference's).
    vision_fast_jpeg_decode_approximate: bool = field(default=False, metadata=_meta("vision"))
    # [appearance]
    theme: Theme = field(default="system", metadata=_meta("appearance"))
    language: Language = field(default="system", metadata=_meta("appearance"))
    # 0: the system's font size.
    font_size: int = field(default=0, metadata=_meta("appearance", (0, 72)))
    # [downloads] Where the model manager downloads catalogue models from (only on a click).
    download_base_url: str = field(default="https://huggingface.co", metadata=_meta("downloads"))

    # [api_server] Hearth's own OpenAI-compatible API on 127.0.0.1 only. Off: no socket opens.
    api_server_enabled: bool = field(default=False, metadata=_meta("api_server"))
    api_server_port: int = field(default=8642, metadata=_meta("api_server", (1024, 65535)))
    api_server_max_body_mib: int = field(default=24, metadata=_meta("api_server", (1, 1024)))
    # Requests waiting for the worker beyond the one it serves; more get 503 + Retry-After.
    api_server_queue_limit: int = field(default=8, metadata=_meta("api_server", (0, 1024)))

    def __post_init__(self) -> None:
        for spec in dataclasses.fields(self):
            value = getattr(self, spec.name)
            if _coerce(value, _HINTS[spec.name], spec.metadata.get("bounds")) is _INVALID:
                raise ValueError(f"{spec.name} cannot be {value!r}")

    def sampling(self) -> SamplingParams:
        """The sampling parameters of the chosen preset (or the custom values)."""
        if self.sampling_preset != "custom":
            return SAMPLING_PRESETS[self.sampling_preset]
        return SamplingParams(
            temperature=self.custom_temperature,
            top_k=self.custom_top_k,
            top_p=self.custom_top_p,
            min_p=self.custom_min_p,
            repeat_penalty=self.custom_repeat_penalty,
        )

    def resolved_threads(self) -> int:
        """The thread count to use: the setting, or the physical cores when it is automatic."""
        return self.threads if self.threads is not None else default_thread_count()


_HINTS: Final[Mapping[str, Any]] = get_type_hints(Settings)
_INVALID: Final = object()

# MIGRATIONS[n] upgrades the raw TOML dict (tables as nested dicts) of a version-n file to
# version n + 1. Version 0 is a file from before settings were versioned.
Migration = Callable[[dict[str, Any]], dict[str, Any]]
MIGRATIONS: Final[Mapping[int, Migration]] = types.MappingProxyType({})


def _coerce(value: object, hint: Any, bounds: tuple[float, float] | None) -> object:
    """``value`` converted to the type ``hint`` and checked against ``bounds``, or ``_INVALID``."""
    origin = get_origin(hint)
    if origin is Literal:
        return value if value in get_args(hint) and isinstance(value, str) else _INVALID
    if origin in (Union, types.UnionType):
        if value is None and type(None) in get_args(hint):
            return None
        inner = [arg for arg in get_args(hint) if arg is not type(None)]
        return _coerce(value, inner[0], bounds) if len(inner) == 1 else _INVALID
    if hint is bool:
        return value if isinstance(value, bool) else _INVALID
    if isinstance(value, bool):
        return _INVALID
    if hint is int:
        converted: object = value if isinstance(value, int) else _INVALID
    elif hint is float:
        ok = isinstance(value, int | float) and math.isfinite(value)
        converted = float(value) if ok else _INVALID  # type: ignore[arg-type]
    elif hint is str:
        converted = value if isinstance(value, str) else _INVALID
    else:  # pragma: no cover - a field of a type this function does not know
        raise TypeError(f"unsupported setting type {hint!r}")
    if converted is not _INVALID and bounds is not None:
        low, high = bounds
        if not low <= converted <= high:  # type: ignore[operator]
            return _INVALID
    return converted


@dataclass(frozen=True)
class LoadedSettings:
    """The result of reading the settings file.

    Attributes:
        settings: usable settings (defaults wherever the file was missing or wrong).
        warnings: one sentence per repair made while reading.
        writable: False when the file comes from a newer Hearth and must not be overwritten.
        moved_aside: where a corrupt file was moved, if it was.
    """

    settings: Settings
    warnings: tuple[str, ...] = ()
    writable: bool = True
    moved_aside: Path | None = None


def _move_aside(path: Path) -> Path | None:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{counter}")
    try:
        os.replace(path, target)
    except OSError:
        return None
    return target


def _migrate(
    raw: dict[str, Any], version: int, migrations: Mapping[int, Migration]
) -> tuple[dict[str, Any], list[str]]:
    warnings: list[str] = []
    while version < SCHEMA_VERSION:
        step = migrations.get(version)
        if step is None:
            warnings.append(
                f"No upgrade is known from settings version {version}; its values are read as is."
            )
            break
        raw = step(raw)
        version += 1
    return raw, warnings


def _flatten(raw: Mapping[str, Any], name: str) -> tuple[dict[str, object], list[str]]:
    """Pick each setting from its table; report everything else as dropped."""
    sections = {spec.name: spec.metadata["section"] for spec in dataclasses.fields(Settings)}
    tables = set(sections.values()) - {""}
    values: dict[str, object] = {}
    dropped: list[str] = []
    for key, value in raw.items():
        if key in tables and isinstance(value, dict):
            for inner, inner_value in value.items():
                if sections.get(inner) == key:
                    values[inner] = inner_value
                else:
                    dropped.append(f"{key}.{inner}")
        elif sections.get(key) == "":
            values[key] = value
        else:
            dropped.append(key)
    warnings = [f"{name}: the unknown setting {key} was ignored." for key in dropped]
    return values, warnings


def load_settings(
    path: Path, *, migrations: Mapping[int, Migration] = MIGRATIONS
) -> LoadedSettings:
    """Read the settings file at ``path``; never raises for a bad or missing file."""
    name = path.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return LoadedSettings(Settings())
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return LoadedSettings(
            Settings(), (f"{name} could not be read ({reason}); using the defaults.",), False
        )
    try:
        raw: dict[str, Any] = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        moved = _move_aside(path)
        where = f"it was moved to {moved.name}" if moved else "it could not be moved aside"
        return LoadedSettings(
            Settings(),
            (f"{name} was damaged ({exc}); {where} and the defaults are used.",),
            moved is not None,
            moved,
        )

    warnings: list[str] = []
    version = raw.get("schema_version", SCHEMA_VERSION)
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        warnings.append(f"{name}: schema_version {version!r} is not valid; reading it as current.")
        version = SCHEMA_VERSION
    writable = version <= SCHEMA_VERSION
    if not writable:
        warnings.append(
            f"{name} was written by a newer Hearth (settings version {version}); it is read as far "
            "as possible and changes will not be saved."
        )
    raw, migration_warnings = _migrate(raw, version, migrations)
    warnings += migration_warnings
    values, flatten_warnings = _flatten(raw, name)
    warnings += flatten_warnings

    chosen: dict[str, object] = {}
    for spec in dataclasses.fields(Settings):
        if spec.name == "schema_version" or spec.name not in values:
            continue
        value = _coerce(values[spec.name], _HINTS[spec.name], spec.metadata.get("bounds"))
        if value is _INVALID:
            warnings.append(
                f"{name}: {spec.name} = {values[spec.name]!r} is not valid; "
                f"using the default ({spec.default!r})."
            )
        else:
            chosen[spec.name] = value
    return LoadedSettings(Settings(**chosen), tuple(warnings), writable)  # type: ignore[arg-type]


_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES: Final = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
                   "\r": "\\r"}  # fmt: skip


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _toml_string(key)


def _toml_string(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch < " " or ch == "\x7f":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def dump_toml(tables: Mapping[str, Mapping[str, object]]) -> str:
    """Write flat TOML: the ``""`` table's keys at the top, then one ``[table]`` per other key.

    ``None`` values are left out (TOML has no null); values are str, int, float or bool.
    """
    lines: list[str] = []
    for table, entries in tables.items():
        if table:
            if lines:
                lines.append("")
            lines.append(f"[{_toml_key(table)}]")
        lines.extend(
            f"{_toml_key(key)} = {_toml_value(value)}"
            for key, value in entries.items()
            if value is not None
        )
    return "\n".join(lines) + "\n"


def _as_tables(settings: Settings) -> dict[str, dict[str, object]]:
    tables: dict[str, dict[str, object]] = {}
    for spec in dataclasses.fields(settings):
        section = spec.metadata["section"]
        tables.setdefault(section, {})[spec.name] = getattr(settings, spec.name)
    tables[""]["schema_version"] = SCHEMA_VERSION
    return tables


def _on_disk_version(path: Path) -> int | None:
    try:
        raw = tomllib.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    version = raw.get("schema_version")
    return version if isinstance(version, int) and not isinstance(version, bool) else None


def save_settings(path: Path, settings: Settings) -> bool:
    """Write ``settings`` to ``path`` atomically (temp file, fsync, rename), mode 0600.

    Returns:
        False, without writing, when the file on disk comes from a newer Hearth; True otherwise.

    Raises:
        HearthError: the file could not be written (full disk, no permission...).
    """
    version = _on_disk_version(path)
    if version is not None and version > SCHEMA_VERSION:
        return False
    text = dump_toml(_as_tables(settings))
    temp_name: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(handle, "wb") as out:
            if hasattr(os, "fchmod"):
                os.fchmod(out.fileno(), 0o600)
            out.write(text.encode("utf-8"))
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp_name, path)
        temp_name = None
        if os.name == "posix":
            directory = os.open(path.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise HearthError(f"Could not save the settings to {path}: {reason}.") from exc
    finally:
        if temp_name is not None:
            Path(temp_name).unlink(missing_ok=True)
    return True
