"""Benchmarks (``make bench``): the speed targets of issue 14, measured here, never asserted by timed tests.

Prints one line per target with the measured value and the target; exits non-zero when one is missed.
``python bench/run.py P-2 P-3`` runs some of them (P-1 is needed by P-4: the cold build is its yardstick).

- P-1 cold ``cartrepro build`` of the shipped cohorts vs Jupyter Book's own ``execute_notebooks: force``
  build of the same notebooks and pages (built here, in a temporary copy): ratio <= 0.30
- P-2 a rebuild with nothing changed: <= 3 s
- P-3 ``cartrepro results`` on the shipped cohorts: <= 5 s
- P-4 a 10,000-patient P1 cohort with 300 P2 patients: cold build <= 1.5 x P-1's, every kernel's peak RSS
  <= 1 GiB
- P-5 ``make test`` <= 4 min; the fast set (``-m "not slow"``) <= 60 s. Each run's CPU is printed beside its
  time, and for ``make test`` where it went (bench/cpu_per_test.py): the whole-book builds, by test, and the rest
- ``stats``: validation and Kaplan-Meier at 10,000 rows, one review ensemble member (bench/bench_stats.py)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
GIB = 1024**3


def _children_cpu() -> float:
    """CPU seconds (user + system) of every finished child process so far, their own children included."""
    import resource

    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _timed(command: list[str], **kwargs) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, **kwargs)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{tail}")
    return seconds, done


class PeakKernelRSS:
    """Polls the process tree of a command and keeps the largest resident size of any kernel."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()

    def run(self, command: list[str]) -> float:
        import psutil

        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        root = psutil.Process(process.pid)
        while process.poll() is None:
            try:
                for child in root.children(recursive=True):
                    try:
                        if "ipykernel" in " ".join(child.cmdline()):
                            self.peak = max(self.peak, child.memory_info().rss)
                    except psutil.Error:
                        pass
            except psutil.Error:
                pass
            time.sleep(0.1)
        seconds = time.perf_counter() - start
        if process.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{process.stderr.read()[-2000:]}")
        return seconds


def cold_build(tmp: Path) -> float:
    seconds, _ = _timed([str(BIN / "cartrepro"), "build", "--out", str(tmp / "cold")])
    return seconds


def jupyter_book_baseline(tmp: Path) -> float:
    """Jupyter Book executing the same text notebooks itself (jupytext), rendering the same pages."""
    staged = tmp / "cold" / ".stage" / "src"
    book = tmp / "jb"
    shutil.copytree(staged, book, ignore=shutil.ignore_patterns("*.ipynb"))
    shipped = str(REPO / "data" / "reconstructed")
    for source in (REPO / "notebooks").glob("*.py"):  # Jupyter Book runs each notebook in its own folder:
        text = source.read_text(encoding="utf-8")    # the default data folder given absolute, nothing else changed
        (book / "notebooks" / source.name).write_text(
            text.replace('data_dir = "data/reconstructed"', f"data_dir = {shipped!r}", 1), encoding="utf-8")
    config = yaml.safe_load((book / "_config.yml").read_text())
    config["execute"] = {"execute_notebooks": "force", "timeout": -1}
    config.setdefault("sphinx", {}).setdefault("config", {})["nb_custom_formats"] = {
        ".py": ["jupytext.reads", {"fmt": "py:percent"}]}
    (book / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    seconds, _ = _timed([str(BIN / "jupyter-book"), "build", str(book), "--path-output", str(tmp / "jb-out")],
                        env={**os.environ, "PYTHONHASHSEED": "0"})
    failed = sorted(p.name for p in (tmp / "jb-out" / "_build" / "html" / "reports").rglob("*.err.log"))
    if failed:
        raise RuntimeError(f"the Jupyter Book baseline failed to execute: {', '.join(failed)}")
    return seconds


def make_test_with_cpu(folder: Path) -> tuple[float, float, tuple]:
    """``make test`` with bench/cpu_per_test.py loaded in every test process: (seconds, CPU seconds of the
    whole run, cpu_per_test.summary of where it went)."""
    from cpu_per_test import ENV, summary

    folder.mkdir()
    env = {**os.environ, ENV: str(folder),
           "PYTEST_ADDOPTS": f"{os.environ.get('PYTEST_ADDOPTS', '')} -p cpu_per_test".strip(),
           "PYTHONPATH": os.pathsep.join(p for p in (str(REPO / "bench"), os.environ.get("PYTHONPATH")) if p)}
    before = _children_cpu()
    seconds, _ = _timed(["make", "test"], env=env)
    return seconds, _children_cpu() - before, summary(folder)


def cpu_lines(whole_cpu: float, cores: int, builds: list[list], build_cpu: float, other_cpu: float) -> list[str]:
    """Where ``make test``'s CPU went, and the least time it can take on ``cores`` cores whatever the schedule."""
    grouped: dict[str, list[float]] = {}
    for nodeid, cpu in builds:
        grouped.setdefault(nodeid.split("[")[0].split("::")[-1] or "(outside a test)", []).append(cpu)
    lines = [f"on {cores} cores no schedule takes less than CPU / cores = {whole_cpu / cores:.0f} s",
             f"{len(builds)} runs of the build pipeline (whole books, changed notebooks, refused data): "
             f"{build_cpu:.0f} s CPU; the tests apart from their builds: "
             f"{other_cpu:.0f} s; start-up, collection and ruff: {whole_cpu - build_cpu - other_cpu:.0f} s"]
    for name, cpus in sorted(grouped.items(), key=lambda item: -sum(item[1])):
        lines.append(f"  {sum(cpus):5.0f} s CPU  {name}" + (f" ({len(cpus)} builds)" if len(cpus) > 1 else ""))
    return lines


def main(selected: list[str]) -> int:
    from cartrepro.paths import SHIPPED_DATA_DIR

    want = set(selected) or {"P-1", "P-2", "P-3", "P-4", "P-5", "stats"}
    if "P-4" in want:
        want.add("P-1")
    lines: list[tuple[str, str, bool]] = []
    tmp = Path(tempfile.mkdtemp(prefix="cartrepro-bench-"))

    def report(name: str, measured: str, target: str, ok: bool) -> None:
        lines.append((name, measured, ok))
        print(f"{'ok  ' if ok else 'MISS'} {name}: {measured} (target {target})", flush=True)

    try:
        cold = None
        if "P-1" in want:
            cold = cold_build(tmp)
            baseline = jupyter_book_baseline(tmp)
            ratio = cold / baseline
            report("P-1 cold build / Jupyter Book execute_notebooks: force", f"{cold:.1f} s / {baseline:.1f} s = "
                   f"{ratio:.2f}", "<= 0.30", ratio <= 0.30)
        if "P-2" in want:
            out = tmp / "cold"
            if not out.exists():
                cold_build(tmp)
            seconds, _ = _timed([str(BIN / "cartrepro"), "build", "--out", str(out)])
            report("P-2 rebuild, nothing changed", f"{seconds:.1f} s", "<= 3 s", seconds <= 3)
        if "P-3" in want:
            seconds, _ = _timed([str(BIN / "cartrepro"), "results", "--out", str(tmp / "results.json")])
            report("P-3 cartrepro results, shipped cohorts", f"{seconds:.1f} s", "<= 5 s", seconds <= 5)
        if "P-4" in want:
            from cartrepro.reconstruct.scaled import scaled_cohort

            data = scaled_cohort(tmp / "scaled", {"car1922": 10_000, "cd22": 300})
            meter = PeakKernelRSS()
            seconds = meter.run([str(BIN / "cartrepro"), "build", "--data", str(data), "--out", str(tmp / "big")])
            report("P-4 10,000 + 300 patients, cold build / shipped cold build", f"{seconds:.1f} s / {cold:.1f} s = "
                   f"{seconds / cold:.2f}", "<= 1.5", seconds / cold <= 1.5)
            report("P-4 peak kernel RSS", f"{meter.peak / GIB:.2f} GiB", "<= 1 GiB", meter.peak <= GIB)
        if "P-5" in want:
            # the CPU each run used (all processes) beside its time: on a machine of n cores a run cannot take
            # less than CPU / n, whatever the scheduling
            cores = os.cpu_count() or 1
            cpu = _children_cpu()
            fast, _ = _timed(["make", "test-fast"])
            fast_cpu = _children_cpu() - cpu
            report("P-5 fast tests (-m 'not slow')", f"{fast:.0f} s ({fast_cpu:.0f} s CPU on {cores} cores)",
                   "<= 60 s", fast <= 60)
            whole, whole_cpu, builds = make_test_with_cpu(tmp / "test-cpu")
            report("P-5 make test", f"{whole:.0f} s ({whole_cpu:.0f} s CPU on {cores} cores)", "<= 240 s",
                   whole <= 240)
            for line in cpu_lines(whole_cpu, cores, *builds):
                print(f"     {line}", flush=True)
        if "stats" in want:
            from bench_stats import bench_ensemble_member, bench_km_10k, bench_validate_10k

            seconds = bench_validate_10k(tmp, SHIPPED_DATA_DIR)
            report("validate a 10,000-row cd22 table", f"{seconds:.3f} s", "<= 1.0 s", seconds <= 1.0)
            seconds = bench_km_10k()
            report("Kaplan-Meier on 10,000 patients", f"{seconds:.3f} s", "<= 0.2 s", seconds <= 0.2)
            seconds = bench_ensemble_member(tmp)
            report("review ensemble: one cd22 member (generate + analyse)", f"{seconds:.1f} s", "<= 120 s",
                   seconds <= 120)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if all(ok for _, _, ok in lines) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
