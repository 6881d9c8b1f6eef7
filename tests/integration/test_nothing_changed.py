"""A rebuild with nothing changed (issue 14, P-2): no kernel, no render, and none of the heavy libraries imported."""

import json
import subprocess
import sys

from cartrepro.paths import REPO_ROOT

HEAVY = ("pandas", "pandera", "papermill", "jupyter_book", "matplotlib", "lifelines", "scipy", "nbclient", "sphinx")


def test_a_rebuild_with_nothing_changed_imports_no_heavy_library(built_book, tmp_path):
    out, _ = built_book
    script = ("import json, sys\nfrom cartrepro.build.cli import main\n"
              f"status = main(['build', '--out', {str(out)!r}])\n"
              "print(json.dumps([status, sorted({m.split('.')[0] for m in sys.modules})]))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO_ROOT, check=True)
    status, modules = json.loads(done.stdout.strip().splitlines()[-1])
    assert status == 0
    assert "nothing executed" in done.stdout and "not re-rendered" in done.stdout
    assert "executed (" not in done.stdout
    assert sorted(set(HEAVY) & set(modules)) == []
