# Independent oracle: headline quantities of both papers computed in R from each cohort's CSV files.
#
# Written from the papers' definitions (P2: Pan et al., Leukemia 2019; P1: the CAR19/22 paper) and the
# method notes of the ledger (data/published/*.yaml), NOT from cartrepro's Python code. Reads every
# cohort folder under tests/oracle/cohorts/ and writes tests/oracle/fixtures/NAME.json:
#   {"cohort": NAME, "r": R version, "packages": {...},
#    "quantities": {ledger_id: {"value": x, "ci": [lo, hi] | null, "k": k, "n": n} | {"value": null,
#                   "reason": why}}}
# Units are the ledger's: percent for survival estimates and proportions, months for P2 follow-up
# medians (days / 30.4375), days for days, fractions for AUC, raw P values.
#
# Needs: survival, pROC, coin, jsonlite (Debian r-cran-*). Run from the repository root:
#   Rscript tests/oracle/oracle.R
# Deterministic: no random step; rerunning with the same versions rewrites identical files.

suppressPackageStartupMessages({
  library(survival)
  library(pROC)
  library(coin)
  library(jsonlite)
})

root <- "tests/oracle"
cohort_dir <- file.path(root, "cohorts")
fixture_dir <- file.path(root, "fixtures")
dir.create(fixture_dir, showWarnings = FALSE)

DAYS_PER_MONTH <- 30.4375
SIX_MONTHS <- 6 * DAYS_PER_MONTH      # P1 "within 6 months": relapse on day <= 182.625
P2_HORIZON <- 365                     # P2 "1-year" LFS / relapse
P1_HORIZON <- 365.25                  # P1 "12-month" OS / PFS
CR <- c("cr_mrd_negative", "cr_mrd_positive")

value <- function(x, ci = NULL, k = NULL, n = NULL) {
  out <- list(value = unname(x))
  out$ci <- if (is.null(ci)) NULL else unname(as.numeric(ci))
  if (!is.null(k)) out$k <- k
  if (!is.null(n)) out$n <- n
  out
}
missing_value <- function(reason) list(value = NULL, reason = reason)

read_table <- function(path) {
  read.csv(path, stringsAsFactors = FALSE, na.strings = "", check.names = FALSE, encoding = "UTF-8")
}
as_bool <- function(x) tolower(as.character(x)) == "true"

# ---- shared methods --------------------------------------------------------------------------------

# SPSS shows S and its SE to 3 decimals; the paper's CI is S -/+ 1.96 SE from those printed numbers
# (ledger convention spss_rounding). Half-up rounding of the decimal number (R's round() is not half-up).
half_up <- function(x, d = 3) floor(x * 10^d + 0.5 + 1e-9) / 10^d

km_at <- function(time, event, t) {
  # Kaplan-Meier S(t) and Greenwood SE (right-continuous; 1 and 0 before the first event)
  fit <- survfit(Surv(time, event) ~ 1, conf.type = "none")
  s <- summary(fit, times = t, extend = TRUE)
  if (!any(event & time <= t)) return(c(surv = 1, se = 0))
  c(surv = s$surv, se = s$std.err)
}

p2_km <- function(time, event, failure = FALSE) {
  est <- km_at(time, event, P2_HORIZON)
  if (est[["surv"]] == 0) {  # everyone failed: Greenwood's SE is undefined (0/0), so is the CI
    return(c(value(if (failure) 100 else 0), list(ci_note = "S = 0: Greenwood SE and CI undefined")))
  }
  s <- half_up(est[["surv"]])
  se <- half_up(est[["se"]])
  lo <- max(0, s - 1.96 * se)
  hi <- min(1, s + 1.96 * se)
  if (failure) value(100 * (1 - s), 100 * c(1 - hi, 1 - lo)) else value(100 * s, 100 * c(lo, hi))
}

p1_km <- function(time, event) {
  # 12-month KM with the log(-log) Greenwood interval (R survfit conf.type = "log-log")
  if (!any(event & time <= P1_HORIZON)) return(value(100, c(100, 100)))
  fit <- survfit(Surv(time, event) ~ 1, conf.type = "log-log")
  s <- summary(fit, times = P1_HORIZON, extend = TRUE)
  if (s$surv == 0) return(c(value(0), list(ci_note = "S = 0: log-log CI undefined")))
  value(100 * s$surv, 100 * c(s$lower, s$upper))
}

rate <- function(k, n) {
  # k/n in percent with the exact Clopper-Pearson interval (binom.test)
  if (n == 0) return(missing_value("empty group"))
  ci <- binom.test(k, n)$conf.int
  value(100 * k / n, 100 * ci, k = k, n = n)
}

spss_median <- function(x) if (length(x)) median(x) else NULL   # even n: mean of the two middle values

mann_whitney_p <- function(a, b) {
  # two-sided exact Mann-Whitney: wilcox.test without ties; with ties the exact conditional
  # (permutation) distribution of the mid-rank statistic, coin::wilcox_test(distribution = "exact")
  if (!length(a) || !length(b)) return(NULL)
  all <- c(a, b)
  if (anyDuplicated(all)) {
    g <- factor(c(rep("a", length(a)), rep("b", length(b))), levels = c("a", "b"))
    return(pvalue(wilcox_test(all ~ g, distribution = "exact")))
  }
  wilcox.test(a, b, exact = TRUE)$p.value
}

hanley_mcneil <- function(cases, controls) {
  # Empirical AUC (cases lower = test positive: AUC = P(case < control) + 1/2 P(tie)) and the
  # Hanley & McNeil (1982) SE with Q1 = P(two cases both below one control), Q2 = P(one case below
  # two controls), estimated from the data; Wald CI A -/+ 1.96 SE (qnorm(0.975)), not truncated.
  k <- outer(cases, controls, function(x, y) (x < y) + 0.5 * (x == y))
  a <- mean(k)
  q1 <- mean(colMeans(k)^2)
  q2 <- mean(rowMeans(k)^2)
  na <- length(cases); nn <- length(controls)
  se <- sqrt((a * (1 - a) + (na - 1) * (q1 - a^2) + (nn - 1) * (q2 - a^2)) / (na * nn))
  z <- qnorm(0.975)
  list(auc = a, ci = c(a - z * se, a + z * se))
}

youden <- function(cases, controls) {
  # Youden's index J = sens + spec - 1 over the candidate cutoffs of the ledger's method note: the midpoints
  # of adjacent distinct observed values (pROC's finite thresholds; its -Inf and Inf are not cutoffs).
  # Cases have LOWER values (pROC direction ">": controls > t >= cases). Ties of J: the highest sensitivity.
  # NULL when no candidate has J > 0 (a single distinct value, or cases not lower than controls): then no
  # cutoff, and nothing that needs one (sensitivity, specificity, the log-rank split), is computable.
  r <- roc(controls = controls, cases = cases, direction = ">", quiet = TRUE)
  all <- coords(r, "all", ret = c("threshold", "sensitivity", "specificity"), transpose = FALSE)
  all <- all[is.finite(all$threshold), , drop = FALSE]
  if (!nrow(all)) return(NULL)
  j <- round(all$sensitivity + all$specificity - 1, 12)
  if (max(j) <= 0) return(NULL)  # no midpoint separates the groups in the stated direction
  best <- all[j == max(j), , drop = FALSE]
  best[order(-best$sensitivity), , drop = FALSE][1, ]
}

wilson_brown <- function(k, n) {
  # GraphPad Prism's hybrid: Wilson score interval (prop.test without continuity correction); a limit is
  # replaced by the Poisson-type limit 0.5 * qchisq(0.05, 2x) / n when x (or n - x) is 1..2 (n <= 50) or
  # 1..3 (n > 50), as the ledger's method note describes.
  w <- if (n > 0) suppressWarnings(prop.test(k, n, correct = FALSE)$conf.int) else c(NA, NA)
  lo <- w[1]; hi <- w[2]
  x_star <- if (n <= 50) 2 else 3
  if (k >= 1 && k <= x_star) lo <- 0.5 * qchisq(0.05, 2 * k) / n
  if (n - k >= 1 && n - k <= x_star) hi <- 1 - 0.5 * qchisq(0.05, 2 * (n - k)) / n
  value(100 * k / n, 100 * c(lo, hi), k = k, n = n)
}

logrank_p <- function(time, event, group) {
  if (length(unique(group)) < 2) return(missing_value("one group only"))
  if (!any(event)) return(missing_value("no event"))
  sd <- survdiff(Surv(time, event) ~ group)
  value(pchisq(sd$chisq, length(sd$n) - 1, lower.tail = FALSE))
}

pearson <- function(x, y) {
  if (length(x) < 3 || sd(x) == 0 || sd(y) == 0) return(list(r = missing_value("fewer than 3 pairs or no spread"),
                                                          p = missing_value("fewer than 3 pairs or no spread")))
  ct <- cor.test(x, y, method = "pearson")
  list(r = value(unname(ct$estimate)), p = value(ct$p.value))
}

# ---- P2 (CD22) -------------------------------------------------------------------------------------

p2 <- function(d) {
  q <- list()
  cr <- d$day30_response %in% CR
  # Fig 4a-b: "the 11 CR patients who received allo-HCT" -- CR/CRi on day 30, transplanted, in remission at
  # the transplant (no relapse on or before the HCT day: a relapse found that day is what the HCT treated). Origin: the HCT day (Methods: "LFS was calculated from
  # date of allo-HCT to date of relapse or death, or the last follow-up"; TRM from the HCT date to death).
  hct_set <- d[cr & !is.na(d$hct_day) & (is.na(d$relapse_day) | d$relapse_day > d$hct_day), ]
  if (nrow(hct_set)) {
    rel <- !is.na(hct_set$relapse_day)
    dead <- !is.na(hct_set$death_day)
    end <- ifelse(rel, hct_set$relapse_day, ifelse(dead, hct_set$death_day, hct_set$last_followup_day))
    t <- end - hct_set$hct_day
    q$p2_fig4a_lfs_1y <- p2_km(t, rel | dead)
    q$p2_fig4b_relapse_1y <- p2_km(t, rel, failure = TRUE)      # 1 - KM, TRM censored
    q$p2_fig4a_relapse_n <- value(sum(rel))
    q$p2_fig4a_trm_n <- value(sum(!rel & dead))
    q$p2_fig4a_remission_n <- value(sum(!rel & !dead))
    q$p2_ltf_hct_day_median <- value(median(hct_set$hct_day))
  } else {
    for (id in c("p2_fig4a_lfs_1y", "p2_fig4b_relapse_1y", "p2_fig4a_relapse_n", "p2_fig4a_trm_n",
                 "p2_fig4a_remission_n", "p2_ltf_hct_day_median"))
      q[[id]] <- missing_value("no CR patient was transplanted in remission")
  }
  attr(q, "fig4a_set") <- sort(as.character(hct_set$patient_id))
  # Fig 4c: all CR patients from infusion; relapse or death, whichever first (HCT is not a censoring)
  crp <- d[cr, ]
  if (nrow(crp)) {
    first <- pmin(crp$relapse_day, crp$death_day, na.rm = TRUE)
    ev <- !is.na(first)
    q$p2_fig4c_lfs_1y <- p2_km(ifelse(ev, first, crp$last_followup_day), ev)
  } else {
    q$p2_fig4c_lfs_1y <- missing_value("no patient in CR on day 30")
  }
  # Fig 2a: response of the evaluated patients (assessed on day 30), exact CIs
  ev <- d[d$day30_response != "not_evaluated", ]
  grp <- function(s) ev[ev$baseline_status == s, ]
  hr <- grp("hematological_relapse"); mrd <- grp("fcm_mrd_positive"); emd <- grp("exclusive_emd")
  q$p2_fig2a_cr_evaluated <- rate(sum(ev$day30_response %in% CR), nrow(ev))
  q$p2_fig2a_cr_hr <- rate(sum(hr$day30_response %in% CR), nrow(hr))
  q$p2_fig2a_mrdneg_hr <- rate(sum(hr$day30_response == "cr_mrd_negative"), nrow(hr))
  q$p2_fig2a_mrd_conversion <- rate(sum(mrd$day30_response %in% CR), nrow(mrd))
  q$p2_fig2a_cr_emd <- rate(sum(emd$day30_response %in% CR), nrow(emd))
  q$p2_disc_mrdneg_evaluated <- rate(sum(ev$day30_response == "cr_mrd_negative"), nrow(ev))
  q$p2_resp_cr_enrolled <- rate(sum(cr), nrow(d))
  q$p2_resp_n_evaluated <- value(nrow(ev))
  # "3 of the 7 CR patients without further treatment remained in remission ... 4 had a relapse at 1.7 to 6
  # months (median 3.4 months)": CR, not withdrawn or lost, and not bridged to HCT in remission (a CR patient
  # whose relapse came on or before the HCT day relapsed without further therapy first)
  bridged <- !is.na(crp$hct_day) & (is.na(crp$relapse_day) | crp$relapse_day > crp$hct_day)
  nft <- crp[!bridged & is.na(crp$off_study), ]
  rel_m <- nft$relapse_day[!is.na(nft$relapse_day)] / DAYS_PER_MONTH
  q$p2_ltf_nft_relapse_n <- value(length(rel_m))
  q$p2_ltf_nft_relapse_median <- if (length(rel_m)) value(median(rel_m)) else missing_value("no NFT relapse")
  q$p2_base_age_median <- value(median(d$age_years))
  blasts <- d$marrow_blasts_pct[d$baseline_status == "hematological_relapse"]
  q$p2_base_hr_blasts_median <- if (length(blasts)) value(median(blasts)) else missing_value("no HR patient")
  q
}

# ---- P1 (CAR19/22) ---------------------------------------------------------------------------------

p1 <- function(pt, cy, tissue) {
  q <- list()
  pt$pfs_event <- as_bool(pt$pfs_event); pt$os_event <- as_bool(pt$os_event)
  suffix <- c(b_all = "ball", b_nhl = "bnhl")
  for (dis in names(suffix)) {
    s <- pt[pt$disease == dis, ]
    for (ep in c("os", "pfs")) {
      id <- sprintf(if (ep == "os") "p1_s3a_os12_%s" else "p1_s3b_pfs12_%s", suffix[[dis]])
      q[[id]] <- if (nrow(s)) p1_km(s[[paste0(ep, "_day")]], s[[paste0(ep, "_event")]]) else
        missing_value("no patient with this disease")
    }
    evl <- s[s$outcome != "excluded", ]
    nrer <- evl$outcome == "no_response" | (evl$outcome == "relapse" & evl$relapse_day <= SIX_MONTHS)
    q[[sprintf("p1_nr_%s_pct", suffix[[dis]])]] <- rate(sum(evl$outcome == "no_response"), nrow(evl))
    q[[sprintf("p1_nrer_%s_pct", suffix[[dis]])]] <- rate(sum(nrer), nrow(evl))
    q[[sprintf("p1_rem6m_%s_pct", suffix[[dis]])]] <- rate(sum(!nrer), nrow(evl))
  }
  q$p1_fu_median_all <- value(median(pt$followup_day))
  # NR/ER: no response, or relapse within 6 months of infusion; "over-6-month remission": the other
  # evaluable patients; excluded patients belong to neither group
  label <- ifelse(pt$outcome == "excluded", NA,
                  ifelse(pt$outcome == "no_response" | (pt$outcome == "relapse" & pt$relapse_day <= SIX_MONTHS),
                         "nr_er", "remission"))
  names(label) <- pt$patient_id
  peak <- function(cohort, analyte, timepoint = "il6_peak") {
    x <- cy[cy$cohort == cohort & cy$analyte == analyte & cy$timepoint == timepoint, ]
    x$group <- label[x$patient_id]
    x$pfs_day <- pt$pfs_day[match(x$patient_id, pt$patient_id)]
    x$pfs_event <- pt$pfs_event[match(x$patient_id, pt$patient_id)]
    x
  }
  mip <- peak("training", "MIP3α"); eo <- peak("training", "Eotaxin")
  q$p1_n_training <- value(nrow(mip))
  q$p1_n_training_nrer <- value(sum(mip$group %in% "nr_er"))
  q$p1_n_training_rem <- value(sum(mip$group %in% "remission"))
  q$p1_fc_median_mip3a <- value(median(mip$fold_change))
  q$p1_fc_median_eotaxin <- value(median(eo$fold_change))
  paired <- merge(mip[, c("sample_id", "fold_change")], eo[, c("sample_id", "fold_change")], by = "sample_id")
  cr <- pearson(paired$fold_change.x, paired$fold_change.y)
  q$p1_s3e_corr_r <- cr$r; q$p1_s3e_corr_p <- cr$p
  cut_mip <- NULL
  for (m in list(list(x = mip, s = "mip3a"), list(x = eo, s = "eotaxin"))) {
    a <- m$x$fold_change[m$x$group %in% "nr_er"]; b <- m$x$fold_change[m$x$group %in% "remission"]
    ids <- sprintf(c("p1_fig1d_auc_%s", "p1_fig1e_cutoff_%s", "p1_fig1e_sens_%s", "p1_fig1e_spec_%s"), m$s)
    if (!length(a) || !length(b)) {
      for (id in ids) q[[id]] <- missing_value("an empty NR/ER or remission group in training")
      next
    }
    hm <- hanley_mcneil(a, b)
    q[[ids[1]]] <- value(hm$auc, hm$ci)
    yd <- youden(a, b)
    q[[sprintf("p1_s4_mw_p_%s", m$s)]] <- value(mann_whitney_p(a, b))
    if (is.null(yd)) {
      for (id in ids[2:4]) q[[id]] <- missing_value("no midpoint cutoff with a positive Youden index")
      next
    }
    q[[ids[2]]] <- value(yd$threshold)
    q[[ids[3]]] <- wilson_brown(sum(a < yd$threshold), length(a))
    q[[ids[4]]] <- wilson_brown(sum(b > yd$threshold), length(b))
    if (m$s == "mip3a") cut_mip <- yd$threshold
  }
  for (an in c("EPO", "TSLP")) {
    x <- peak("training", an)
    a <- x$fold_change[x$group %in% "nr_er"]; b <- x$fold_change[x$group %in% "remission"]
    q[[sprintf("p1_s4_mw_p_%s", tolower(an))]] <- if (length(a) && length(b)) value(mann_whitney_p(a, b)) else
      missing_value("an empty group")
  }
  val <- peak("validation", "MIP3α")
  q$p1_n_validation <- value(nrow(val))
  q$p1_fig1f_mw_p <- if (is.null(q$p1_s4_mw_p_mip3a)) missing_value("an empty group") else q$p1_s4_mw_p_mip3a
  a <- val$fold_change[val$group %in% "nr_er"]; b <- val$fold_change[val$group %in% "remission"]
  q$p1_fig1h_mw_p <- if (length(a) && length(b)) value(mann_whitney_p(a, b)) else missing_value("an empty group")
  if (is.null(cut_mip)) {
    for (id in c("p1_fig1g_logrank_p", "p1_s3m_sens_val", "p1_s3m_spec_val", "p1_fig1i_logrank_p"))
      q[[id]] <- missing_value("no training cutoff")
  } else {
    # Fig 1g / 1i: PFS log-rank, MIP3a > cutoff vs <= cutoff, over every specimen of the cohort
    q$p1_fig1g_logrank_p <- logrank_p(mip$pfs_day, mip$pfs_event, mip$fold_change > cut_mip)
    q$p1_s3m_sens_val <- if (length(a)) value(100 * mean(a < cut_mip)) else missing_value("no NR/ER specimen")
    q$p1_s3m_spec_val <- if (length(b)) value(100 * mean(b > cut_mip)) else missing_value("no remission specimen")
    q$p1_fig1i_logrank_p <- if (nrow(val)) logrank_p(val$pfs_day, val$pfs_event, val$fold_change > cut_mip) else
      missing_value("no validation specimen")
  }
  if (is.null(tissue)) {
    q$p1_s4b_corr_r <- missing_value("no tissue table"); q$p1_s4b_corr_p <- missing_value("no tissue table")
  } else {
    j <- merge(tissue, pt[, c("patient_id", "pfs_day")], by = "patient_id")
    cr <- pearson(j$cd3_infiltration, j$pfs_day)
    q$p1_s4b_corr_r <- cr$r; q$p1_s4b_corr_p <- cr$p
  }
  q
}

versions <- list(R = R.version.string, survival = as.character(packageVersion("survival")),
                 pROC = as.character(packageVersion("pROC")), coin = as.character(packageVersion("coin")),
                 jsonlite = as.character(packageVersion("jsonlite")))
for (name in sort(list.files(cohort_dir))) {
  dir <- file.path(cohort_dir, name)
  cd22 <- read_table(file.path(dir, "cd22", "patients.csv"))
  pt <- read_table(file.path(dir, "car1922", "patients.csv"))
  cy <- read_table(file.path(dir, "car1922", "cytokines.csv"))
  tissue_path <- file.path(dir, "car1922", "tissue.csv")
  tissue <- if (file.exists(tissue_path)) read_table(tissue_path) else NULL
  q2 <- p2(cd22)
  quantities <- c(q2, p1(pt, cy, tissue))
  quantities <- quantities[order(names(quantities))]
  # the analysis set of Fig 4a-b (patient ids), for the definition tests
  out <- list(cohort = name, versions = versions, fig4a_set = I(attr(q2, "fig4a_set")), quantities = quantities)
  writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, null = "null", pretty = TRUE),
             file.path(fixture_dir, paste0(name, ".json")), useBytes = TRUE)
}
cat("wrote", length(list.files(cohort_dir)), "fixtures to", fixture_dir, "\n")
