"""Notebooks executed in a few long-lived kernels, each notebook in a fresh namespace.

Starting a kernel and importing pandas, scipy, lifelines, matplotlib and cartrepro costs more than most
notebooks' own work, so the build keeps one kernel per worker (a thread of the build process driving it
with papermill, which injects the parameters and marks a failing cell as before). A kernel imports once
what the notebooks import (read from their source), takes a snapshot of that state
(:func:`cartrepro.build.fresh.snapshot`), and before every notebook puts it back
(:func:`cartrepro.build.fresh.reset`), silently: the executed notebook is byte for byte the one a fresh
kernel gives (a test builds both ways and compares). A kernel that died is replaced before the next notebook.

The kernels are children of the build process: Ctrl-C/SIGTERM kill them with everything else
(``pipeline.stop_children``); the threads are daemons and never hold the exit.
"""

from __future__ import annotations

import ast
import logging
import os
import queue
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from cartrepro.paths import REPO_ROOT

STARTUP_TIMEOUT = 120


def notebook_imports(sources: Iterable[Path]) -> list[str]:
    """The top-level modules and ``from`` targets imported anywhere in the text notebooks (sorted)."""
    names: set[str] = set()
    for source in sources:
        try:
            tree = ast.parse(Path(source).read_text(encoding="utf-8"))
        except (OSError, SyntaxError, ValueError):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module)
    return sorted(names)


def _warm_up_code(modules: list[str]) -> str:
    return ("def _cartrepro_warm_up():\n"
            "    import importlib\n"
            "    import cartrepro.build.fresh\n"
            "    cartrepro.build.fresh.lighter_imports()\n"
            f"    for name in {modules!r}:\n"
            "        try:\n"
            "            importlib.import_module(name)\n"
            "        except Exception:\n"
            "            pass  # the notebook importing it fails and says why\n"
            "    cartrepro.build.fresh.snapshot()\n"
            "_cartrepro_warm_up()\n"
            "del _cartrepro_warm_up\n")


RESET_CODE = "import cartrepro.build.fresh\ncartrepro.build.fresh.reset()\n"


def quick_output_checks() -> bool:
    """Check each output the kernel sends with a compiled schema (fastjsonschema), in the build process.

    nbclient turns every output message into a notebook output with ``nbformat.v4.new_output``, which checks
    it against the notebook schema's ``output`` definition; nbformat's fast validator cannot check a part of
    the schema and hands it to the pure-Python ``jsonschema`` (~0.9 ms an output, ~1,000 outputs a build).
    Here the same definition of the same schema file is compiled once per part asked for (without filling
    in defaults: the outputs are not changed) and the ~20 times quicker check accepts what it accepts; an
    output it refuses goes to nbformat's own check, which raises its usual error. Once per process; False
    when fastjsonschema or the schema is missing (nbformat's own check then runs as before).
    """
    import json

    import nbformat.v4.nbbase as nbbase

    if getattr(nbbase.validate, "_cartrepro_compiled", None) is not None:
        return True
    try:
        import fastjsonschema

        name = nbbase.nbformat_schema[(nbbase.nbformat, nbbase.nbformat_minor)]
        schema = json.loads((Path(nbbase.__file__).parent / name).read_text(encoding="utf-8"))
    except (ImportError, KeyError, OSError, ValueError):
        return False
    original = nbbase.validate
    compiled: dict[str, Callable] = {}
    lock = threading.Lock()  # a kernel's thread each

    def validate(node, ref=None):
        if ref is None or ref not in schema.get("definitions", {}):
            return original(node, ref=ref)
        with lock:
            check = compiled.get(ref)
            if check is None:
                check = compiled[ref] = fastjsonschema.compile({**schema, "$ref": f"#/definitions/{ref}"},
                                                               use_default=False)
        try:
            check(node)
        except fastjsonschema.JsonSchemaException:
            return original(node, ref=ref)  # nbformat's own verdict and message
        return None

    validate._cartrepro_compiled = compiled
    nbbase.validate = validate
    return True


class KernelSetupError(RuntimeError):
    """The kernel could not be started, warmed up or reset."""


class SharedKernel:
    """One kernel (on private unix sockets) that runs notebooks one after another. Use from one thread."""

    def __init__(self, scratch: str, log: Path, modules: list[str], env: dict[str, str]):
        self.scratch, self.log_path, self.modules, self.env = scratch, log, modules, env
        self.km = None
        self.clients: list = []
        self.socket_dir = ""

    def start(self) -> None:
        from jupyter_core.utils import run_sync

        from cartrepro.build.pipeline import _ipc_kernel_manager

        self.socket_dir = tempfile.mkdtemp(prefix="crk-", dir=self.scratch)
        base = _ipc_kernel_manager(self.socket_dir)

        class Manager(base):
            """Keeps the clients papermill makes (it leaves their channels open when it does not own the kernel)."""

            def client(self, **kwargs):
                made = super().client(**kwargs)
                clients.append(made)
                return made

        clients: list = []
        self.clients = clients
        self.km = Manager(kernel_name="python3", connection_file=os.path.join(self.socket_dir, "kernel.json"))
        with open(self.log_path, "a") as log:
            run_sync(self.km.start_kernel)(cwd=str(REPO_ROOT), env=self.env, stderr=log)
        self.execute_silently(_warm_up_code(self.modules))

    def execute_silently(self, code: str) -> None:
        """Run ``code`` with no execution count and no output; KernelSetupError when it raises."""
        from jupyter_core.utils import run_sync

        async def run() -> dict:
            client = self.km.client()
            self.clients.remove(client)  # closed right here
            client.start_channels()
            try:
                await client.wait_for_ready(timeout=STARTUP_TIMEOUT)
                return await client.execute_interactive(code, silent=True, store_history=False,
                                                        timeout=STARTUP_TIMEOUT, output_hook=lambda _msg: None)
            finally:
                client.stop_channels()
                client.context.destroy(linger=0)

        try:
            content = run_sync(run)()["content"]
        except Exception as exc:
            raise KernelSetupError(f"{type(exc).__name__}: {exc}") from exc
        if content.get("status") != "ok":
            raise KernelSetupError(f"{content.get('ename')}: {content.get('evalue')}")

    def run(self, converted: Path, output: Path, parameters: dict) -> None:
        """Execute one notebook (papermill: parameters injected, failures marked) after a reset."""
        import papermill

        self.execute_silently(RESET_CODE)
        try:
            papermill.execute_notebook(
                str(converted), str(output), parameters=parameters, kernel_name="python3", progress_bar=False,
                log_output=False, request_save_on_cell_execute=False, km=self.km)
        finally:
            self._close_clients()

    def _close_clients(self) -> None:
        while self.clients:
            client = self.clients.pop()
            client.stop_channels()
            client.context.destroy(linger=0)

    def stop(self) -> None:
        from jupyter_core.utils import run_sync

        self._close_clients()
        if self.km is not None:
            try:
                if self.km.has_kernel:
                    run_sync(self.km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001 - stopping: the process is killed below if it lingers
                pass
            self.km = None
        shutil.rmtree(self.socket_dir, ignore_errors=True)


class KernelPool:
    """``workers`` daemon threads, each starting a SharedKernel at once and then working through the tasks
    submitted, in order (the kernels warm up while the build still validates and hashes).

    ``env``: variables set in the kernels' environment (e.g. the build's record of the data it validated).
    ``run_one(kernel, task)`` returns (ok, error, kernel still usable); each result is put on ``done`` as
    ``(task, ok, error)``. A kernel that could not be set up or that died is replaced for the next task.
    :meth:`close` lets the threads stop their kernels once the submitted tasks are done.
    """

    def __init__(self, workers: int, scratch: str, log_dir: Path, modules: list[str], run_one: Callable,
                 env: dict[str, str] | None = None):
        self.todo: queue.Queue = queue.Queue()
        self.done: queue.Queue = queue.Queue()
        self.scratch, self.log_dir, self.modules, self.run_one = scratch, log_dir, modules, run_one
        self.env = {**os.environ, **(env or {})}  # ``env``: set for the kernels only, not for this process
        self.env.setdefault("PYTHONHASHSEED", "0")
        self.env.setdefault("SOURCE_DATE_EPOCH", "0")
        quick_output_checks()
        papermill_log = logging.getLogger("papermill")  # its warnings went to a worker's log, not the terminal
        if not papermill_log.handlers:
            papermill_log.addHandler(logging.FileHandler(log_dir / "papermill.log", delay=True))
            papermill_log.propagate = False
        self.threads = [threading.Thread(target=self._work, args=(n,), name=f"cartrepro-kernel-{n}", daemon=True)
                        for n in range(workers)]
        for thread in self.threads:
            thread.start()

    def submit(self, tasks: Iterable) -> None:
        for task in tasks:
            self.todo.put(task)

    def close(self, wait: float = 0.0) -> None:
        """No more tasks: each thread stops its kernel after the ones submitted (waits up to ``wait`` s)."""
        for _ in self.threads:
            self.todo.put(None)
        for thread in self.threads:
            thread.join(wait / len(self.threads))

    def _work(self, number: int) -> None:
        from jupyter_core.utils import ensure_event_loop

        try:
            self._serve(number)
        finally:
            ensure_event_loop().close()  # the loop jupyter_core's run_sync made for this thread

    def _new_kernel(self, number: int) -> SharedKernel:
        kernel = SharedKernel(self.scratch, self.log_dir / f"kernel-{number}.log", self.modules, self.env)
        try:
            kernel.start()
        except BaseException:
            kernel.stop()
            raise
        return kernel

    def _serve(self, number: int) -> None:
        kernel, failure = None, None
        try:
            kernel = self._new_kernel(number)
        except BaseException as exc:  # noqa: BLE001 - reported with the first notebook it was meant for
            failure = exc
        while True:
            task = self.todo.get()
            if task is None:
                break
            try:
                if kernel is None:
                    if failure is not None:
                        exc, failure = failure, None
                        raise exc
                    kernel = self._new_kernel(number)
                ok, error, healthy = self.run_one(kernel, task)
            except BaseException as exc:  # noqa: BLE001 - reported as this notebook's failure
                ok, error, healthy = False, f"{type(exc).__name__}: {exc}", False
            if not healthy and kernel is not None:
                kernel.stop()
                kernel = None
            self.done.put((task, ok, error))
        if kernel is not None:
            kernel.stop()
