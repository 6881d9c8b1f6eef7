"""The landing page's review findings: one sentence per Review section, computed by this build, linked to it.

Each sentence is filled from the ``review_`` records of the build (the cohort being built, shipped or a
user's) or, for the ensemble and the inconsistencies, from the committed ensemble table and the ledgers.
A section whose numbers are not computable on the data says so with the reason; nothing is typed.
"""

from __future__ import annotations

from collections.abc import Mapping

#: the Review part's pages (notebook stems) and their titles as the landing page links them
PAGES = {
    "screen": ("review_p1_screen", "Multiplicity of the screen"),
    "cutoff": ("review_p1_cutoff", "Optimism of a data-chosen marker and cutoff"),
    "p1_alternatives": ("review_p1_alternatives", "P1 conclusions under reasonable alternatives"),
    "p2_alternatives": ("review_p2_alternatives", "P2 conclusions under reasonable alternatives"),
    "ensemble": ("review_ensemble", "What the text pins down"),
    "inconsistencies": ("review_inconsistencies", "Where the papers disagree with themselves"),
}


#: the review ids (after their prefix) each computed sentence reads
SCREEN_KEYS = ("n_analytes", "raw_hits_ball", "raw_hits_bnhl", "bh_survivors_ball", "bh_survivors_bnhl", "min_q_ball",
               "min_q_bnhl", "overlap_observed", "overlap_expected", "overlap_p")
CUTOFF_KEYS = ("auc_apparent", "auc_optimism_corrected", "cutoff_best_split_logrank_p", "cutoff_maxstat_p")


def _link(section: str) -> str:
    stem, title = PAGES[section]
    return f"{{doc}}`{title} </notebooks/{stem}>`"


def _value(records: Mapping, review_id: str) -> object:
    return getattr(records[review_id], "value", records[review_id])


def _missing(records: Mapping, declared: Mapping[str, str], ids: list[str]) -> str | None:
    """None when every id was recorded; else the first stated reason (or 'not run on this data')."""
    for review_id in ids:
        if review_id not in records:
            return declared.get(review_id, "not run on this data")
    return None


def _screen(records: Mapping) -> str:
    v = {k: _value(records, f"review_p1_screen_{k}") for k in SCREEN_KEYS}
    return (f"Of {v['n_analytes']} analytes, {v['raw_hits_ball']} (B-ALL) and {v['raw_hits_bnhl']} (B-NHL) reach "
            f"raw P < 0.05; after Benjamini-Hochberg {v['bh_survivors_ball']} and {v['bh_survivors_bnhl']} survive "
            f"at q < 0.05 (smallest q {v['min_q_ball']:.3g} and {v['min_q_bnhl']:.3g}). An overlap of "
            f"{v['overlap_observed']} between the two hit lists (expected {v['overlap_expected']:.2g} if unrelated) "
            f"has P = {v['overlap_p']:.2g} under independence.")


def _cutoff(records: Mapping) -> str:
    v = {k: _value(records, f"review_p1_mip3a_{k}") for k in CUTOFF_KEYS}
    return (f"The MIP3α training AUC of {v['auc_apparent']:.3f} falls to {v['auc_optimism_corrected']:.3f} after "
            f"Harrell's bootstrap optimism correction; the log-rank P of {v['cutoff_best_split_logrank_p']:.2g} at "
            f"the best data-chosen split becomes {v['cutoff_maxstat_p']:.3g} as a maximally selected log-rank "
            f"statistic (Lausen and Schumacher 1992).")


def _alternatives(records: Mapping, paper: str) -> str:
    flips = _value(records, f"review_{paper}_alt_flips")
    total = _value(records, f"review_{paper}_alt_conclusions")
    verb = "flips" if flips == 1 else "flip"
    return (f"{flips} of the {total} {paper.upper()} conclusions checked (P < 0.05, or a CI excluding the null) "
            f"{verb} under another reasonable method.")


#: section -> (review ids it needs, sentence builder)
SECTIONS = {
    "screen": (["review_p1_screen_" + k for k in SCREEN_KEYS], _screen),
    "cutoff": (["review_p1_mip3a_" + k for k in CUTOFF_KEYS], _cutoff),
    "p1_alternatives": (["review_p1_alt_flips", "review_p1_alt_conclusions"],
                        lambda r: _alternatives(r, "p1")),
    "p2_alternatives": (["review_p2_alt_flips", "review_p2_alt_conclusions"],
                        lambda r: _alternatives(r, "p2")),
}


def _ensemble_sentence() -> str:
    from cartrepro.analysis.review.ensemble import overview

    sentence, counts, _, _ = overview()
    if counts.empty:
        return sentence
    names = {"cd22": "P2", "car1922": "P1"}
    parts = [f"{names.get(row.paper, row.paper)}: {row.determined} of {row.quantities} quantities the same in "
             f"every cohort" for row in counts.sort_values("paper", ascending=False).itertuples(index=False)]
    return f"Across the committed ensemble of admissible reconstructions, {'; '.join(parts)}. {sentence}"


def _inconsistency_sentence() -> str:
    from cartrepro.pages.inconsistencies import inconsistency_counts

    counts = inconsistency_counts()
    return (f"The ledgers list {counts['items'].sum()} places where a paper's printed numbers disagree with each "
            f"other or with the arithmetic; for {counts['printed digits no data can give'].sum()} of them no data "
            f"can give the printed digits.")


def _lead(shipped: set[str]) -> str:
    """Whose data the computed sentences describe: the shipped synthetic cohorts, the user's, or both."""
    names = {"cd22": "P2", "car1922": "P1"}
    if shipped >= set(names):
        return ("Computed by this build on the shipped synthetic cohorts, so they describe the reconstruction, not "
                "the trials: they show what a reviewer would compute on the real data.")
    if not shipped:
        return "Computed by this build on the data given to it."
    ours = ", ".join(names[p] for p in sorted(shipped))
    return (f"Computed by this build: the {ours} numbers on the shipped synthetic cohort (they describe the "
            f"reconstruction, not the trial), the others on the data given to this build.")


def review_findings_markdown(records: Mapping, declared: Mapping[str, str], shipped: set[str]) -> str:
    """A bullet list: per Review section one computed sentence and a link to the section.

    ``records`` maps ids to what the build recorded (objects with ``.value``, or plain values); ``declared``
    maps ids to the reason they are not computable; ``shipped`` names the papers (``cd22``, ``car1922``) whose
    cohort is the shipped synthetic one (the lead-in then says their numbers describe the reconstruction).

    Examples
    --------
    >>> text = review_findings_markdown({"review_p1_alt_flips": 1, "review_p1_alt_conclusions": 5},
    ...                                 {"review_p2_alt_flips": "no cd22 data"}, shipped=set())
    >>> print(text.splitlines()[0])
    Computed by this build on the data given to it.
    >>> lines = {line.split("{doc}")[1]: line.split(" {doc}")[0] for line in text.splitlines() if "{doc}" in line}
    >>> print(lines["`P1 conclusions under reasonable alternatives </notebooks/review_p1_alternatives>`"])
    - 1 of the 5 P1 conclusions checked (P < 0.05, or a CI excluding the null) flips under another reasonable method.
    >>> print(lines["`P2 conclusions under reasonable alternatives </notebooks/review_p2_alternatives>`"])
    - Not computable on this data: no cd22 data.
    """
    lines = [_lead(set(shipped)), ""]
    for section, (ids, sentence) in SECTIONS.items():
        reason = _missing(records, declared, ids)
        text = sentence(records) if reason is None else f"Not computable on this data: {reason.rstrip('.')}."
        lines.append(f"- {text} {_link(section)}")
    lines.append(f"- {_ensemble_sentence()} It describes the shipped generators, not this build's data. "
                 f"{_link('ensemble')}")
    lines.append(f"- {_inconsistency_sentence()} {_link('inconsistencies')}")
    return "\n".join(lines) + "\n"
