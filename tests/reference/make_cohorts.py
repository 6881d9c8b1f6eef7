"""Generate the reference survival cohorts that R turns into fixtures (``make_fixtures.R``).

Deterministic: every cohort has its own fixed numpy ``default_rng`` seed (CRC32 of its name), so
rerunning rewrites the same CSVs byte for byte. Each CSV ``tests/reference/cohorts/NAME.csv`` has the columns

* ``time``  follow-up time (>= 0; integer days where ties are wanted, else rounded to a few decimals so
  that R and Python parse exactly the same numbers),
* ``event`` 1 = event (any cause), 0 = censored,
* ``group`` group label (a single "A" for one-sample cohorts; 2-4 labels for the log-rank cohorts),
* ``cause`` 0 = censored, 1/2 = cause of failure (for cohorts without competing risks cause == event).

Run: ``.venv/bin/python tests/reference/make_cohorts.py`` (then ``Rscript tests/reference/make_fixtures.R``).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

OUT_DIR = Path(__file__).resolve().parent / "cohorts"


def _frame(time, event, group=None, cause=None) -> pd.DataFrame:
    time = np.asarray(time, dtype=float)
    event = np.asarray(event, dtype=int)
    if group is None:
        group = np.full(time.shape[0], "A")
    if cause is None:
        cause = event
    return pd.DataFrame(
        {"time": time, "event": event, "group": np.asarray(group), "cause": np.asarray(cause)}
    )


def _censored(rng, n, event_scale, censor_scale, *, days=False, decimals=3, shape=1.0) -> tuple:
    """Weibull event times, exponential censoring; returns (time, event)."""
    ev = event_scale * rng.weibull(shape, n)
    ce = rng.exponential(censor_scale, n)
    time = np.minimum(ev, ce)
    event = (ev <= ce).astype(int)
    time = np.ceil(time) if days else np.round(time, decimals)
    return time, event


def _competing(rng, n, scale1, scale2, censor_scale, *, days=True, decimals=3) -> tuple:
    """Two latent exponential causes and exponential censoring; returns (time, event, cause)."""
    t1 = rng.exponential(scale1, n)
    t2 = rng.exponential(scale2, n)
    tc = rng.exponential(censor_scale, n) if censor_scale is not None else np.full(n, np.inf)
    stacked = np.vstack([tc, t1, t2])
    cause = np.argmin(stacked, axis=0)
    time = stacked.min(axis=0)
    time = np.ceil(time) if days else np.round(time, decimals)
    return time, (cause > 0).astype(int), cause


def _groups(rng, sizes: dict[str, tuple[int, float, float]], *, days=False) -> pd.DataFrame:
    """Several groups, each (n, event_scale, censor_scale)."""
    frames = []
    for label, (n, ev_scale, ce_scale) in sizes.items():
        t, e = _censored(rng, n, ev_scale, ce_scale, days=days)
        frames.append(_frame(t, e, np.full(n, label)))
    return pd.concat(frames, ignore_index=True)


# ------------------------------------------------------------------ one-sample Kaplan-Meier cohorts


def p2_paper_relapse(rng):
    # the P2 paper's case: 11 patients, one relapse at day 33, ten censored after one year
    later = rng.integers(380, 900, 10)
    return _frame(np.concatenate([[33], later]), [1] + [0] * 10)


def tiny_n2(rng):
    return _frame([5, 9], [1, 0])


def tiny_n3(rng):
    return _frame([3, 7, 7], [1, 1, 0])  # event and censoring tied at day 7


def tiny_n5(rng):
    return _frame(rng.integers(1, 30, 5), [1, 0, 1, 1, 0])


def all_events_ties(rng):
    return _frame(rng.integers(1, 16, 25), np.ones(25, int))  # S reaches 0, many ties


def all_events_continuous(rng):
    return _frame(np.round(rng.exponential(100, 12), 3), np.ones(12, int))


def heavy_censoring_continuous(rng):
    t, e = _censored(rng, 300, 400.0, 60.0)
    return _frame(t, e)


def heavy_censoring_ties(rng):
    t, e = _censored(rng, 120, 300.0, 50.0, days=True)
    return _frame(t, e)


def ties_integer_days(rng):
    t, e = _censored(rng, 200, 30.0, 60.0, days=True)
    return _frame(t, e)


def censor_tied_with_events(rng):
    t = rng.choice([10, 20, 30, 40, 50, 60], 60)
    e = rng.integers(0, 2, 60)
    return _frame(t, e)


def censored_tail(rng):
    early = rng.integers(1, 60, 20)
    tail = rng.integers(200, 1000, 30)  # all censored after the last event
    return _frame(np.concatenate([early, tail]), np.concatenate([np.ones(20, int), np.zeros(30, int)]))


def large_continuous(rng):
    t, e = _censored(rng, 2000, 500.0, 700.0, decimals=4, shape=1.3)
    return _frame(t, e)


def single_event(rng):
    t = rng.integers(10, 500, 10)
    e = np.zeros(10, int)
    e[4] = 1
    return _frame(t, e)


def events_at_time_zero(rng):
    t, e = _censored(rng, 40, 20.0, 40.0, days=True)
    t[:3] = 0  # two events and one censoring at time 0
    e[:3] = [1, 1, 0]
    return _frame(t, e)


def last_time_all_events_tied(rng):
    t, e = _censored(rng, 30, 50.0, 80.0, days=True)
    last = t.max() + 5
    t[:3] = last  # the three longest followed fail together: S drops to 0 with ties
    e[:3] = 1
    return _frame(t, e)


def first_obs_censored(rng):
    t, e = _censored(rng, 25, 100.0, 150.0, days=True)
    t[:4] = [1, 1, 2, 2]  # censored before the first event
    e[:4] = 0
    e[t <= 2] = 0
    return _frame(t, e)


def weibull_decreasing_hazard(rng):
    t, e = _censored(rng, 150, 200.0, 400.0, decimals=2, shape=0.6)
    return _frame(t, e)


def months_two_decimals(rng):
    t, e = _censored(rng, 60, 18.0, 24.0, decimals=2)
    return _frame(t, e)


def no_events(rng):
    return _frame(rng.integers(5, 100, 8), np.zeros(8, int))


def small_many_ties(rng):
    return _frame(rng.integers(1, 4, 15), rng.integers(0, 2, 15))


# ------------------------------------------------------------------ log-rank cohorts


def lr2_equal_hazards(rng):
    return _groups(rng, {"A": (50, 100.0, 150.0), "B": (50, 100.0, 150.0)})


def lr2_different_hazards(rng):
    return _groups(rng, {"A": (60, 60.0, 150.0), "B": (60, 160.0, 150.0)})


def lr2_tiny_vs_large(rng):
    return _groups(rng, {"A": (20, 80.0, 120.0), "B": (2, 40.0, 400.0)}, days=True)


def lr2_ties_integer(rng):
    return _groups(rng, {"ctrl": (40, 20.0, 30.0), "cart": (40, 35.0, 30.0)}, days=True)


def lr2_heavy_censoring(rng):
    return _groups(rng, {"A": (75, 400.0, 60.0), "B": (75, 200.0, 60.0)}, days=True)


def lr2_unbalanced(rng):
    return _groups(rng, {"A": (200, 100.0, 120.0), "B": (15, 50.0, 120.0)})


def lr2_group_censored_before_first_event(rng):
    a_t, a_e = _censored(rng, 10, 50.0, 80.0, days=True)
    a_t = a_t + 10  # group A starts after day 10
    a_e[0] = 1
    b_t = np.array([1, 2, 3])  # group B all censored before any event: no expected events
    return _frame(np.concatenate([a_t, b_t]), np.concatenate([a_e, [0, 0, 0]]), ["A"] * 10 + ["B"] * 3)


def lr3_equal(rng):
    return _groups(rng, {"A": (30, 90.0, 120.0), "B": (30, 90.0, 120.0), "C": (30, 90.0, 120.0)})


def lr3_different_ties(rng):
    return _groups(
        rng, {"low": (50, 15.0, 40.0), "mid": (50, 25.0, 40.0), "high": (50, 45.0, 40.0)}, days=True
    )


def lr3_tiny_groups(rng):
    return _groups(rng, {"A": (3, 30.0, 60.0), "B": (5, 60.0, 60.0), "C": (2, 20.0, 100.0)}, days=True)


def lr4_groups(rng):
    sizes = {"g1": (40, 50.0, 90.0), "g2": (40, 70.0, 90.0), "g3": (40, 90.0, 90.0), "g4": (40, 120.0, 90.0)}
    return _groups(rng, sizes, days=True)


# ------------------------------------------------------------------ competing-risk cohorts


def cr_ties_integer(rng):
    t, e, c = _competing(rng, 120, 60.0, 90.0, 120.0)
    return _frame(t, e, cause=c)


def cr_heavy_censoring(rng):
    t, e, c = _competing(rng, 200, 400.0, 500.0, 70.0)
    return _frame(t, e, cause=c)


def cr_small_n8(rng):
    return _frame([2, 3, 3, 5, 8, 8, 9, 12], [1, 1, 0, 1, 1, 1, 0, 1], cause=[1, 2, 0, 1, 2, 1, 0, 2])


def cr_no_censoring(rng):
    t, e, c = _competing(rng, 40, 20.0, 30.0, None)
    return _frame(t, e, cause=c)


def cr_cause_tied_times(rng):
    t = rng.choice([7, 14, 21, 28, 35], 50)
    c = rng.choice([0, 1, 2], 50)
    return _frame(t, (c > 0).astype(int), cause=c)


def cr_last_time_both_causes(rng):
    t, e, c = _competing(rng, 30, 40.0, 60.0, 100.0)
    last = t.max() + 3
    t[:4] = last  # everyone still at risk fails at the last time, from both causes
    c[:4] = [1, 2, 1, 2]
    return _frame(t, (c > 0).astype(int), cause=c)


def cr_two_groups(rng):
    t1, e1, c1 = _competing(rng, 75, 50.0, 100.0, 120.0)
    t2, e2, c2 = _competing(rng, 75, 90.0, 80.0, 120.0)
    return _frame(
        np.concatenate([t1, t2]), np.concatenate([e1, e2]), ["A"] * 75 + ["B"] * 75, np.concatenate([c1, c2])
    )


def cr_rare_cause2(rng):
    t, e, c = _competing(rng, 100, 50.0, 600.0, 90.0)
    return _frame(t, e, cause=c)


def cr_continuous(rng):
    t, e, c = _competing(rng, 300, 5.0, 8.0, 10.0, days=False, decimals=4)
    return _frame(t, e, cause=c)


def cr_cause2_only_then_cause1(rng):
    # competing events first (variance accumulators move before the first cause-1 event), cause 1 later
    t = np.array([1, 2, 2, 3, 4, 6, 6, 6, 9, 10, 11, 15])
    c = np.array([2, 2, 0, 2, 0, 1, 1, 2, 0, 1, 2, 0])
    return _frame(t, (c > 0).astype(int), cause=c)


COHORTS: dict[str, Callable[[np.random.Generator], pd.DataFrame]] = {
    fn.__name__: fn
    for fn in [
        p2_paper_relapse,
        tiny_n2,
        tiny_n3,
        tiny_n5,
        all_events_ties,
        all_events_continuous,
        heavy_censoring_continuous,
        heavy_censoring_ties,
        ties_integer_days,
        censor_tied_with_events,
        censored_tail,
        large_continuous,
        single_event,
        events_at_time_zero,
        last_time_all_events_tied,
        first_obs_censored,
        weibull_decreasing_hazard,
        months_two_decimals,
        no_events,
        small_many_ties,
        lr2_equal_hazards,
        lr2_different_hazards,
        lr2_tiny_vs_large,
        lr2_ties_integer,
        lr2_heavy_censoring,
        lr2_unbalanced,
        lr2_group_censored_before_first_event,
        lr3_equal,
        lr3_different_ties,
        lr3_tiny_groups,
        lr4_groups,
        cr_ties_integer,
        cr_heavy_censoring,
        cr_small_n8,
        cr_no_censoring,
        cr_cause_tied_times,
        cr_last_time_both_causes,
        cr_two_groups,
        cr_rare_cause2,
        cr_continuous,
        cr_cause2_only_then_cause1,
    ]
}


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for old in OUT_DIR.glob("*.csv"):
        old.unlink()
    for name, make in COHORTS.items():
        # the seed depends on the name only, so adding a cohort leaves the others unchanged
        frame = make(np.random.default_rng(zlib.crc32(name.encode())))
        frame.to_csv(OUT_DIR / f"{name}.csv", index=False, float_format="%.10g", lineterminator="\n")
    print(f"wrote {len(COHORTS)} cohorts to {OUT_DIR}")


if __name__ == "__main__":
    main()
