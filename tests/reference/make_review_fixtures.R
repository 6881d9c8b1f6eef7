# Frozen R reference values for the review chapter (cartrepro.analysis.review, cartrepro.stats.maxstat,
# cartrepro.stats.optimism). Run from the repository root after make_review_inputs.py:
#   Rscript tests/reference/make_review_fixtures.R
# Reads tests/reference/fixtures/review_inputs.json, writes tests/reference/fixtures/review.json.
# Needs: jsonlite, survival, maxstat (r-cran-maxstat), pROC.
suppressPackageStartupMessages({library(jsonlite); library(survival); library(maxstat); library(pROC)})
inp <- fromJSON("tests/reference/fixtures/review_inputs.json", simplifyVector = TRUE)

# ---- multiplicity ------------------------------------------------------------------------------------
mult <- lapply(inp$p_values, function(p) {
  q <- p.adjust(p, method = "BH")
  list(q = q, raw = sum(p < 0.05), bh05 = sum(q < 0.05), bh10 = sum(q < 0.10),
       bonferroni = sum(p.adjust(p, method = "bonferroni") < 0.05), min_q = min(q))
})

# ---- hypergeometric overlap -------------------------------------------------------------------------
ov <- inp$overlap
overlap <- lapply(seq_len(nrow(ov)), function(i) {
  N <- ov[i, 1]; K <- ov[i, 2]; n <- ov[i, 3]; k <- ov[i, 4]
  list(N = N, K = K, n = n, k = k, expected = K * n / N,
       p = phyper(k - 1, K, N - K, n, lower.tail = FALSE))
})

# ---- maximally selected log-rank statistic ----------------------------------------------------------
ms <- lapply(inp$maxstat, function(d) {
  df <- data.frame(time = d$time, event = d$event, x = d$x)
  r <- maxstat.test(Surv(time, event) ~ x, data = df, smethod = "LogRank", pmethod = "Lau92",
                    minprop = 0.1, maxprop = 0.9)
  lr <- survdiff(Surv(time, event) ~ I(x > r$estimate), data = df)
  list(statistic = unname(r$statistic), cutpoint = unname(r$estimate), p = r$p.value,
       n_cuts = length(r$cuts), best_split_logrank_p = pchisq(lr$chisq, 1, lower.tail = FALSE))
})

# ---- Harrell's bootstrap optimism, replaying Python's resamples --------------------------------------
b <- inp$bootstrap
X <- b$cases; Y <- b$controls
auc_lower <- function(cases, controls) {  # Pr(case < control) + 1/2 Pr(tie): pROC direction ">"
  as.numeric(auc(roc(controls = controls, cases = cases, direction = ">", quiet = TRUE)))
}
best_marker <- function(cx, cy, tx, ty) {
  a <- sapply(seq_len(ncol(cx)), function(j) auc_lower(cx[, j], cy[, j]))
  two <- pmax(a, 1 - a); k <- which.max(two)
  test <- auc_lower(tx[, k], ty[, k])
  c(two[k], if (a[k] >= 0.5) test else 1 - test)
}
youden <- function(cx, cy, tx, ty) {  # column 1, cases lower; ties in J: highest sensitivity
  r <- roc(controls = cy[, 1], cases = cx[, 1], direction = ">", quiet = TRUE)
  j <- round(r$sensitivities + r$specificities - 1, 12)
  cand <- which(j == max(j)); i <- cand[which.max(r$sensitivities[cand])]
  t <- r$thresholds[i]
  c((r$sensitivities[i] + r$specificities[i]) / 2, (mean(tx[, 1] < t) + mean(ty[, 1] > t)) / 2)
}
harrell <- function(strategy) {
  apparent <- strategy(X, Y, X, Y)[1]
  pairs <- t(sapply(seq_len(b$n_boot), function(i) {
    strategy(X[b$idx_cases[i, ] + 1, , drop = FALSE], Y[b$idx_controls[i, ] + 1, , drop = FALSE], X, Y)
  }))
  optimism <- mean(pairs[, 1] - pairs[, 2])
  list(apparent = apparent, optimism = optimism, corrected = apparent - optimism)
}

# ---- correlation P values (alternatives table): cor.test's three methods, R's default P for each ----------
corr <- lapply(inp$correlation, function(d) {
  ok <- !(is.na(d$x) | is.na(d$y)); x <- d$x[ok]; y <- d$y[ok]
  pe <- cor.test(x, y); sp <- suppressWarnings(cor.test(x, y, method = "spearman", exact = FALSE))
  ke <- suppressWarnings(cor.test(x, y, method = "kendall"))
  list(n = length(x), pearson_r = unname(pe$estimate), pearson_p = pe$p.value, spearman_rho = unname(sp$estimate),
       spearman_p = sp$p.value, kendall_tau = unname(ke$estimate), kendall_p = ke$p.value,
       kendall_exact = is.null(ke$statistic) || names(ke$statistic) == "T")
})

out <- list(multiplicity = mult, overlap = overlap, maxstat = ms, correlation = corr,
            bootstrap = list(best_marker_auc = harrell(best_marker), youden_accuracy = harrell(youden)),
            versions = list(R = R.version.string, maxstat = as.character(packageVersion("maxstat")),
                            survival = as.character(packageVersion("survival")),
                            pROC = as.character(packageVersion("pROC"))))
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/reference/fixtures/review.json")
cat("wrote tests/reference/fixtures/review.json\n")
