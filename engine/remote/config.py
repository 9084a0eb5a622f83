"""The remote engines file (``remote-engines.toml``): typed, versioned, never fatal to read.

Layout (one ``[[endpoint]]`` table per engine, in the order the user made them)::

    schema_version = 1

    [[endpoint]]
    name = "Workstation"
    base_url = "http://192.168.1.20:8080"
    model = "gemma-3-27b-it"
    ...

Reading never fails: a damaged file is moved aside, an endpoint with a bad value is skipped
with a warning (the others are kept), unknown keys are dropped. Written atomically, mode 0600.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import time
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from engine.errors import HearthError
from engine.remote.endpoint import EndpointError, RemoteEndpoint
from engine.settings import dump_toml

__all__ = [
    "ENDPOINTS_SCHEMA_VERSION",
    "LoadedEndpoints",
    "find_endpoint",
    "load_endpoints",
    "save_endpoints",
]

ENDPOINTS_SCHEMA_VERSION: Final = 1
_FIELDS: Final = {spec.name: spec for spec in dataclasses.fields(RemoteEndpoint)}
# ENDPOINT_MIGRATIONS[n] upgrades the raw dict of a version-n file to version n + 1.
Migration = Callable[[dict[str, Any]], dict[str, Any]]
ENDPOINT_MIGRATIONS: Final[Mapping[int, Migration]] = {}


@dataclass(frozen=True)
class LoadedEndpoints:
    endpoints: tuple[RemoteEndpoint, ...] = ()
    warnings: tuple[str, ...] = ()
    writable: bool = True


def find_endpoint(endpoints: Sequence[RemoteEndpoint], name: str) -> RemoteEndpoint:
    for endpoint in endpoints:
        if endpoint.name.casefold() == name.strip().casefold():
            return endpoint
    known = ", ".join(e.name for e in endpoints) or "none is configured"
    raise EndpointError(f"There is no remote engine called {name!r} ({known}).")


def load_endpoints(path: Path) -> LoadedEndpoints:
    """Read the engines file; a missing file means no remote engines."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return LoadedEndpoints()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        return LoadedEndpoints((), (f"{path.name} could not be read ({reason}).",), False)
    try:
        raw: dict[str, Any] = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        moved = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        try:
            os.replace(path, moved)
        except OSError:
            return LoadedEndpoints((), (f"{path.name} is damaged ({exc}).",), False)
        return LoadedEndpoints((), (f"{path.name} was damaged ({exc}); moved to {moved.name}.",))
    warnings: list[str] = []
    version = raw.get("schema_version", ENDPOINTS_SCHEMA_VERSION)
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        warnings.append(f"{path.name}: schema_version {version!r} is not valid.")
        version = ENDPOINTS_SCHEMA_VERSION
    writable = version <= ENDPOINTS_SCHEMA_VERSION
    if not writable:
        warnings.append(f"{path.name} comes from a newer Hearth; changes will not be saved.")
    while version < ENDPOINTS_SCHEMA_VERSION and version in ENDPOINT_MIGRATIONS:
        raw = ENDPOINT_MIGRATIONS[version](raw)
        version += 1
    tables = raw.get("endpoint", [])
    if not isinstance(tables, list):
        tables = []
        warnings.append(f"{path.name}: 'endpoint' must be a list of tables; it was ignored.")
    endpoints: list[RemoteEndpoint] = []
    for number, table in enumerate(tables, start=1):
        if not isinstance(table, dict):
            continue
        values = {key: value for key, value in table.items() if key in _FIELDS}
        for key in sorted(set(table) - set(_FIELDS)):
            warnings.append(f"{path.name}: endpoint {number}: unknown setting {key} ignored.")
        try:
            endpoint = RemoteEndpoint(**values)
        except (EndpointError, TypeError) as exc:
            warnings.append(f"{path.name}: endpoint {number} was skipped: {exc}")
            continue
        if any(e.name.casefold() == endpoint.name.casefold() for e in endpoints):
            warnings.append(f"{path.name}: a second engine named {endpoint.name!r} was skipped.")
            continue
        endpoints.append(endpoint)
    return LoadedEndpoints(tuple(endpoints), tuple(warnings), writable)


def dump_endpoints(endpoints: Sequence[RemoteEndpoint]) -> str:
    parts = [dump_toml({"": {"schema_version": ENDPOINTS_SCHEMA_VERSION}})]
    for endpoint in endpoints:
        parts.append("[[endpoint]]\n" + dump_toml({"": dataclasses.asdict(endpoint)}))
    return "\n".join(parts)


def save_endpoints(path: Path, endpoints: Sequence[RemoteEndpoint]) -> None:
    """Write the engines file atomically, readable by the user only.

    Raises:
        HearthError: two engines share a name, or the file could not be written.
    """
    names = [e.name.casefold() for e in endpoints]
    if len(set(names)) != len(names):
        raise HearthError("Two remote engines have the same name; give each its own.")
    text = dump_endpoints(endpoints)
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
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise HearthError(f"Could not save the remote engines to {path}: {reason}.") from exc
    finally:
        if temp_name is not None:
            Path(temp_name).unlink(missing_ok=True)
