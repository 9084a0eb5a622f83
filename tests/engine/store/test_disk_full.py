"""T07: a real full disk (ENOSPC on a tiny tmpfs), not just SQLite's page cap.

Needs unprivileged user + mount namespaces (``unshare -rm``), available on most Linux CI
runners; skipped elsewhere. The page-cap variant (T06) is in test_recorder.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from store_testing import HERE, child_env


def _unshare_works() -> bool:
    if sys.platform != "linux" or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt || exit 1"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


@pytest.mark.skipif(not _unshare_works(), reason="needs unprivileged mount namespaces")
def test_real_enospc_is_friendly_and_recoverable(tmp_path: Path) -> None:
    data_dir = tmp_path / "tiny"
    data_dir.mkdir()
    script = (
        f"mount -t tmpfs -o size=3m,mode=0700 tmpfs '{data_dir}' && "
        f"exec '{sys.executable}' '{HERE / 'enospc_child.py'}' '{data_dir}'"
    )
    result = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script],
        capture_output=True,
        text=True,
        env=child_env(),
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert "is full" in seen["sqlite_error"]
    assert "nothing already saved was lost" in seen["sqlite_error"]
    assert "is full" in seen["attachment_error"]
    assert seen["kept_intact"] is True
    assert seen["check_while_full"] == []
    assert seen["works_again"] == "after space returned"
    assert seen["check_after"] == []
