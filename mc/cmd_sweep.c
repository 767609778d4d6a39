/* crossover sweep: one run of a job per combination of --vary values, all
 * with the job's seed, in-process (the run command's code path, mc/run.h). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "mc_engine.h"
#include "mc_job.h"
#include "run.h"

static const char sweep_usage[] =
    "usage: crossover sweep JOB.yaml --vary KEY=V1,V2,... [--vary KEY=...]... -o DIR\n"
    "                       [--set KEY=VALUE]... [--samples N] [--seed S] [--force]\n"
    "                       [--resume] [--checkpoint-interval SECONDS]\n"
    "                       [--progress-interval SECONDS] [--quiet]\n"
    "\n"
    "Runs the job once for every combination of the --vary values (all values of the\n"
    "first --vary times all of the second, ...), every run with the job's same seed:\n"
    "common random numbers, so the differences between the runs are the effect of the\n"
    "values, with little sampling noise (`crossover report` gives their paired\n"
    "standard errors). Each run is written to DIR/<scenario>-<key>=<value>....h5, whose\n"
    "scenario name is that file name without .h5 and whose resolved job records the\n"
    "values; <key> drops a leading 'parameters.', and characters other than letters,\n"
    "digits, '.', '+' and '-' become '_'. Under mpiexec or srun all ranks run each\n"
    "combination in turn.\n"
    "\n"
    "  --vary KEY=V1,V2,...     the values of one job key (repeatable, at most 8): KEY\n"
    "                           as for --set (parameters.capex.growth, time.horizon_year,\n"
    "                           sampling.method, ...), each value YAML flow text as --set\n"
    "                           takes (2050, \"1.2 to 1.5\", \"{dist: uniform, min: 1, max:\n"
    "                           2}\"); commas inside {...}, [...] or quotes do not split\n"
    "  -o, --output DIR         the directory of the results (created if missing)\n"
    "      --set KEY=VALUE      override one job value for every run (repeatable)\n"
    "      --samples N          override sampling.samples\n"
    "      --seed S             override sampling.seed (the same for every run)\n"
    "      --force              overwrite existing results (and discard checkpoints)\n"
    "      --resume             continue an interrupted sweep: a result already in DIR\n"
    "                           that records the same job is kept and not run again, a\n"
    "                           run with a checkpoint continues from it\n"
    "      --checkpoint-interval SECONDS\n"
    "                           checkpoint each run this often (default 600; 0: never)\n"
    "      --progress-interval SECONDS\n"
    "                           seconds between progress lines when stderr is not a\n"
    "                           terminal (default 60)\n"
    "  -q, --quiet              no progress output (the summary is still printed)\n"
    "\n"
    "Every combination's job and output name is checked before the first run starts:\n"
    "a bad key or value, two values that give one file name, or an existing result\n"
    "(without --force or --resume) ends the sweep with exit status 2 and nothing\n"
    "written. At the end the files are listed on stdout. A signal stops the current\n"
    "run with a checkpoint (exit status 3): --resume continues. Exit status: 0 done;\n"
    "2 bad usage, job or values; 3 stopped by a signal (checkpoint written); 1 any\n"
    "other failure (the finished results are kept).\n";

#define SWEEP_MAX_VARY   8
#define SWEEP_MAX_VALUES 256
#define SWEEP_MAX_RUNS   1000

/* One --vary: the key and its values (pointers into buf, owned). */
typedef struct sweep_var {
  const char *arg; /* as given */
  char *buf;       /* a copy of arg, split in place */
  const char *key, *short_key;
  const char *val[SWEEP_MAX_VALUES];
  int nval;
} sweep_var;

typedef struct sweep_args {
  mc_run_args run; /* job, sets, samples, seed, force, resume, intervals, quiet */
  const char *dir;
  sweep_var var[SWEEP_MAX_VARY];
  int nvar;
} sweep_args;

/* Splits v->buf at the commas outside {...}, [...] and quotes. -1 (why) for
 * an empty value, unbalanced brackets or too many values. */
static int split_values(sweep_var *v, char *list, char *why, size_t len) {
  int depth = 0;
  char quote = 0;
  char *start = list;
  for (char *p = list;; p++) {
    char c = *p;
    if (quote) {
      if (c == quote)
        quote = 0;
      else if (!c)
        break;
      continue;
    }
    if (c == '\'' || c == '"')
      quote = c;
    else if (c == '{' || c == '[')
      depth++;
    else if ((c == '}' || c == ']') && depth > 0)
      depth--;
    else if ((c == ',' && depth == 0) || !c) {
      *p = '\0';
      while (*start == ' ')
        start++;
      if (!*start) {
        snprintf(why, len, "--vary %s: an empty value; give KEY=V1,V2,...", v->arg);
        return -1;
      }
      if (v->nval == SWEEP_MAX_VALUES) {
        snprintf(why, len, "--vary %s: more than %d values", v->arg, SWEEP_MAX_VALUES);
        return -1;
      }
      v->val[v->nval++] = start;
      start = p + 1;
      if (!c)
        return 0;
    }
  }
  snprintf(why, len, "--vary %s: a quote is not closed", v->arg);
  return -1;
}

static int add_vary(sweep_args *a, const char *arg, char *why, size_t len) {
  if (a->nvar == SWEEP_MAX_VARY) {
    snprintf(why, len, "more than %d --vary options", SWEEP_MAX_VARY);
    return -1;
  }
  sweep_var *v = &a->var[a->nvar];
  memset(v, 0, sizeof *v);
  v->arg = arg;
  if (!(v->buf = strdup(arg))) {
    snprintf(why, len, "out of memory");
    return -1;
  }
  a->nvar++;
  char *eq = strchr(v->buf, '=');
  if (!eq || eq == v->buf) {
    snprintf(why, len, "--vary wants KEY=V1,V2,..., got '%s'", arg);
    return -1;
  }
  *eq = '\0';
  v->key = v->buf;
  v->short_key = strncmp(v->key, "parameters.", 11) ? v->key : v->key + 11;
  for (int i = 0; i < a->nvar - 1; i++)
    if (!strcmp(a->var[i].key, v->key)) {
      snprintf(why, len, "--vary %s is given twice; list all its values in one --vary", v->key);
      return -1;
    }
  return split_values(v, eq + 1, why, len);
}

static void free_args(sweep_args *a) {
  for (int i = 0; i < a->nvar; i++)
    free(a->var[i].buf);
}

/* 0 to sweep, 1 after --help, -1 for a usage error (why). */
static int parse_args(int argc, char **argv, sweep_args *a, char *why, size_t len) {
  static const struct option opts[] = {{"output", required_argument, 0, 'o'},
                                       {"vary", required_argument, 0, 'v'},
                                       {"set", required_argument, 0, 'S'},
                                       {"samples", required_argument, 0, 'n'},
                                       {"seed", required_argument, 0, 's'},
                                       {"force", no_argument, 0, 'f'},
                                       {"resume", no_argument, 0, 'r'},
                                       {"checkpoint-interval", required_argument, 0, 'c'},
                                       {"progress-interval", required_argument, 0, 'i'},
                                       {"quiet", no_argument, 0, 'q'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  memset(a, 0, sizeof *a);
  mc_run_args_init(&a->run);
  optind = 1;
  opterr = 0;
  for (int c; (c = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1;) {
    int taken = mc_run_parse_shared(c, optarg, &a->run, MC_RUN_MAX_SETS - SWEEP_MAX_VARY, why, len);
    if (taken < 0)
      return -1;
    if (taken)
      continue;
    switch (c) {
    case 'o':
      a->dir = optarg;
      break;
    case 'v':
      if (add_vary(a, optarg, why, len))
        return -1;
      break;
    case 'r':
      a->run.keep_done = 1;
      break;
    case 'h':
      return 1;
    default:
      snprintf(why, len, "unknown or incomplete option '%s'", argv[optind - 1]);
      return -1;
    }
  }
  if (optind != argc - 1) {
    snprintf(why, len, optind >= argc ? "missing JOB.yaml" : "one JOB.yaml expected");
    return -1;
  }
  a->run.job = argv[optind];
  if (!a->nvar) {
    snprintf(why, len, "no --vary KEY=V1,V2,...: a sweep needs at least one");
    return -1;
  }
  if (!a->dir || !*a->dir) {
    snprintf(why, len, "-o DIR is required (the directory of the results)");
    return -1;
  }
  if (a->run.force && a->run.keep_done) {
    snprintf(why, len, "--force and --resume contradict each other; give one");
    return -1;
  }
  return 0;
}

/* Appends text to buf (at *at), letters, digits, '.', '+' and '-' kept and
 * every run of other characters written as one '_', none at either end. */
static void append_clean(char *buf, size_t len, size_t *at, const char *text) {
  int pending = 0, any = 0;
  for (const char *p = text; *p; p++) {
    char c = *p;
    int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '+' || c == '-';
    if (!keep) {
      pending = any;
      continue;
    }
    if (*at + 2 >= len)
      return;
    if (pending)
      buf[(*at)++] = '_';
    buf[(*at)++] = c;
    pending = 0;
    any = 1;
  }
  buf[*at] = '\0';
}

/* Run k's value index of variable i: the last --vary changes fastest. */
static int value_index(const sweep_args *a, int k, int i) {
  for (int j = a->nvar - 1; j > i; j--)
    k /= a->var[j].nval;
  return k % a->var[i].nval;
}

/* Run k's scenario name (base-key=value-...), its --set arguments (in sets,
 * from set_buf) and a description "KEY=VALUE, ..." for messages. */
static void describe_run(const sweep_args *a, int k, const char *base, char *scen, size_t slen,
                         char set_buf[][1024], char *desc, size_t dlen) {
  size_t at = 0, dat = 0;
  scen[0] = desc[0] = '\0';
  append_clean(scen, slen, &at, base);
  for (int i = 0; i < a->nvar; i++) {
    const sweep_var *v = &a->var[i];
    const char *val = v->val[value_index(a, k, i)];
    snprintf(set_buf[i], 1024, "%s=%s", v->key, val);
    if (at + 2 < slen) {
      scen[at++] = '-';
      scen[at] = '\0';
    }
    append_clean(scen, slen, &at, v->short_key);
    if (at + 2 < slen) {
      scen[at++] = '=';
      scen[at] = '\0';
    }
    append_clean(scen, slen, &at, val);
    if (dat < dlen)
      dat += (size_t)snprintf(desc + dat, dlen - dat, "%s%s", i ? ", " : "", set_buf[i]);
  }
}

/* The run args of run k (sets point into set_buf; out and scen are the
 * caller's buffers). */
static void run_args_of(const sweep_args *a, int k, const char *base, char *scen, size_t slen,
                        char *out, size_t olen, char set_buf[][1024], char *desc, size_t dlen,
                        mc_run_args *r) {
  describe_run(a, k, base, scen, slen, set_buf, desc, dlen);
  *r = a->run;
  for (int i = 0; i < a->nvar; i++)
    r->sets[r->nsets++] = set_buf[i];
  r->scenario = scen;
  snprintf(out, olen, "%s%s%s.h5", a->dir, a->dir[strlen(a->dir) - 1] == '/' ? "" : "/", scen);
  r->out = out;
}

/* Rank 0: DIR exists as a directory, or is created (*made set). */
static int ensure_dir(const char *dir, int *made, mc_err *e) {
  struct stat sb;
  *made = 0;
  if (stat(dir, &sb) == 0)
    return S_ISDIR(sb.st_mode) ? MC_OK
                               : mc_err_set(e, MC_EINPUT,
                                            "-o %s is not a directory; give a directory for the "
                                            "results (it is created if missing)",
                                            dir);
  if (mkdir(dir, 0777) != 0)
    MC_RAISE(e, MC_EINPUT,
             "-o %s: cannot create the directory (%s); create its parent first or "
             "choose another",
             dir, strerror(errno));
  *made = 1;
  return MC_OK;
}

typedef struct sweep_run {
  char scen[128], out[PATH_MAX], desc[1024];
} sweep_run;

/* Collective: the base scenario, then every run's job and names checked. */
static int plan_all(const sweep_args *a, int nruns, sweep_run *runs, char *base_name, size_t blen,
                    MPI_Comm comm, mc_err *e) {
  mc_job base;
  int rc = mc_job_load_with(a->run.job, a->run.sets, a->run.nsets, &base, e);
  if ((rc = mc_engine_agree(rc, e, comm)))
    return rc;
  snprintf(base_name, blen, "%s", base.spec.scenario);
  mc_job_free(&base);
  for (int k = 0; k < nruns && rc == MC_OK; k++) {
    char set_buf[SWEEP_MAX_VARY][1024];
    mc_run_args r;
    sweep_run *s = &runs[k];
    run_args_of(a, k, base_name, s->scen, sizeof s->scen, s->out, sizeof s->out, set_buf, s->desc,
                sizeof s->desc, &r);
    for (int j = 0; j < k; j++)
      if (!strcmp(runs[j].out, s->out)) {
        rc = mc_err_set(e, MC_EINPUT,
                        "--vary: %s and %s both give the file %s (values differ only in "
                        "characters a file name drops); make the values differ in letters or "
                        "digits",
                        runs[j].desc, s->desc, s->out);
        break;
      }
    if (rc == MC_OK && (rc = mc_run_plan(&r, comm, e)) != MC_OK)
      mc_err_prefix(e, "sweep run %d of %d (%s)", k + 1, nruns, s->desc);
    rc = mc_engine_agree(rc, e, comm);
  }
  return rc;
}

int mc_cmd_sweep(int argc, char **argv) {
  sweep_args a;
  char why[1024] = "";
  int parsed = parse_args(argc, argv, &a, why, sizeof why);
  if (parsed == 1) {
    fputs(sweep_usage, stdout);
    free_args(&a);
    return 0;
  }
  MPI_Init(&argc, &argv);
  mc_run_catch_signals();
  MPI_Comm comm = MPI_COMM_WORLD;
  MPI_Comm_set_errhandler(comm, MPI_ERRORS_RETURN);
  int rank;
  MPI_Comm_rank(comm, &rank);
  mc_err err = {0}, *e = &err;
  int rc = MC_OK, made = 0, nruns = 1, done = 0;
  sweep_run *runs = NULL;
  char base_name[128] = "";
  if (parsed < 0) {
    if (rank == 0)
      fprintf(stderr, "crossover sweep: %s\n%s", why, sweep_usage);
    rc = MC_EINPUT;
    goto finish;
  }
  for (int i = 0; i < a.nvar; i++) {
    nruns *= a.var[i].nval;
    if (nruns > SWEEP_MAX_RUNS) {
      rc = mc_err_set(e, MC_EINPUT,
                      "--vary: more than %d combinations; sweep fewer values, or split the "
                      "sweep with --set",
                      SWEEP_MAX_RUNS);
      goto cleanup;
    }
  }
  if (!(runs = calloc((size_t)nruns, sizeof *runs))) {
    rc = mc_err_set(e, MC_EFAIL, "out of memory for %d runs", nruns);
    goto cleanup;
  }
  if (rank == 0)
    rc = ensure_dir(a.dir, &made, e);
  if ((rc = mc_engine_agree(rc, e, comm)))
    goto cleanup;
  if ((rc = plan_all(&a, nruns, runs, base_name, sizeof base_name, comm, e)))
    goto cleanup;
  for (int k = 0; k < nruns; k++) {
    char set_buf[SWEEP_MAX_VARY][1024];
    mc_run_args r;
    sweep_run *s = &runs[k];
    run_args_of(&a, k, base_name, s->scen, sizeof s->scen, s->out, sizeof s->out, set_buf, s->desc,
                sizeof s->desc, &r);
    if (rank == 0 && !a.run.quiet)
      fprintf(stderr, "crossover sweep: run %d of %d: %s\n", k + 1, nruns, runs[k].desc);
    int skipped = 0;
    if ((rc = mc_run_job(&r, comm, &skipped, e))) {
      mc_err_prefix(e, "sweep run %d of %d (%s)", k + 1, nruns, runs[k].desc);
      goto cleanup;
    }
    if (rank == 0 && skipped && !a.run.quiet)
      fprintf(stderr, "crossover sweep: %s is already there (same job): kept\n", runs[k].out);
    done++;
  }

cleanup:
  if (rc != MC_OK && rank == 0) {
    fprintf(stderr, "crossover: %s%s\n", e->msg, e->where);
    if (done)
      fprintf(stderr, "crossover sweep: %d of %d runs finished and are kept:\n", done, nruns);
    for (int k = 0; k < done; k++)
      fprintf(stderr, "  %s\n", runs[k].out);
    if (rc != MC_EINPUT)
      fprintf(stderr, "crossover sweep: the same command with --resume continues the sweep\n");
    if (made && !done)
      rmdir(a.dir); /* only when empty: nothing of ours was written */
  }
  if (rc == MC_OK && rank == 0) {
    printf("sweep of %d runs, all with the same seed (common random numbers):\n", nruns);
    for (int k = 0; k < nruns; k++)
      printf("  %s\n", runs[k].out);
    const char *d = a.dir;
    const char *sl = d[strlen(d) - 1] == '/' ? "" : "/";
    printf("compare them:\n  crossover report %s%s*.h5\n  crossover plot %s%s*.h5 -o "
           "%s%scompare.png\n",
           d, sl, d, sl, d, sl);
  }
  free(runs);
finish:
  free_args(&a);
  MPI_Finalize();
  return rc;
}
