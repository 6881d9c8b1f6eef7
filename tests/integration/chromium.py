"""Debian's headless chromium for the browser tests: its path and the flags this closed network needs."""

import os
import shutil

import pytest

FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run"]


def chromium_or_skip() -> str:
    """The chromium executable; skips the calling test module where it is absent (an error on CI)."""
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(path):
        if os.environ.get("CI"):
            raise RuntimeError("CI needs Debian's chromium for the browser test (.ci/run installs it)")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)
    return path
