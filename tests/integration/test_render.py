"""The render step (pipeline._render, the renderer process of build/render.py): strict, a broken page fails it,
a renderer that is not needed ends without leaving a process, the parallel write gives the serial render's bytes."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from cartrepro.build.pipeline import BuildError, Renderer, _render
from cartrepro.paths import REPO_ROOT

pytestmark = pytest.mark.slow


def _one_page_book(stage: Path, page: str) -> Path:
    src = stage / "src"
    shutil.copytree(REPO_ROOT / "book" / "_static", src / "book" / "_static")
    shutil.copy2(REPO_ROOT / "_config.yml", src / "_config.yml")
    (src / "_toc.yml").write_text("format: jb-book\nroot: index\n")
    (src / "index.md").write_text(page)
    return stage


def test_a_valid_page_renders_with_the_book_configuration(tmp_path):
    stage = _one_page_book(tmp_path / ".stage", "# A page\n\nSome text, $x^2$.\n")
    _render(stage)
    html = (stage / "_build" / "html" / "index.html").read_text()
    assert "A page" in html
    assert (stage / "_build" / "html" / "_static" / "mathjax" / "tex-svg-full.js").is_file()  # our extension ran


def test_a_broken_reference_fails_the_render_naming_it(tmp_path):
    """Warnings are errors: one unknown document reference fails the whole render."""
    stage = _one_page_book(tmp_path / ".stage", "# A page\n\nSee {doc}`nowhere`.\n")
    with pytest.raises(BuildError) as failed:
        _render(stage)
    message = str(failed.value)
    assert message.startswith("Jupyter Book failed; the previous site is unchanged")
    assert "index.md:3: WARNING: unknown document: 'nowhere'" in message


def test_a_renderer_started_for_nothing_ends_at_close(tmp_path):
    renderer = Renderer(tmp_path / ".stage")
    renderer.start()
    process = renderer.process
    renderer.close()
    assert process.poll() is not None


def test_the_parallel_write_gives_the_serial_render_byte_for_byte(built_book, tmp_path, monkeypatch):
    """The book's staged source rendered again with every page written in one process (Sphinx without -j),
    in another folder: every file of the site is the same bytes as the build's (parallel write,
    build/render.py), .buildinfo included (the digest of the configuration names no folder of the build)."""
    out, _ = built_book
    stage = tmp_path / ".stage"
    shutil.copytree(out / ".stage" / "src", stage / "src")
    monkeypatch.setenv("CARTREPRO_SERIAL_RENDER", "1")
    _render(stage)

    def site(html: Path) -> dict[str, bytes]:
        return {p.relative_to(html).as_posix(): p.read_bytes() for p in sorted(html.rglob("*")) if p.is_file()}

    parallel, serial = site(out / "html"), site(stage / "_build" / "html")
    assert ".buildinfo" in parallel and parallel.keys() == serial.keys()
    assert [name for name in parallel if parallel[name] != serial[name]] == []


def test_a_signal_during_the_render_stops_it_with_its_page_writers(built_book, tmp_path):
    """SIGTERM to the build while Sphinx writes pages in forked processes: exit 143 within 2 s, the previous
    site kept, no renderer or page writer left (the notebooks are cached: the build goes straight to the render)."""
    out = tmp_path / "out"
    shutil.copytree(built_book[0] / ".cache" / "notebooks", out / ".cache" / "notebooks")
    (out / "html").mkdir()
    (out / "html" / "index.html").write_text("<p>the previous site</p>")
    with subprocess.Popen([sys.executable, "-m", "cartrepro.build.cli", "build", "--out", str(out)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True) as build:
        try:
            for line in build.stdout:
                if "rendering" in line:
                    break
            deadline, tree = time.monotonic() + 60, []
            while time.monotonic() < deadline and len(tree) < 2:  # the renderer and at least one page writer
                tree = psutil.Process(build.pid).children(recursive=True)
                time.sleep(0.02)
            assert len(tree) >= 2, "no page writer was seen"
            sent = time.monotonic()
            build.send_signal(signal.SIGTERM)
            build.wait(timeout=30)
            stopped = time.monotonic() - sent
        finally:
            if build.poll() is None:
                os.killpg(build.pid, signal.SIGKILL)
        err = build.stderr.read()
    assert build.returncode == 143, err
    assert stopped < 2
    time.sleep(0.3)
    alive = []
    for process in tree:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process.pid)
        except psutil.NoSuchProcess:
            pass
    assert alive == []
    assert (out / "html" / "index.html").read_text() == "<p>the previous site</p>"
