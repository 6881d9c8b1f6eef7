"""The Figure 4 page as a reader's browser shows it (Debian's headless chromium, driven by playwright)."""


import pytest
from chromium import FLAGS, chromium_or_skip

pytestmark = pytest.mark.slow

CHROMIUM = chromium_or_skip()


@pytest.fixture(scope="module")
def page(built_book, tmp_path_factory):
    from playwright.sync_api import sync_playwright

    out, _ = built_book
    url = (out / "html" / "notebooks" / "p2_fig4_long_term_outcome.html").as_uri()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1300, "height": 900})
        tab = context.new_page()
        tab.goto(url)
        tab.wait_for_load_state("load")
        yield tab
        browser.close()


def test_the_three_figures_are_drawn(page):
    sizes = page.eval_on_selector_all(
        "figure.cr-figure img", "imgs => imgs.map(i => [i.naturalWidth, i.naturalHeight])")
    assert len(sizes) == 3
    assert all(w > 300 and h > 200 for w, h in sizes)


def test_the_glued_numbers_are_in_the_prose(page):
    pasted = page.eval_on_selector_all("span.pasted-text", "spans => spans.map(s => s.textContent)")
    assert "71.6% (95% CI 44.2–99.0)" in pasted
    assert "9.1% (95% CI 0.0–26.2)" in pasted
    assert "58.1% (95% CI 35.2–81.0)" in pasted


def test_the_comparison_table_stands_next_to_the_figure(page):
    section = page.locator("section#figure-4a-leukemia-free-survival-after-allo-hct")
    assert section.locator("img").count() == 1
    row = section.locator("table.cartrepro-compare tr", has_text="p2_fig4a_lfs_1y")
    assert row.count() == 1
    assert "matches" in row.inner_text() and "71.6 (44.2–99.0)" in row.inner_text()


def test_a_number_links_to_its_method_card_in_one_click(page):
    row = page.locator("table.cartrepro-compare tr", has_text="p2_fig4a_lfs_1y")
    row.locator("a.cr-method").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("methods_survival.html#card-1-kaplan-meier-estimator-with-greenwood-variance")
    assert page.locator("section#card-1-kaplan-meier-estimator-with-greenwood-variance h2").is_visible()
    page.go_back()
