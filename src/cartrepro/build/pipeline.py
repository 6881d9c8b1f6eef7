"""The build: validate -> execute notebooks (papermill, parallel, cached) -> score -> render -> publish.

``build(data_dir, out_dir)`` is what ``cartrepro build`` and ``make book`` run. Nothing under
``out_dir/html``, ``results.json`` or ``scorecard.csv`` changes unless every step succeeded: all work
happens in ``out_dir/.stage`` and is moved into place at the end.

Layout of ``out_dir`` (default ``_build/``)::

    html/            the book (published)
    results.json     {ledger_id: value | {value, ci_low, ci_high}} for every recorded number (unrounded)
    scorecard.csv    id, paper, kind, quantity, where, published, computed, match, evidence, reason
    .cache/          executed notebooks keyed by the hash of their inputs
    .stage/          the book source being assembled and rendered
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from cartrepro.paths import (
    LEDGER_PAGES_ENV,
    NOTEBOOKS_DIR,
    PAPER_OF_PREFIX,
    PUBLISHED_DIR,
    REPO_ROOT,
    SHIPPED_DATA_DIR,
    SRC_DIR,
    VALIDATED_ENV,
    folder_digest,
    is_shipped_cohort,
    write_validated,
)

VALIDATED_FILE = "validated.json"  # in .work/: what the build validated, handed to the kernels (VALIDATED_ENV)
LEDGER_PAGES_FILE = "ledger_pages.json"  # in .work/: methods.chapter.ledger_pages, shared by the kernels
PIPELINE_VERSION = "1"  # bump when a change in build/ changes what an executed notebook holds (build/ is not hashed)
BOOK_FILES = ("_config.yml", "_toc.yml")
BOOK_DIR = "book"
GENERATED = "book/_generated"
BUILD_CODE_DIR = Path(__file__).resolve().parent


class BuildError(RuntimeError):
    """A step failed; the message says which and why. The published site was left untouched."""


class BuildInterrupted(BaseException):  # noqa: N818 - like KeyboardInterrupt, which it replaces
    """SIGINT or SIGTERM stopped the build: every worker and kernel was stopped, the published site kept."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum

    @property
    def exit_status(self) -> int:
        return 128 + self.signum  # 130 for SIGINT, 143 for SIGTERM, as a shell reports them

    def __str__(self) -> str:
        return (f"interrupted ({signal.Signals(self.signum).name}); every notebook was stopped, "
                "the previous site is unchanged")


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def stop_children() -> None:
    """Kill every process this one started, at any depth (workers, their kernels, the renderer), at once.

    The whole tree is listed before anything is killed: a kernel whose worker died first would be
    re-parented and escape a second look.
    """
    import psutil

    children = [c for c in psutil.Process().children(recursive=True) if not _is_resource_tracker(c)]
    for child in children:
        try:
            child.kill()
        except psutil.NoSuchProcess:
            pass
    # wait until they are gone, without reaping: multiprocessing reaps its own workers, and a worker reaped
    # behind its back looks alive to it forever (its shutdown then spins)
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline and any(_running(c) for c in children):
        time.sleep(0.02)


def _running(process) -> bool:
    import psutil

    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _is_resource_tracker(process) -> bool:
    """multiprocessing's resource tracker ignores signals and exits with this process; killing it early only
    makes multiprocessing restart it with a warning."""
    import psutil

    try:
        return any("resource_tracker" in part for part in process.cmdline())
    except psutil.Error:
        return False


@contextmanager
def stopped_by_signals():
    """SIGINT and SIGTERM raise :class:`BuildInterrupted` in the build (main thread only); whatever step is
    running, its children are killed on the way out."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, _frame):
        raise BuildInterrupted(signum)

    previous = {sig: signal.signal(sig, interrupt) for sig in STOP_SIGNALS}
    try:
        yield
    except BuildInterrupted:
        for sig in STOP_SIGNALS:  # a second Ctrl-C while cleaning up does not leave a half-clean state
            signal.signal(sig, signal.SIG_IGN)
        stop_children()
        raise
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextmanager
def signals_deferred():
    """The publish (a few renames) is not interrupted half-way: signals wait until it is done."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)


@contextmanager
def output_lock(out_dir: Path, data_dir: Path):
    """One build at a time per output folder: a second one refuses at once, naming the build that holds it.

    An advisory ``flock`` on ``out_dir/.lock``; the kernel releases it when the holder exits, however it exits.
    """
    import fcntl

    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / ".lock"
    handle = open(path, "a+")  # noqa: SIM115 - held for the whole build
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BuildError(f"another build is writing into {out_dir} ({holder}); wait for it to finish "
                             "or build into another --out") from None
        handle.seek(0)
        handle.truncate()
        started = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime())
        handle.write(f"cartrepro build, pid {os.getpid()}, started {started}, data {data_dir}\n")
        handle.flush()
        yield
    finally:
        handle.close()


@dataclass
class NotebookJob:
    stem: str
    source: Path
    paper: str | None
    parameters: dict
    key: str = ""
    status: str = "pending"  # executed | cached | no data | failed
    seconds: float = 0.0
    error: str = ""


@dataclass
class BuildResult:
    out_dir: Path
    jobs: list[NotebookJob] = field(default_factory=list)
    scorecard_path: Path | None = None
    results_path: Path | None = None
    html_dir: Path | None = None
    summary: str = ""

    @property
    def executed(self) -> list[str]:
        return [j.stem for j in self.jobs if j.status == "executed"]


def _say(message: str) -> None:
    print(message, flush=True)


def discover_notebooks(notebooks_dir: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The text notebooks (``py:percent``) that make up the book, in name order."""
    return sorted(p for p in notebooks_dir.glob("*.py") if not p.name.startswith("_"))


def paper_of(stem: str) -> str | None:
    """``p1_*`` reads car1922/, ``p2_*`` reads cd22/; other notebooks (methods, ...) always run and must
    cope with either paper folder being absent themselves."""
    return PAPER_OF_PREFIX.get(stem.split("_", 1)[0])


def _code_digest() -> str:
    """Everything besides the notebook and the data that can change a notebook's output."""
    digest = hashlib.sha256(PIPELINE_VERSION.encode())
    for path in sorted(SRC_DIR.rglob("*.py")):
        if path.is_relative_to(BUILD_CODE_DIR):  # the build's own code runs no notebook
            continue
        digest.update(path.relative_to(SRC_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    for extra in [REPO_ROOT / "uv.lock", *sorted(PUBLISHED_DIR.glob("*.yaml"))]:
        if extra.exists():
            digest.update(extra.name.encode() + b"\0" + extra.read_bytes())
    return digest.hexdigest()


def data_digest(job: NotebookJob, data_dir: Path) -> str:
    """A paper's notebook depends on its paper folder; any other notebook (methods, contract) on all of it."""
    return folder_digest(data_dir / job.paper if job.paper else data_dir)


def job_key(job: NotebookJob, data_digest: str, code_digest: str) -> str:
    digest = hashlib.sha256()
    digest.update(job.source.read_bytes())
    digest.update(json.dumps(job.parameters, sort_keys=True, default=str).encode())
    digest.update(data_digest.encode())
    digest.update(code_digest.encode())
    return digest.hexdigest()


def _ipc_kernel_manager(socket_dir: str):
    """A kernel manager on unix-domain sockets in a directory of this kernel's own.

    With TCP, jupyter_client picks a free port in one process and the kernel binds it in another: kernels
    started at the same moment (parallel notebooks, another build on the machine) can pick the same port
    and die ("Address already in use"). IPC sockets are named ``<ip>-<n>``, with ``ip`` defaulting to
    ``kernel-ipc`` in the working directory, so parallel kernels started from one folder would share
    socket names too; a private, short directory per kernel (unix socket paths are limited to ~108
    characters) makes every name unique.
    """
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class IPCKernelManager(AsyncKernelManager):
        @default("transport")
        def _default_transport(self) -> str:
            return "ipc"

        @default("ip")
        def _default_ip(self) -> str:
            return os.path.join(socket_dir, "kernel")

    return IPCKernelManager


def execute_notebook(source: str, output: str, parameters: dict, scratch: str | None = None,
                     validated: str | None = None) -> tuple[bool, str]:
    """Convert a text notebook to .ipynb (in the build folder, never in place) and run it with papermill.

    Runs in a worker process. The kernel's own chatter (stderr) goes to ``<output>.log`` beside the
    executed notebook. Returns (ok, error message naming the failing cell of the text notebook).
    ``scratch``: the folder for the kernel's sockets and connection file (the build's, removed by it).
    ``validated``: the build's record of the data it validated (the kernel's ``load_paper`` reads it).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from cartrepro.build.kernels import quick_output_checks

    quick_output_checks()
    os.environ.setdefault("PYTHONHASHSEED", "0")
    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    if validated:
        os.environ[VALIDATED_ENV] = validated
    out = Path(output)
    converted = _converted(source, out)
    log = out.with_suffix(".log")
    socket_dir = tempfile.mkdtemp(prefix="crk-", dir=scratch)
    os.environ["JUPYTER_RUNTIME_DIR"] = socket_dir  # connection files too: a killed build leaves none behind
    saved = os.dup(2)
    try:
        with open(log, "w") as sink:
            os.dup2(sink.fileno(), 2)
            papermill.execute_notebook(
                str(converted), str(out), parameters=parameters, kernel_name="python3", cwd=str(REPO_ROOT),
                progress_bar=False, log_output=False, request_save_on_cell_execute=False,
                kernel_manager_class=_ipc_kernel_manager(socket_dir))
    except PapermillExecutionError as exc:
        return False, _describe_failure(out, exc)
    except Exception as exc:  # kernel died, invalid notebook, ...
        tail = log.read_text(errors="replace").strip().splitlines()[-5:] if log.exists() else []
        return False, f"{type(exc).__name__}: {exc}" + "".join(f"\n    {line}" for line in tail)
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        converted.unlink(missing_ok=True)
        shutil.rmtree(socket_dir, ignore_errors=True)
    return True, ""


def _converted(source: str | Path, out: Path) -> Path:
    """The text notebook as ``<out>.input.ipynb`` (in the build folder, never beside the source)."""
    import jupytext
    import nbformat

    converted = out.with_suffix(".input.ipynb")
    notebook = jupytext.read(source, fmt="py:percent")
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, str(converted))
    return converted


def _execute_in(kernel, job: NotebookJob, work: Path) -> tuple[bool, str, bool]:
    """One notebook in a shared kernel (:mod:`cartrepro.build.kernels`): (ok, error, kernel still usable)."""
    from papermill.exceptions import PapermillExecutionError

    out = work / f"{job.stem}.ipynb"
    converted = _converted(job.source, out)
    try:
        kernel.run(converted, out, job.parameters)
    except PapermillExecutionError as exc:
        return False, _describe_failure(out, exc), True
    except Exception as exc:  # the kernel died, could not be reset, invalid notebook, ...
        log = kernel.log_path
        tail = log.read_text(errors="replace").strip().splitlines()[-5:] if log.exists() else []
        return False, f"{type(exc).__name__}: {exc}" + "".join(f"\n    {line}" for line in tail), False
    finally:
        converted.unlink(missing_ok=True)
    return True, "", True


def _describe_failure(executed: Path, exc) -> str:
    """'cell N (first line)': N counts the cells of the text notebook, not papermill's injected one."""
    import nbformat

    number, first_line = exc.cell_index + 1, ""
    try:
        cells = [c for c in nbformat.read(str(executed), as_version=4).cells  # drop papermill's error banners
                 if "papermill-error-cell-tag" not in c.get("metadata", {}).get("tags", [])]
        injected = sum(1 for c in cells[: exc.cell_index]
                       if "injected-parameters" in c.get("metadata", {}).get("tags", []))
        number -= injected
        first_line = next((ln for ln in cells[exc.cell_index].source.splitlines() if ln.strip()), "")
    except (OSError, IndexError, ValueError):
        pass
    where = f"cell {number}" + (f" (`{first_line.strip()[:60]}`)" if first_line else "")
    return f"{where}: {exc.ename}: {exc.evalue}"


def _placeholder_notebook(job: NotebookJob, target: Path) -> None:
    """The page of a notebook whose paper folder is absent from the data: 'not run: no data'."""
    import jupytext
    import nbformat

    source = jupytext.read(job.source, fmt="py:percent")
    title = next((c.source.splitlines()[0] for c in source.cells
                  if c.cell_type == "markdown" and c.source.startswith("#")), f"# {job.stem}")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(
        f"{title}\n\n**Not run: no data.** The data folder of this build has no `{job.paper}/` folder, "
        "so this analysis was skipped. See the data contract for what it needs.")]
    nbformat.write(nb, str(target))


def build(data_dir: Path | None = None, out_dir: Path | None = None, jobs: int | None = None,
          params: dict[str, dict[str, object]] | None = None, notebooks_dir: Path = NOTEBOOKS_DIR,
          fresh_kernels: bool | None = None) -> BuildResult:
    """Run the whole pipeline; raises BuildError (site untouched) when any step fails.

    ``params`` maps a notebook stem to the parameter values injected into it besides ``data_dir``
    (checked by :func:`cartrepro.build.params.resolve`; the defaults are the notebook's own).

    ``notebooks_dir`` exists for tests (a deliberately failing notebook); the book's table of contents
    names the notebooks of ``notebooks/``.

    ``fresh_kernels``: one new kernel per notebook (the slower reference the shared kernels are tested
    against; default from ``CARTREPRO_FRESH_KERNELS=1``) instead of a few kernels that each run several
    notebooks in fresh namespaces (:mod:`cartrepro.build.kernels`). Both give the same bytes.
    """
    data_dir = Path(data_dir or SHIPPED_DATA_DIR).resolve()
    out_dir = Path(out_dir or REPO_ROOT / "_build").resolve()
    if fresh_kernels is None:
        fresh_kernels = os.environ.get("CARTREPRO_FRESH_KERNELS", "") not in ("", "0")
    with output_lock(out_dir, data_dir), stopped_by_signals():
        return _build(data_dir, out_dir, jobs or os.cpu_count() or 1, params, notebooks_dir, fresh_kernels)


def _validated_papers(data_dir: Path, out_dir: Path) -> set[str]:
    """The paper folders of valid data; BuildError listing every problem otherwise.

    A report that passed is kept (``.cache/validation.json``) under the digest of the data and of the contract
    code: the same data is not validated twice (validation and its imports are most of a no-change rebuild).
    What it vouches for (each paper folder's file digest and warnings: ``contract.validated_record``) is
    written to ``.work/validated.json``, which the notebooks' kernels are pointed at (``VALIDATED_ENV``): their
    ``load_paper`` then skips checking the same bytes again.
    """
    handed = out_dir / ".work" / VALIDATED_FILE
    handed.unlink(missing_ok=True)  # a previous build's: never vouches for this one's data
    digest = hashlib.sha256(PIPELINE_VERSION.encode() + folder_digest(data_dir).encode())
    for path in sorted([*(SRC_DIR / "contract").rglob("*.py"), SRC_DIR / "paths.py"]):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    cache = out_dir / ".cache" / "validation.json"
    try:
        kept = json.loads(cache.read_text())
    except (OSError, ValueError):
        kept = {}
    if kept.get("key") != digest.hexdigest():
        from cartrepro.contract import ContractError, validate

        try:
            report = validate(data_dir)
        except ContractError as exc:  # the data path is not an existing folder
            report = exc.report
        if not report.ok:
            raise BuildError("the data does not meet the contract:\n" + report.format())
        from cartrepro.contract.core import validated_record

        kept = {"key": digest.hexdigest(), "papers": sorted(report.papers),
                "warnings": report.format() if report.warnings else "", "validated": validated_record(report)}
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(kept, indent=1))
    if kept["warnings"]:
        _say(kept["warnings"])
    if kept.get("validated"):
        handed.parent.mkdir(parents=True, exist_ok=True)
        write_validated(handed, data_dir, kept["validated"])
    return set(kept["papers"])


def _build(data_dir: Path, out_dir: Path, workers: int, params: dict | None, notebooks_dir: Path,
           fresh_kernels: bool = False) -> BuildResult:
    result = BuildResult(out_dir=out_dir)
    _say(f"cartrepro build: data {data_dir}")
    cache = out_dir / ".cache" / "notebooks"
    work = out_dir / ".work"
    for folder in (cache, work):
        folder.mkdir(parents=True, exist_ok=True)
    (work / LEDGER_PAGES_FILE).unlink(missing_ok=True)  # computed anew by the first kernel to need it
    started = None
    sources = discover_notebooks(notebooks_dir)
    if not fresh_kernels and sources and not any(cache.glob("*.key")):
        # a cold build: every notebook will run, so the kernels start (and import) while the data is validated
        started = _start_kernels([], work, min(workers, len(sources)), sources)
    complete = False
    try:
        built = _build_in(result, data_dir, out_dir, workers, params, sources, fresh_kernels, started)
        complete = True
        return built
    finally:
        if not complete:
            _stop_kernels(started, complete=False)


def _build_in(result: BuildResult, data_dir: Path, out_dir: Path, workers: int, params: dict | None,
              sources: list[Path], fresh_kernels: bool, started: tuple | None) -> BuildResult:
    papers = _validated_papers(data_dir, out_dir)
    reference = {p for p in papers if is_shipped_cohort(data_dir, p)}
    for paper in sorted(papers):
        kind = "shipped reconstructed (synthetic) cohort" if paper in reference else "your data: compared to the paper"
        _say(f"  {paper}/: {kind}")

    cache = out_dir / ".cache" / "notebooks"
    work = out_dir / ".work"
    code_digest = _code_digest()
    digests: dict[Path, str] = {}  # one digest per folder read (most notebooks read the same two)
    for source in sources:
        stem = source.stem
        injected = {"data_dir": _shown_path(data_dir), **(params or {}).get(stem, {})}
        job = NotebookJob(stem, source, paper_of(stem), injected)
        result.jobs.append(job)
        if job.paper is not None and job.paper not in papers:
            job.status = "no data"
            continue
        folder = data_dir / job.paper if job.paper else data_dir
        if folder not in digests:
            digests[folder] = data_digest(job, data_dir)
        job.key = job_key(job, digests[folder], code_digest)
        key_file = cache / f"{stem}.key"
        if key_file.exists() and key_file.read_text() == job.key and (cache / f"{stem}.ipynb").exists():
            job.status = "cached"
    build_key = _build_key(result.jobs, data_dir, reference)
    if _published_as(out_dir, build_key, result):
        _stop_kernels(started, complete=True)
        return result
    stage = out_dir / ".stage"
    renderer = Renderer(stage)
    try:
        # the renderer starts (and imports) once a core is free: near the end of the notebooks at the latest
        _run_jobs(result.jobs, work, cache, workers, fresh_kernels, started, spare_core=renderer.start)
        return _finish(result, out_dir, data_dir, papers, reference, build_key, stage, renderer)
    finally:
        renderer.close()


def _finish(result: BuildResult, out_dir: Path, data_dir: Path, papers: set[str], reference: set[str],
            build_key: str, stage: Path, renderer: Renderer) -> BuildResult:
    """After the notebooks: score, stage the book source, render it (unless unchanged), publish."""
    cache = out_dir / ".cache" / "notebooks"
    failed = [j for j in result.jobs if j.status == "failed"]
    if failed:
        lines = "\n".join(f"  notebook {j.stem} failed in {j.error}" for j in failed)
        raise BuildError(f"{len(failed)} notebook(s) failed; the previous site is unchanged:\n{lines}")
    renderer.start()  # beside the scoring and staging, if no core was spare before
    records, declared = _collect(result.jobs, cache)
    card = _score(records, declared, reference, papers)
    _assemble(stage, result.jobs, cache, card, data_dir, reference, review=(records, declared))
    _downloads(stage, records, card, data_dir, reference)
    render_key = _render_key(stage)
    key_file = out_dir / ".cache" / "render.key"
    unchanged = (out_dir / "html").is_dir() and key_file.is_file() and key_file.read_text() == render_key
    if unchanged:
        _say("  book source unchanged since the published site: not re-rendered")
    else:
        _render(stage, renderer)
    with signals_deferred():
        _publish(stage, out_dir, records, card, result, render_key=None if unchanged else render_key,
                 build_key=build_key)
    return result


def _build_key(jobs: list[NotebookJob], data_dir: Path, reference: set[str]) -> str:
    """Everything the published outputs depend on: every notebook's cache key (its source, parameters, data
    and the analysis code), the build's own code, the book's prose and configuration, the data folder (its
    cohorts are downloads of the site) and which papers are the shipped cohorts."""
    digest = hashlib.sha256(f"{PIPELINE_VERSION}\0{_shown_path(data_dir)}\0{sorted(reference)}\0".encode())
    for job in jobs:
        digest.update(f"{job.stem}\0{job.key or job.status}\0".encode() + job.source.read_bytes() + b"\0")
    for path in sorted(BUILD_CODE_DIR.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for name in BOOK_FILES:
        digest.update(name.encode() + b"\0" + (REPO_ROOT / name).read_bytes())
    digest.update(folder_digest(REPO_ROOT / BOOK_DIR).encode())
    digest.update(folder_digest(data_dir).encode())
    return digest.hexdigest()


def _published_as(out_dir: Path, build_key: str, result: BuildResult) -> bool:
    """True when the published site was built from exactly these inputs (``.cache/build.json``, written
    by the publish): nothing to execute, stage or render. Reports every notebook as cached, then the
    summary kept with the key, and fills ``result`` as a full build would."""
    try:
        kept = json.loads((out_dir / ".cache" / "build.json").read_text())
    except (OSError, ValueError):
        return False
    html, results, card = out_dir / "html", out_dir / "results.json", out_dir / "scorecard.csv"
    if kept.get("key") != build_key or not (html.is_dir() and results.is_file() and card.is_file()):
        return False
    total = len(result.jobs)
    for position, job in enumerate(result.jobs, 1):
        if job.status == "pending":
            job.status = "cached"
        _say(f"  [{position}/{total}] {job.stem}: {job.status}")
    _say("  nothing changed since the published site: nothing executed, book source unchanged: not re-rendered")
    result.html_dir, result.results_path, result.scorecard_path = html, results, card
    result.summary = kept.get("summary", "")
    _say(result.summary)
    _say(f"site: {html / 'index.html'}")
    return True


def _shown_path(path: Path) -> str:
    """Inside the repository: relative to it (the kernels run there), so pages and cache keys do not
    depend on where the clone lives. Elsewhere: absolute."""
    try:
        return path.relative_to(REPO_ROOT).as_posix()
    except ValueError:
        return str(path)


def _worker_init() -> None:
    """Workers leave Ctrl-C to the build process, which stops them all at once (no traceback per worker).

    They start with SIGINT blocked (see ``_run_jobs``), so a Ctrl-C during their imports stays pending; it is
    ignored from here on, then unblocked (a pending one is dropped).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _run_jobs(jobs: list[NotebookJob], work: Path, cache: Path, workers: int, fresh_kernels: bool = False,
              kernels: tuple | None = None, spare_core=None) -> None:
    """Execute the pending notebooks; ``kernels``: the shared kernels the build started early, if any.

    ``spare_core()`` (idempotent) is called when a core is idle from then on: at once when fewer notebooks run
    than there are workers and cores, else when fewer notebooks are left than kernels run them.
    """
    total = len(jobs)
    position = {j.stem: i for i, j in enumerate(jobs, 1)}
    for job in jobs:
        if job.status in ("cached", "no data"):
            _say(f"  [{position[job.stem]}/{total}] {job.stem}: {job.status}")
    pending = [j for j in jobs if j.status == "pending"]
    if not pending:
        _stop_kernels(kernels, complete=True)
        return
    _say(f"  executing {len(pending)} notebook(s), {min(workers, len(pending))} at a time ...")
    started = time.monotonic()

    left = [len(pending)]
    running = min(workers, len(pending))
    if spare_core is not None and running < min(workers, os.cpu_count() or 1):
        spare_core()  # fewer notebooks than workers (one changed notebook): a core is free from the start

    def finished(job: NotebookJob, ok: bool, error: str) -> None:
        job.seconds = time.monotonic() - started
        left[0] -= 1
        if spare_core is not None and 0 < left[0] < running:
            spare_core()
        if ok:
            shutil.move(work / f"{job.stem}.ipynb", cache / f"{job.stem}.ipynb")
            (cache / f"{job.stem}.key").write_text(job.key)
            job.status = "executed"
            _say(f"  [{position[job.stem]}/{total}] {job.stem}: executed ({job.seconds:.1f} s)")
        else:
            job.status, job.error = "failed", error
            (cache / f"{job.stem}.key").unlink(missing_ok=True)
            _say(f"  [{position[job.stem]}/{total}] {job.stem}: FAILED in {error}")

    if fresh_kernels:
        _run_in_fresh_kernels(pending, work, workers, finished)
    else:
        _run_in_shared_kernels(pending, work, workers, finished, [j.source for j in jobs], kernels)


def _start_kernels(jobs: list[NotebookJob], work: Path, workers: int, sources) -> tuple:
    """(KernelPool, its scratch folder): ``workers`` kernels starting now and importing what the notebooks
    import (build/kernels.py), each then running notebooks one after another in fresh namespaces."""
    from cartrepro.build.kernels import KernelPool, notebook_imports

    scratch = tempfile.mkdtemp(prefix="crk-")  # kernels' sockets and connection files, removed whatever happens
    try:
        pool = KernelPool(workers, scratch, work, notebook_imports(sources),
                          lambda kernel, job: _execute_in(kernel, job, work),
                          env={VALIDATED_ENV: str(work / VALIDATED_FILE),
                               LEDGER_PAGES_ENV: str(work / LEDGER_PAGES_FILE)})
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return pool, scratch


def _stop_kernels(started: tuple | None, complete: bool) -> None:
    if started is None:
        return
    pool, scratch = started
    if complete:
        pool.close(wait=10)
    else:  # interrupted or failed: no kernel may outlive the build
        pool.close()
        stop_children()
    shutil.rmtree(scratch, ignore_errors=True)


def _run_in_shared_kernels(pending: list[NotebookJob], work: Path, workers: int, finished, sources,
                           started: tuple | None = None) -> None:
    """A few kernels (``started`` early by the build, or started here), each running notebooks one after
    another in fresh namespaces (build/kernels.py)."""
    complete = False
    try:
        if started is None:
            started = _start_kernels(pending, work, min(workers, len(pending)), sources)
        pool = started[0]
        # what scoring, staging and the at-a-glance figure import, loaded while the kernels work (a core is
        # idle whenever only one notebook is left)
        threading.Thread(target=_import_quietly, args=(AFTER_EXECUTION_MODULES,), daemon=True).start()
        pool.submit(pending)
        for _ in pending:
            while True:
                try:
                    job, ok, error = pool.done.get(timeout=0.2)  # short waits: a signal is handled at once
                    break
                except queue.Empty:
                    continue
            finished(job, ok, error)
        complete = True
    finally:
        _stop_kernels(started, complete)


AFTER_EXECUTION_MODULES = ("cartrepro.ledger.record", "cartrepro.ledger.scorecard", "cartrepro.pages.scorecard",
                           "cartrepro.pages.downloads", "cartrepro.figures.glance", "cartrepro.figures.style",
                           "cartrepro.build.results", "cartrepro.build.page_params", "cartrepro.pages.review_findings",
                           "cartrepro.pages.inconsistencies", "cartrepro.analysis.review.ensemble")


def _import_quietly(modules) -> None:
    import importlib

    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - imported again where used, which reports the error
            return


def _run_in_fresh_kernels(pending: list[NotebookJob], work: Path, workers: int, finished) -> None:
    """One new kernel per notebook, in worker processes (papermill as a user would run it)."""
    scratch = tempfile.mkdtemp(prefix="crk-")  # kernels' sockets and connection files, removed whatever happens
    pool = ProcessPoolExecutor(max_workers=min(workers, len(pending)), mp_context=get_context("spawn"),
                               initializer=_worker_init)
    complete = False
    try:
        # workers start while submitting: with SIGINT blocked, which they inherit (a signal mask survives exec)
        blocked = threading.current_thread() is threading.main_thread()
        if blocked:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            futures = {pool.submit(execute_notebook, str(j.source), str(work / f"{j.stem}.ipynb"), j.parameters,
                                   scratch, str(work / VALIDATED_FILE)): j for j in pending}
        finally:
            if blocked:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        for future in as_completed(futures):
            ok, error = future.result()
            finished(futures[future], ok, error)
        complete = True
    finally:
        if not complete:  # interrupted (or the pool broke): no worker or kernel may outlive the build
            stop_children()
        pool.shutdown(wait=complete, cancel_futures=True)
        shutil.rmtree(scratch, ignore_errors=True)


def _collect(jobs: list[NotebookJob], cache: Path):
    from cartrepro.ledger.record import read_records

    records, declared = {}, {}
    for job in jobs:
        if job.status in ("executed", "cached"):
            got, nc = read_records(cache / f"{job.stem}.ipynb")
            clash = set(got) & set(records)
            if clash:
                raise BuildError(f"notebook {job.stem} records ids another notebook recorded: {sorted(clash)}")
            records.update(got)
            declared.update(nc)
    return records, declared


def _score(records, declared, reference: set[str], papers: set[str]):
    from cartrepro.ledger.scorecard import build_scorecard

    try:
        return build_scorecard(records, not_computable=declared, reference_papers=reference, papers=papers)
    except KeyError as exc:
        raise BuildError(str(exc.args[0])) from None


def _assemble(stage: Path, jobs: list[NotebookJob], cache: Path, card, data_dir: Path, reference: set[str],
              review: tuple[dict, dict] = ({}, {})) -> None:
    """The book source: config, prose pages, executed notebooks, generated scorecard tables (with the
    review chapter's quantities, ``review`` = (records, not-computable reasons), in a section of their own)."""
    from cartrepro.pages.downloads import notebook_pages
    from cartrepro.pages.scorecard import generated_pages

    src = stage / "src"
    if src.exists():
        shutil.rmtree(src)
    src.mkdir(parents=True)
    for name in BOOK_FILES:
        shutil.copy2(REPO_ROOT / name, src / name)
    shutil.copytree(REPO_ROOT / BOOK_DIR, src / BOOK_DIR, ignore=shutil.ignore_patterns("_generated"))
    (src / "notebooks").mkdir()
    present = {j.paper for j in jobs if j.paper and j.status != "no data"}
    for job in jobs:
        target = src / "notebooks" / f"{job.stem}.ipynb"
        if job.status == "no data":
            _placeholder_notebook(job, target)
        else:
            shipped = job.paper in reference if job.paper else bool(present) and present <= reference
            _stage_notebook(cache / f"{job.stem}.ipynb", target, job.parameters, shipped)
    generated = src / GENERATED
    generated.mkdir(parents=True)
    pages = notebook_pages(src / "notebooks")
    for name, text in generated_pages(card, reference, data_dir.name, review, pages).items():
        (generated / name).write_text(text, encoding="utf-8")


def _without_addresses(text: str | list[str]) -> str | list[str]:
    """An object's default repr names its memory address, different in every run: left out."""
    if isinstance(text, list):
        return [_without_addresses(line) for line in text]
    return re.sub(r" at 0x[0-9a-fA-F]+>", ">", text)


def _stage_notebook(executed: Path, target: Path, injected: dict, shipped_data: bool) -> None:
    """The executed notebook as the page shows it: plumbing cells removed, a note of its parameters instead."""
    from cartrepro.build.page_params import hide_plumbing

    # plain JSON in and out, written as nbformat writes it (nbformat's schema validation cost seconds per build)
    notebook = json.loads(executed.read_text(encoding="utf-8"))
    hide_plumbing(notebook, injected, shipped_data)
    # the page's downloadable .ipynb: no run times, temporary paths or random cell ids (same inputs, same bytes)
    notebook.get("metadata", {}).pop("papermill", None)
    for index, cell in enumerate(notebook["cells"]):
        for key in ("papermill", "execution"):
            cell.get("metadata", {}).pop(key, None)
        if "id" in cell:
            cell["id"] = f"cell-{index}"
        for output in cell.get("outputs", []):  # e.g. "<...Styler at 0x7f...>" beside the HTML the page shows
            plain = output.get("data", {}).get("text/plain")
            if plain is not None:
                output["data"]["text/plain"] = _without_addresses(plain)
    target.write_text(json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def _downloads(stage: Path, records, card, data_dir: Path, reference: set[str]) -> None:
    """The site's downloads: results.json, scorecard.csv, figures, cohort, templates (cartrepro.pages.downloads)."""
    from cartrepro.pages.downloads import write_downloads

    write_downloads(stage / "src", records, card, data_dir, reference)


RENDER_ARGS = ("--warningiserror", "--nitpick", "--keep-going", "--quiet")


class Renderer:
    """The process that renders the book: Jupyter Book's ``build`` (:mod:`cartrepro.build.render`), started
    ahead of time by :meth:`start` (its imports run while a core is free) and run by :meth:`render`.

    :meth:`close` ends it when no render comes (the build failed, or the book source was unchanged). A signal
    kills it with every other child (:func:`stop_children`).
    """

    def __init__(self, stage: Path):
        self.stage = stage
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        if self.process is not None:
            return
        self.stage.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen([sys.executable, "-m", "cartrepro.build.render"], cwd=self.stage,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)

    def render(self) -> tuple[int, str]:
        """Jupyter Book on ``stage/src`` into ``stage/_build``: (exit status, its output)."""
        self.start()
        command = ["build", str(self.stage / "src"), "--path-output", str(self.stage), *RENDER_ARGS]
        out, err = self.process.communicate(json.dumps(command) + "\n")
        return self.process.returncode, out + err

    def close(self) -> None:
        """End the process if it still runs, with the page writers Sphinx forked (they would outlive it)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            import psutil

            try:
                writers = psutil.Process(self.process.pid).children(recursive=True)
            except psutil.Error:
                writers = []
            self.process.kill()
            for writer in writers:
                try:
                    writer.kill()
                except psutil.Error:
                    pass
        self.process.communicate()


def _render(stage: Path, renderer: Renderer | None = None) -> None:
    """Jupyter Book 1.x, never executing (execute_notebooks: off), warnings as errors (``RENDER_ARGS``)."""
    # always from scratch: Sphinx writes e.g. `?v=` checksums on assets only when a previous render left them
    # in place, so an incremental render is not byte-identical to a fresh one
    shutil.rmtree(stage / "_build", ignore_errors=True)
    _say("  rendering the book (Jupyter Book, strict) ...")
    renderer = renderer or Renderer(stage)
    try:
        status, output = renderer.render()
    finally:
        renderer.close()
    if status != 0:
        log = output.strip().splitlines()
        raise BuildError("Jupyter Book failed; the previous site is unchanged:\n" + "\n".join(log[-40:]))


def _render_key(stage: Path) -> str:
    """What the rendered site depends on: the staged book source and the renderer's version."""
    from importlib.metadata import version

    digest = hashlib.sha256(f"{PIPELINE_VERSION}\0jupyter-book {version('jupyter-book')}\0".encode())
    digest.update(folder_digest(stage / "src").encode())
    return digest.hexdigest()


def _publish(stage: Path, out_dir: Path, records, card, result: BuildResult, render_key: str | None = None,
             build_key: str | None = None) -> None:
    """Move html, results.json and scorecard.csv into place together.

    ``render_key`` None: the staged book equals the published one's source, the published html stays as it is
    (byte-identical to a fresh render of the same source). Otherwise the freshly rendered html replaces it
    and ``render_key`` is stored for the next build's comparison. ``build_key`` (see :func:`_build_key`) is
    stored with the summary once everything is in place: the next build with the same inputs does nothing.
    """
    from cartrepro.build.results import results_text
    from cartrepro.ledger.scorecard import summary_lines

    new_html, old_html = out_dir / ".html-new", out_dir / ".html-old"
    key_file = out_dir / ".cache" / "render.key"
    build_file = out_dir / ".cache" / "build.json"
    build_file.unlink(missing_ok=True)  # until the new outputs are all in place
    for tmp in (new_html, old_html):
        if tmp.exists():
            shutil.rmtree(tmp)
    if render_key is not None:
        shutil.copytree(stage / "_build" / "html", new_html)
    results_tmp = out_dir / ".results.json.new"
    results_tmp.write_text(results_text(records))
    card_tmp = out_dir / ".scorecard.csv.new"
    card.to_csv(card_tmp, index=False, lineterminator="\n")
    html = out_dir / "html"
    if render_key is not None:
        key_file.unlink(missing_ok=True)
        if html.exists():
            html.rename(old_html)
        new_html.rename(html)
    os.replace(results_tmp, out_dir / "results.json")
    os.replace(card_tmp, out_dir / "scorecard.csv")
    if render_key is not None:
        key_file.write_text(render_key)
    if old_html.exists():
        shutil.rmtree(old_html)
    result.html_dir = html
    result.results_path, result.scorecard_path = out_dir / "results.json", out_dir / "scorecard.csv"
    result.summary = "\n".join(summary_lines(card))
    if build_key is not None:
        build_file.write_text(json.dumps({"key": build_key, "summary": result.summary}, indent=1))
    _say(result.summary)
    _say(f"site: {html / 'index.html'}")
