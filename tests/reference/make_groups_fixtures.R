# Frozen R reference values for cartrepro.stats.groups (Student's t, Mann-Whitney, Spearman, Pearson).
# Run from the repository root: Rscript tests/reference/make_groups_fixtures.R
# Writes tests/reference/fixtures/groups.json. Cases are built here with a fixed seed, including ties.
suppressPackageStartupMessages(library(jsonlite))
set.seed(20190488)
cases <- list()
add <- function(name, a, b) {
  tt <- t.test(a, b, var.equal = TRUE)
  mw <- suppressWarnings(wilcox.test(a, b, exact = FALSE, correct = TRUE))
  mw0 <- suppressWarnings(wilcox.test(a, b, exact = FALSE, correct = FALSE))
  case <- list(name = name, a = a, b = b,
               t_statistic = unname(tt$statistic), t_p = tt$p.value,
               mw_statistic = unname(mw$statistic), mw_p = mw$p.value, mw_p_nocorrect = mw0$p.value)
  if (length(a) == length(b)) {
    sp <- suppressWarnings(cor.test(a, b, method = "spearman", exact = FALSE))
    case$spearman_rho <- unname(sp$estimate)
    case$spearman_p <- sp$p.value
    if (sd(a) > 0 && sd(b) > 0) {
      pe <- cor.test(a, b, method = "pearson")
      case$pearson_r <- unname(pe$estimate)
      case$pearson_p <- pe$p.value
    }
  }
  cases[[length(cases) + 1]] <<- case
}
add("paper_like_doses", round(exp(rnorm(21, log(7), 0.9)), 1), round(exp(rnorm(13, log(1.2), 0.8)), 1))
add("small_groups", c(1.2, 3.4, 2.2), c(5.1, 4.4))
for (i in 1:12) {
  n1 <- sample(3:30, 1); n2 <- sample(3:30, 1)
  add(sprintf("random_%02d", i), round(rnorm(n1, 10, 3), 1), round(rnorm(n2, 11, 4), 1))
}
for (i in 1:8) {  # integer values: many ties
  n <- sample(5:34, 1)
  add(sprintf("ties_paired_%02d", i), sample(0:6, n, replace = TRUE), sample(0:6, n, replace = TRUE))
}
for (i in 1:6) {  # equal lengths, correlated (Spearman)
  n <- sample(8:40, 1); x <- round(rexp(n, 0.1), 1)
  add(sprintf("correlated_%02d", i), x, round(x + rnorm(n, 0, 5), 1))
}
out <- list(r_version = R.version.string, cases = cases)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE), "tests/reference/fixtures/groups.json")
