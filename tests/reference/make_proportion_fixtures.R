# Freeze R's binomial confidence intervals for cartrepro.stats.proportions.
#
# Writes tests/reference/fixtures/proportions.json: for each (k, n, conf_level) case
#   clopper_pearson  binom.test(k, n, conf.level = conf_level)$conf.int   (exact, Clopper & Pearson 1934)
#   wilson           prop.test(k, n, conf.level = conf_level, correct = FALSE)$conf.int
#                    (Wilson 1927 score interval without continuity correction)
# plus the R and package versions. The cases include k = 0, k = n, n = 1, and the counts P2 (Pan et al.,
# Leukemia 2019) prints: 24/30, 24/34, 19/21, 18/21, 3/5, 2/4, 23/30, 31/34.
#
# Run from the repository root:  Rscript tests/reference/make_proportion_fixtures.R
suppressPackageStartupMessages(library(jsonlite))

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(script) == 1) dirname(normalizePath(script)) else file.path("tests", "reference")
fixture_dir <- file.path(here, "fixtures")
dir.create(fixture_dir, showWarnings = FALSE)

cases <- list(
  # the paper's counts
  c(24, 30, 0.95), c(24, 34, 0.95), c(19, 21, 0.95), c(18, 21, 0.95), c(3, 5, 0.95), c(2, 4, 0.95),
  c(23, 30, 0.95), c(31, 34, 0.95), c(25, 30, 0.95), c(1, 4, 0.95), c(5, 30, 0.95), c(3, 5, 0.95),
  # edges: k = 0, k = n, n = 1
  c(0, 1, 0.95), c(1, 1, 0.95), c(0, 5, 0.95), c(5, 5, 0.95), c(0, 34, 0.95), c(34, 34, 0.95),
  c(0, 100, 0.95), c(100, 100, 0.95), c(1, 2, 0.95), c(1, 3, 0.95),
  # near the edges and a spread of sizes
  c(1, 34, 0.95), c(33, 34, 0.95), c(1, 100, 0.95), c(99, 100, 0.95), c(7, 13, 0.95), c(50, 100, 0.95),
  c(137, 1000, 0.95), c(11, 24, 0.95),
  # other confidence levels
  c(24, 30, 0.90), c(24, 30, 0.99), c(0, 10, 0.90), c(10, 10, 0.99), c(3, 5, 0.80)
)
cases <- unique(cases)

one <- function(case) {
  k <- case[1]; n <- case[2]; level <- case[3]
  cp <- binom.test(k, n, conf.level = level)$conf.int
  # prop.test warns "Chi-squared approximation may be incorrect" for small counts: the interval is still
  # the Wilson score interval, which is what is frozen here
  wi <- suppressWarnings(prop.test(k, n, conf.level = level, correct = FALSE))$conf.int
  list(k = unbox(as.integer(k)), n = unbox(as.integer(n)), conf_level = unbox(level),
       estimate = unbox(k / n),
       clopper_pearson = as.numeric(cp), wilson = as.numeric(wi))
}

fixture <- list(
  description = unbox(paste(
    "binom.test(k, n, conf.level)$conf.int (clopper_pearson) and",
    "prop.test(k, n, conf.level, correct = FALSE)$conf.int (wilson); written by make_proportion_fixtures.R")),
  versions = list(R = unbox(R.version.string),
                  stats = unbox(as.character(packageVersion("stats"))),
                  jsonlite = unbox(as.character(packageVersion("jsonlite")))),
  cases = lapply(cases, one)
)
writeLines(toJSON(fixture, digits = I(17), pretty = TRUE, auto_unbox = FALSE),
           file.path(fixture_dir, "proportions.json"))
cat("wrote", length(cases), "cases to", file.path(fixture_dir, "proportions.json"), "\n")
