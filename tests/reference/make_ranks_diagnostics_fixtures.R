# Frozen R reference values for cartrepro.stats.ranks and cartrepro.stats.diagnostics.
# Run from the repository root: Rscript tests/reference/make_ranks_diagnostics_fixtures.R
# Writes tests/reference/fixtures/ranks_diagnostics.json. Cases are built here with a fixed seed.
# Needs: jsonlite, pROC (r-cran-proc), coin (r-cran-coin; exact conditional Wilcoxon test with ties).
suppressPackageStartupMessages({library(jsonlite); library(pROC); library(coin)})
set.seed(2021031)

# ---- exact Mann-Whitney -------------------------------------------------------------------------------
mw_cases <- list()
add_mw <- function(name, a, b) {
  case <- list(name = name, a = a, b = b, ties = anyDuplicated(c(a, b)) > 0)
  if (!case$ties) {
    w <- wilcox.test(a, b, exact = TRUE)
    case$wilcox_exact_w <- unname(w$statistic)
    case$wilcox_exact_p <- w$p.value
  }
  d <- data.frame(y = c(a, b), g = factor(rep(c("a", "b"), c(length(a), length(b)))))
  case$coin_exact_p <- pvalue(wilcox_test(y ~ g, data = d, distribution = "exact"))[1]
  mw_cases[[length(mw_cases) + 1]] <<- case
}
add_mw("tiny", c(1.5, 3.2), c(2.1, 4.4, 5.0))
add_mw("separated", c(1, 2, 3, 4), c(5, 6, 7, 8, 9))
add_mw("paper_13_26", round(rnorm(13, 4.3, 0.3), 4), round(rnorm(26, 4.8, 0.4), 4))
for (i in 1:8) {
  n1 <- sample(2:20, 1); n2 <- sample(2:25, 1)
  add_mw(sprintf("untied_%02d", i), round(rnorm(n1, 0, 1), 6), round(rnorm(n2, 0.5, 1.2), 6))
}
for (i in 1:10) {  # ties: values on a coarse grid
  n1 <- sample(2:15, 1); n2 <- sample(3:25, 1)
  add_mw(sprintf("tied_%02d", i), sample(1:6, n1, replace = TRUE), sample(2:8, n2, replace = TRUE))
}
add_mw("tied_6_23", round(rnorm(6, 4.2, 0.5), 1), round(rnorm(23, 5.0, 0.6), 1))

# ---- ROC ---------------------------------------------------------------------------------------------
roc_cases <- list()
add_roc <- function(name, cases, controls, direction) {
  # direction ">": controls > t >= cases (cases lower); "<": controls < t <= cases (cases higher)
  r <- roc(controls = controls, cases = cases, direction = direction, quiet = TRUE)
  ci <- ci.auc(r, method = "delong")
  best <- coords(r, x = "best", best.method = "youden", ret = c("threshold", "sensitivity", "specificity"),
                 transpose = FALSE)
  roc_cases[[length(roc_cases) + 1]] <<- list(
    name = name, cases = cases, controls = controls,
    direction = if (direction == ">") "lower" else "higher",
    auc = as.numeric(auc(r)), delong_low = ci[1], delong_high = ci[3],
    delong_se = sqrt(var(r, method = "delong")),
    thresholds = r$thresholds, sensitivities = r$sensitivities, specificities = r$specificities,
    youden_threshold = best$threshold, youden_sensitivity = best$sensitivity,
    youden_specificity = best$specificity)
}
add_roc("paper_like_lower", round(rnorm(13, 4.3, 0.3), 3), round(rnorm(26, 4.9, 0.4), 3), ">")
add_roc("paper_like_higher", round(rnorm(13, 2, 1), 3), round(rnorm(26, 1, 1), 3), "<")
for (i in 1:8) {
  nc <- sample(3:30, 1); nn <- sample(3:30, 1)
  add_roc(sprintf("random_%02d", i), round(rnorm(nc, 0, 1), 4), round(rnorm(nn, 0.7, 1), 4), ">")
}
for (i in 1:6) {
  nc <- sample(4:25, 1); nn <- sample(4:25, 1)
  add_roc(sprintf("tied_%02d", i), sample(1:7, nc, replace = TRUE), sample(3:9, nn, replace = TRUE), ">")
}
add_roc("perfect", c(1, 2, 3), c(4, 5, 6, 7), ">")

# ---- hybrid Wilson/Brown interval (GraphPad Prism), from its definition in base R ------------------------
hybrid <- function(x, n, conf = 0.95) {
  alpha <- 1 - conf
  w <- prop.test(x, n, correct = FALSE, conf.level = conf)$conf.int
  lo <- if (x == 0) 0 else w[1]; hi <- if (x == n) 1 else w[2]
  xs <- if (n <= 50) 2 else 3
  if (x >= 1 && x <= xs) lo <- qchisq(alpha, 2 * x) / (2 * n)
  if (n - x >= 1 && n - x <= xs) hi <- 1 - qchisq(alpha, 2 * (n - x)) / (2 * n)
  list(k = x, n = n, low = lo, high = hi)
}
prop_cases <- list()
for (xn in list(c(12, 13), c(13, 13), c(17, 26), c(15, 26), c(5, 6), c(18, 23), c(0, 10), c(1, 10),
                c(2, 40), c(3, 60), c(58, 60), c(97, 100), c(50, 120), c(1, 1), c(0, 1), c(30, 51))) {
  prop_cases[[length(prop_cases) + 1]] <- hybrid(xn[1], xn[2])
}

out <- list(r_version = R.version.string, pROC = as.character(packageVersion("pROC")),
            coin = as.character(packageVersion("coin")), mann_whitney = mw_cases, roc = roc_cases,
            hybrid = prop_cases)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           "tests/reference/fixtures/ranks_diagnostics.json")

# ---- Benjamini-Hochberg adjusted P values (cartrepro.stats.multiplicity), R p.adjust(method = "BH") -------
bh_cases <- list()
for (i in 1:6) {
  m <- sample(2:70, 1)
  p <- round(c(runif(m %/% 3, 0, 0.01), runif(m - m %/% 3)), 6)
  if (i == 2) p[2:4] <- p[1]  # tied P values
  bh_cases[[i]] <- list(p = p, q = p.adjust(p, method = "BH"))
}
out$bh <- bh_cases
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           "tests/reference/fixtures/ranks_diagnostics.json")
