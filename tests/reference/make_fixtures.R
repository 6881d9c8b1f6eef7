# Freeze R's survival statistics for every reference cohort.
#
# Reads tests/reference/cohorts/NAME.csv (written by make_cohorts.py) and writes
# tests/reference/fixtures/survival_NAME.json with
#   km        summary(survfit(Surv(time, event) ~ 1, conf.type = X)) for X in plain / log / log-log
#             (time, n.risk, n.event, surv, std.err = SE of S, lower, upper) and n.censor at those times
#             (from the survfit object: censored at exactly that time)
#   km_at     summary(fit, times = query_times, extend = TRUE) for each conf.type
#   logrank   survdiff(Surv(time, event) ~ group) chisq / df / p (cohorts with >= 2 groups)
#   cuminc    cmprsk::cuminc(time, cause, cencode = 0) for each cause: the estimate and variance at each
#             time with an event of that cause (the jump points of the raw curve), the log(-log) CI, and
#             timepoints() at the query times
# plus the R and package versions.
#
# Run from the repository root:  Rscript tests/reference/make_fixtures.R
suppressPackageStartupMessages({
  library(survival)
  library(cmprsk)
  library(jsonlite)
})

args <- commandArgs(trailingOnly = FALSE)
script <- sub("^--file=", "", args[grep("^--file=", args)])
here <- if (length(script) == 1) dirname(normalizePath(script)) else file.path("tests", "reference")
cohort_dir <- file.path(here, "cohorts")
fixture_dir <- file.path(here, "fixtures")
dir.create(fixture_dir, showWarnings = FALSE)
unlink(list.files(fixture_dir, pattern = "^survival_.*\\.json$", full.names = TRUE))

versions <- list(
  R = unbox(R.version.string),
  survival = unbox(as.character(packageVersion("survival"))),
  cmprsk = unbox(as.character(packageVersion("cmprsk"))),
  jsonlite = unbox(as.character(packageVersion("jsonlite")))
)
conf_level <- 0.95
z <- qnorm(1 - (1 - conf_level) / 2)

# times at which the step functions are read: 0, before the first observation, a spread of observed
# times, midpoints between them, 365 days and beyond the last observation
query_times <- function(time) {
  ut <- sort(unique(time))
  picks <- ut[unique(round(seq(1, length(ut), length.out = min(8, length(ut)))))]
  mids <- if (length(picks) > 1) (head(picks, -1) + tail(picks, -1)) / 2 else numeric(0)
  sort(unique(c(0, ut[1] / 2, picks, mids, 365, max(ut) + 1)))
}

cif_ci <- function(est, v) {
  # cuminc's customary log(-log) interval: est^exp(-/+ z sqrt(var) / (est log est)).
  # Where every subject failed from the cause, cuminc's running sum ends at 1 +/- 1e-16, and the formula
  # is then ill-conditioned (it gives (0, 1), (1, Inf), ...): an estimate within 1e-12 of 1 is taken as
  # exactly 1, for which the formula gives (1, 1) (R: 1^Inf = 1^0 = 1). Python does the same.
  est <- ifelse(abs(est - 1) <= 1e-12, 1, est)
  shift <- z * sqrt(pmax(v, 0)) / (est * log(est))
  list(lower = est^exp(-shift), upper = est^exp(shift))
}

for (path in sort(list.files(cohort_dir, pattern = "\\.csv$", full.names = TRUE))) {
  name <- sub("\\.csv$", "", basename(path))
  d <- read.csv(path, colClasses = c("numeric", "integer", "character", "character"))
  q <- query_times(d$time)
  out <- list(cohort = unbox(name), versions = versions, n = unbox(nrow(d)), conf_level = unbox(conf_level),
              query_times = q)

  km <- list()
  km_at <- list()
  for (ct in c("plain", "log", "log-log")) {
    fit <- survfit(Surv(time, event) ~ 1, data = d, conf.type = ct, conf.int = conf_level)
    s <- summary(fit)  # censored = FALSE: event times only
    km[[ct]] <- list(time = s$time, n_risk = s$n.risk, n_event = s$n.event,
                     n_censor = fit$n.censor[match(s$time, fit$time)],
                     surv = s$surv, std_err = s$std.err, lower = s$lower, upper = s$upper)
    st <- summary(fit, times = q, extend = TRUE)
    km_at[[ct]] <- list(time = st$time, surv = st$surv, std_err = st$std.err, lower = st$lower,
                        upper = st$upper, n_risk = st$n.risk)
  }
  out$km <- km
  out$km_at <- km_at

  if (length(unique(d$group)) >= 2) {
    sd <- survdiff(Surv(time, event) ~ group, data = d)
    out$logrank <- list(chisq = unbox(sd$chisq), df = unbox(sum(sd$exp > 0) - 1), p = unbox(sd$pvalue),
                        groups = sort(unique(d$group)), observed = as.numeric(sd$obs),
                        expected = as.numeric(sd$exp))
  }

  causes <- sort(unique(d$cause[d$cause != "0"]))
  if (length(causes) > 0) {
    ci <- cuminc(d$time, d$cause, cencode = "0")
    tp <- timepoints(ci, q)
    cif <- list()
    for (cause in causes) {
      key <- paste("1", cause)
      curve <- ci[[key]]
      jumps <- seq(3, length(curve$time) - 1, by = 2)  # x = 0, t1, t1, t2, t2, ..., last follow-up
      est <- curve$est[jumps]
      v <- curve$var[jumps]
      bounds <- cif_ci(est, v)
      cif[[cause]] <- list(time = curve$time[jumps], est = est, var = v, lower = bounds$lower,
                           upper = bounds$upper, tp_est = as.numeric(tp$est[key, ]),
                           tp_var = as.numeric(tp$var[key, ]))
    }
    out$cuminc <- cif
  }

  json <- toJSON(out, digits = NA, na = "null", null = "null", pretty = FALSE)
  writeLines(json, file.path(fixture_dir, paste0("survival_", name, ".json")))
}
cat("wrote", length(list.files(fixture_dir, pattern = "^survival_.*\\.json$")), "fixtures to", fixture_dir, "\n")
