"""The whole site as readers' browsers show it, at 390 px (a phone) and 1400 px (a desktop).

Debian's headless chromium, driven by playwright, on the book built once from the shipped cohorts. Every
page: no horizontal page scroll, no console error, no request leaving the site, every image with a real alt
text. Every internal link lands; the downloads exist and hold what the build published; one reader's path
runs from a landing-page finding to its figure page and on to the method card.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

import pandas as pd
import pytest
from chromium import FLAGS, chromium_or_skip

from cartrepro.paths import SHIPPED_DATA_DIR

pytestmark = pytest.mark.slow

CHROMIUM = chromium_or_skip()
WIDTHS = (390, 1400)
IMAGE_FILE = re.compile(r"(^|/)[\w.-]+\.(png|jpe?g|gif|svg|webp)$", re.IGNORECASE)


@pytest.fixture(scope="module")
def html_dir(built_book) -> Path:
    out, _ = built_book
    return out / "html"


def site_pages(html_dir: Path) -> list[Path]:
    """Every page a reader reaches from the table of contents (not Sphinx's search and index pages)."""
    pages = sorted(html_dir.glob("*.html")) + sorted(html_dir.glob("book/*.html")) + sorted(
        html_dir.glob("notebooks/*.html"))
    return [p for p in pages if p.name not in ("search.html", "genindex.html")]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


#: pages loaded at once in tabs of one browser context (their scripts run while the next ones load)
BATCH = 8

FACTS = """() => ({
    scroll: document.documentElement.scrollWidth,
    inner: window.innerWidth,
    wide: [...document.querySelectorAll('.bd-article *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
                     && !e.closest('.cr-table-scroll, table, pre, .highlight, mjx-container'))
        .slice(0, 3).map(e => e.tagName + '.' + e.className),
    images: [...document.querySelectorAll('img')].map(i => ({alt: i.getAttribute('alt'),
        src: i.src.slice(0, 60), w: i.naturalWidth})),
})"""


@pytest.fixture(scope="module")
def visits(browser, html_dir):
    """{(page, width): what the browser saw}: page width, console errors, outside requests, images.

    Pages are opened :data:`BATCH` at a time; each is read once it has loaded and at least 300 ms more have
    passed for the scripts that run after load (theme, MathJax)."""
    seen = {}
    pages = site_pages(html_dir)
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900})
        for start in range(0, len(pages), BATCH):
            opened = []
            for page_path in pages[start:start + BATCH]:
                tab = context.new_page()
                errors, outside = [], []
                tab.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
                tab.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                tab.on("request", lambda r, outside=outside: outside.append(r.url)
                       if urlparse(r.url).scheme not in ("file", "data", "blob", "about") else None)
                tab.goto(page_path.as_uri())
                tab.wait_for_load_state("load")
                opened.append((page_path, tab, errors, outside))
            opened[-1][1].wait_for_timeout(300)  # the last one loaded: every tab has had 300 ms since its load
            for page_path, tab, errors, outside in opened:
                facts = tab.evaluate(FACTS)
                seen[(page_path.relative_to(html_dir).as_posix(), width)] = {**facts, "errors": errors,
                                                                            "outside": outside}
                tab.close()
        context.close()
    return seen


def test_the_site_has_its_pages(html_dir):
    names = {p.relative_to(html_dir).as_posix() for p in site_pages(html_dir)}
    assert {"index.html", "book/intro.html", "book/scorecard.html", "book/glossary.html", "book/rerun.html",
            "notebooks/p2_fig4_long_term_outcome.html", "notebooks/methods_survival.html"} <= names


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_is_wider_than_the_viewport(visits, width):
    wide = {page: (v["scroll"], v["wide"]) for (page, w), v in visits.items()
            if w == width and v["scroll"] > v["inner"]}
    assert wide == {}


@pytest.mark.parametrize("width", WIDTHS)
def test_no_console_error_and_no_request_leaves_the_site(visits, width):
    problems = {page: (v["errors"], v["outside"]) for (page, w), v in visits.items()
                if w == width and (v["errors"] or v["outside"])}
    assert problems == {}


def test_every_image_has_a_real_alt_text_and_is_drawn(visits):
    bad = {}
    for (page, _width), v in visits.items():
        for image in v["images"]:
            alt = (image["alt"] or "").strip()
            if not alt or IMAGE_FILE.search(alt) or len(alt) < 12:
                bad.setdefault(page, []).append(alt)
    assert bad == {}
    figures = [i for (page, w), v in visits.items() if w == 1400 for i in v["images"] if "data:image" in i["src"]]
    assert len(figures) >= 20 and all(i["w"] >= 600 for i in figures)  # 2x renditions, decoded


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])
        if tag in ("img", "script", "link") and (attrs.get("src") or attrs.get("href")):
            self.hrefs.append(attrs.get("src") or attrs.get("href"))


def _parse(path: Path) -> _Links:
    parser = _Links()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_every_internal_link_lands(html_dir):
    parsed: dict[Path, _Links] = {}

    def links_of(path: Path) -> _Links:  # each page parsed once (its inline figures make it large)
        if path not in parsed:
            parsed[path] = _parse(path)
        return parsed[path]

    broken = []
    for page in site_pages(html_dir):
        links = links_of(page)
        for href in links.hrefs:
            if urlparse(href).scheme or href.startswith(("//", "mailto:", "javascript:")):
                continue
            target, fragment = urldefrag(href)
            path = (page.parent / unquote(target.split("?")[0])).resolve() if target else page
            if not path.exists():
                broken.append((page.name, href))
            elif fragment and path.suffix == ".html":
                ids = links_of(path).ids
                if unquote(fragment) not in ids:
                    broken.append((page.name, href))
    assert broken == []


def test_the_downloads_exist_and_hold_what_the_build_published(built_book, html_dir):
    out, _ = built_book
    downloads = html_dir / "downloads"
    assert json.loads((downloads / "results.json").read_text()) == json.loads((out / "results.json").read_text())
    assert (downloads / "scorecard.csv").read_bytes() == (out / "scorecard.csv").read_bytes()
    assert list(pd.read_csv(downloads / "scorecard.csv").columns)[:3] == ["id", "paper", "kind"]
    for paper, table in (("cd22", "patients"), ("car1922", "patients"), ("car1922", "cytokines")):
        copy = downloads / "cohort" / paper / f"{table}.csv"
        assert copy.read_bytes() == (SHIPPED_DATA_DIR / paper / f"{table}.csv").read_bytes()
    templates = sorted(p.name for p in (downloads / "templates").iterdir())
    assert "cd22_patients_template.csv" in templates and "car1922_patients_template.csv" in templates
    assert "cd22_patients_example.csv" in templates and "cohort_template.zip" in templates
    assert len(templates) == len(set(templates))
    pngs = sorted((downloads / "figures").glob("*.png"))
    assert pngs and all(p.with_suffix(".csv").is_file() for p in pngs)
    shown = sum(p.read_text(encoding="utf-8").count('class="cr-figure"') for p in site_pages(html_dir))
    assert len(pngs) == shown
    rerun = (html_dir / "book" / "rerun.html").read_text(encoding="utf-8")
    assert 'href="../downloads/results.json"' in rerun and 'href="../downloads/scorecard.csv"' in rerun


def test_every_figure_from_the_shipped_cohort_carries_the_synthetic_mark(html_dir):
    unmarked = {}
    for page in site_pages(html_dir):
        text = page.read_text(encoding="utf-8")
        # the landing page's at-a-glance figure summarises the scorecard and shows no patients
        count = len(re.findall(r'class="cr-figure" data-cr-figure="(?!at-a-glance")[^"]*" data-synthetic="0"', text))
        if count:
            unmarked[page.name] = count
    assert unmarked == {}


@pytest.mark.parametrize("width", WIDTHS)
def test_a_reader_goes_from_a_landing_page_finding_to_its_figure_and_method_card(browser, html_dir, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    tab.goto((html_dir / "index.html").as_uri())
    tab.wait_for_url("**/book/intro.html")  # index.html redirects to the landing page
    tab.wait_for_load_state("load")
    finding = tab.locator(".bd-article a[href*='notebooks/p']").first
    assert finding.count() == 1, "the landing page links no finding to a figure page"
    finding.click()
    tab.wait_for_load_state("load")
    assert "/notebooks/p" in tab.url
    assert tab.locator("figure.cr-figure").first.is_visible()
    method = tab.locator("table.cartrepro-compare a.cr-method").first
    method.scroll_into_view_if_needed()
    method.click()
    tab.wait_for_load_state("load")
    assert "/notebooks/methods_" in tab.url and "#" in tab.url
    anchor = tab.url.split("#", 1)[1]
    assert tab.locator(f"[id='{anchor}']").first.is_visible()
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_scorecard_row_links_to_its_figure_page_and_the_filter_narrows_the_rows(browser, html_dir, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    outside = []
    tab.on("request", lambda r: outside.append(r.url) if urlparse(r.url).scheme not in ("file", "data") else None)
    tab.goto((html_dir / "book" / "scorecard.html").as_uri())
    tab.wait_for_load_state("load")
    rows = tab.locator("table.cartrepro-compare tr[id^='sc-']")
    total = rows.count()
    assert total > 100
    counts = {}
    for paper, match, evidence in (("P2", "all", "all"), ("P1", "unattainable as printed", "all"),
                                   ("all", "matches", "input"), ("all", "all", "all")):
        tab.select_option("form.cr-filter select[name=paper]", paper)
        tab.select_option("form.cr-filter select[name=match]", match)
        tab.select_option("form.cr-filter select[name=evidence]", evidence)
        shown = tab.locator("table.cartrepro-compare tr[id^='sc-']:visible")
        counts[(paper, match, evidence)] = shown.count()
        ids = [shown.nth(i).get_attribute("id") for i in range(min(shown.count(), 5))]
        if paper != "all":
            assert all(i.startswith(f"sc-{paper.lower()}_") for i in ids)
        if match != "all":
            assert all(shown.nth(i).locator(".cr-verdict").inner_text() == match for i in range(len(ids)))
        if evidence != "all":
            assert all(shown.nth(i).locator(".cr-evidence").inner_text().lower() == evidence
                       for i in range(len(ids)))
        assert tab.locator("form.cr-filter output").inner_text() == f"{shown.count()} of {total} numbers shown"
    assert 0 < counts[("P2", "all", "all")] < total
    assert 0 < counts[("P1", "unattainable as printed", "all")] < counts[("P2", "all", "all")]
    assert 0 < counts[("all", "matches", "input")] < total and counts[("all", "all", "all")] == total
    assert tab.evaluate("document.documentElement.scrollWidth") <= width
    row = tab.locator("table.cartrepro-compare tr[id^='sc-']:visible").filter(has=tab.locator("a.cr-page")).first
    link = row.locator("a.cr-page")
    link.scroll_into_view_if_needed()
    link.click()
    tab.wait_for_load_state("load")
    assert "/notebooks/p" in tab.url and tab.locator("table.cartrepro-compare").first.count() == 1
    assert outside == []
    context.close()
