"""The Review part in the built book (issue 11): its pages, its review_ ids in results.json, and the
scorecard's review section (no match column)."""

import json

import pytest

pytestmark = pytest.mark.slow


def test_review_part_results_and_scorecard_section(built_book):
    out, _ = built_book
    results = json.loads((out / "results.json").read_text())
    review = {k for k in results if k.startswith("review_")}
    assert len(review) >= 10
    assert {"review_p1_mip3a_auc_optimism_corrected", "review_p1_mip3a_cutoff_maxstat_p",
            "review_p1_screen_bh_survivors_ball", "review_p1_screen_bh_survivors_bnhl"} <= review
    for page in ("review_p1_screen", "review_p1_cutoff", "review_p1_alternatives", "review_p2_alternatives",
                 "review_ensemble", "review_inconsistencies"):
        assert (out / "html" / "notebooks" / f"{page}.html").is_file(), page
    # index.html only redirects to the landing page; the Review part is in the landing page's navigation
    landing = (out / "html" / "book" / "intro.html").read_text(encoding="utf-8")
    assert "Review" in landing
    # the landing page's review findings: one computed line per Review section, each linking to it
    article = landing.split('<article', 1)[1].split("</article>", 1)[0]
    findings = article.split('id="what-a-reviewer-would-ask"', 1)[1].split("<section", 1)[0]
    for page in ("review_p1_screen", "review_p1_cutoff", "review_p1_alternatives", "review_p2_alternatives",
                 "review_ensemble", "review_inconsistencies"):
        assert f'href="../notebooks/{page}.html"' in findings, page
    optimism = results["review_p1_mip3a_auc_optimism_corrected"]
    assert f"falls to {optimism:.3f} after" in findings
    scorecard = (out / "html" / "book" / "scorecard.html").read_text(encoding="utf-8")
    section = scorecard.split('id="review-quantities"', 1)[1]
    assert "review_p1_mip3a_cutoff_maxstat_p" in section
    head = section.split("<thead>", 1)[1].split("</thead>", 1)[0].lower()
    assert "match" not in head and "value" in head
