/* crossover merge: combines disjoint parts of one job exactly. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "mc_h5.h"
#include "outfile.h"

static const char merge_usage[] =
    "usage: crossover merge -o OUT.h5 [--allow-missing] [--force] PART.h5...\n"
    "\n"
    "Combines results files of disjoint parts of one job (crossover run --part K/N,\n"
    "or checkpoints of them), in any order, into the file a single run over the same\n"
    "samples would have written: the datasets are the same bits.\n"
    "\n"
    "Refused (exit 2, nothing written): parts of different jobs, seeds, sample\n"
    "counts or engine formats; duplicate or overlapping parts; an incomplete set,\n"
    "unless --allow-missing, when the result's root attribute `missing` lists the\n"
    "sample ranges it lacks; a run stopped by sampling.stop_when together with any\n"
    "other file (it is complete in itself). Per-sample datasets (/samples) are not\n"
    "merged.\n"
    "\n"
    "  -o, --output OUT.h5   the merged file (an existing one needs --force)\n"
    "      --allow-missing   merge an incomplete set of parts\n"
    "      --force           overwrite OUT.h5 (or replace a link there)\n"
    "\n"
    "OUT.h5 is written as OUT.h5.tmp-PID, created anew (a file or link already there\n"
    "is refused, never followed), and renamed when complete; an OUT.h5 that appeared\n"
    "meanwhile is not replaced without --force.\n";

/* Appends the missing sample ranges of st to buf. Returns the count of blocks
 * missing: of all blocks, or for a run stopped by sampling.stop_when of those
 * before its stop point. */
static uint64_t describe_missing(const mc_stats *st, char *buf, size_t len) {
  uint64_t nmiss = 0, end = st->stop_blocks ? st->stop_blocks : st->nblocks;
  size_t at = 0;
  buf[0] = '\0';
  for (uint64_t b = 0; b < end;) {
    if (mc_stats_block_done(st, b)) {
      b++;
      continue;
    }
    uint64_t a = b;
    while (b < end && !mc_stats_block_done(st, b))
      b++;
    nmiss += b - a;
    uint64_t s0 = a * MC_BLOCK, s1 = b * MC_BLOCK < st->samples ? b * MC_BLOCK : st->samples;
    if (at + 64 < len)
      at += (size_t)snprintf(buf + at, len - at, "%s[%llu, %llu)", at ? ", " : "",
                             (unsigned long long)s0, (unsigned long long)s1);
    else if (at + 5 < len && !strstr(buf, "...")) {
      strcpy(buf + at, ", ...");
      at += 5;
    }
  }
  return nmiss;
}

typedef struct merge_args {
  const char *out;
  int allow_missing, force;
  int nparts;
  char **parts;
} merge_args;

/* 0 to merge, 1 after --help, -1 after a usage error (printed). */
static int parse_args(int argc, char **argv, merge_args *a) {
  static const struct option opts[] = {{"output", required_argument, 0, 'o'},
                                       {"allow-missing", no_argument, 0, 'a'},
                                       {"force", no_argument, 0, 'f'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  memset(a, 0, sizeof *a);
  optind = 1;
  opterr = 0;
  for (int c; (c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1;) {
    switch (c) {
    case 'o':
      a->out = optarg;
      break;
    case 'a':
      a->allow_missing = 1;
      break;
    case 'f':
      a->force = 1;
      break;
    case 'h':
      fputs(merge_usage, stdout);
      return 1;
    default:
      fprintf(stderr, "crossover merge: unknown or incomplete option '%s'\n%s", argv[optind - 1],
              merge_usage);
      return -1;
    }
  }
  if (!a->out || optind >= argc) {
    fprintf(stderr, "crossover merge: %s\n%s", !a->out ? "missing -o OUT.h5" : "no PART.h5 given",
            merge_usage);
    return -1;
  }
  a->nparts = argc - optind;
  a->parts = argv + optind;
  return 0;
}

/* MC_EINPUT unless part i is another file than parts 0..i-1. */
static int check_distinct(const merge_args *a, int i, mc_err *e) {
  for (int j = 0; j < i; j++) {
    struct stat x, y;
    if (!strcmp(a->parts[i], a->parts[j]) ||
        (stat(a->parts[i], &x) == 0 && stat(a->parts[j], &y) == 0 && x.st_ino == y.st_ino &&
         x.st_dev == y.st_dev))
      MC_RAISE(e, MC_EINPUT, "%s is given twice: each part must appear once", a->parts[i]);
  }
  return MC_OK;
}

/* MC_EINPUT unless part `path` (pjob) comes from the run of the first part. */
static int check_same_run(const char *path, const mc_job *pjob, const char *first,
                          const mc_job *job, mc_err *e) {
  const mc_spec *p = &pjob->spec, *s = &job->spec;
  if (p->seed != s->seed)
    MC_RAISE(e, MC_EINPUT, "%s has seed %llu but %s has seed %llu: parts must share a seed", path,
             (unsigned long long)p->seed, first, (unsigned long long)s->seed);
  if (p->samples != s->samples)
    MC_RAISE(e, MC_EINPUT,
             "%s is a part of a %llu-sample run but %s of a %llu-sample run: parts must "
             "come from one run",
             path, (unsigned long long)p->samples, first, (unsigned long long)s->samples);
  if (mc_spec_digest(p) != mc_spec_digest(s))
    MC_RAISE(e, MC_EINPUT,
             "%s and %s are parts of different jobs (their configs differ): merge only "
             "parts of one job",
             path, first);
  return MC_OK;
}

/* Reads every part and adds it into *acc (the first part's job in *job). */
static int merge_parts(const merge_args *a, mc_job *job, int *have, mc_stats **acc, mc_err *e) {
  int rc = MC_OK;
  mc_job pjob;
  mc_stats *part = NULL;
  for (int i = 0; i < a->nparts; i++) {
    MC_CHECK(check_distinct(a, i, e));
    mc_h5_meta meta;
    MC_CHECK(mc_h5_read(a->parts[i], &pjob, &part, &meta, e));
    if (!*have) {
      *job = pjob;
      *acc = part;
      part = NULL;
      *have = 1;
      continue;
    }
    rc = check_same_run(a->parts[i], &pjob, a->parts[0], job, e);
    if (rc == MC_OK) {
      rc = mc_stats_merge(*acc, part, e);
      if (rc != MC_OK)
        mc_err_prefix(e, "%s and the parts before it", a->parts[i]);
    }
    mc_job_free(&pjob);
    mc_stats_free(part);
    part = NULL;
    if (rc != MC_OK)
      goto cleanup;
  }
cleanup:
  return rc;
}

typedef struct merged {
  const mc_job *job;
  const mc_stats *st;
  const char *missing; /* "" when complete */
} merged;

/* Writes the merged file at io (an mc_outfile_write writer). */
static int write_merged(const char *io, void *ctx, mc_err *e) {
  const merged *m = ctx;
  mc_h5_meta meta = {1, 1, "", 0, 0};
  int rc = mc_h5_write(io, m->job, m->st, &meta, e);
  if (rc == MC_OK && m->missing[0]) /* an attribute, so a reader sees what is absent */
    rc = mc_h5_annotate(io, "missing", m->missing, e);
  return rc;
}

int mc_cmd_merge(int argc, char **argv) {
  merge_args a;
  int parsed = parse_args(argc, argv, &a);
  if (parsed)
    return parsed > 0 ? 0 : MC_EINPUT;
  mc_err err = {0}, *e = &err;
  int rc = MC_OK, have = 0;
  mc_job job;
  mc_stats *acc = NULL;
  char missing[4096];
  MC_CHECK(mc_outfile_probe(a.out, a.force, NULL, e));
  mc_cli_note_stale_tmp("merge", a.out);
  MC_CHECK(merge_parts(&a, &job, &have, &acc, e));
  uint64_t nmiss = describe_missing(acc, missing, sizeof missing);
  if (nmiss && !a.allow_missing)
    MC_FAIL(e, MC_EINPUT,
            "the parts cover %llu of %llu samples; missing %s. Add the missing parts, or pass "
            "--allow-missing to merge what is there",
            (unsigned long long)mc_stats_done_samples(acc), (unsigned long long)acc->samples,
            missing);
  merged m = {&job, acc, nmiss ? missing : ""};
  MC_CHECK(mc_outfile_write(a.out, a.force, write_merged, &m, e));
  fprintf(stderr, "merged %d part%s into %s: %llu of %llu samples%s%s\n", a.nparts,
          a.nparts > 1 ? "s" : "", a.out, (unsigned long long)mc_stats_done_samples(acc),
          (unsigned long long)acc->samples, nmiss ? "; missing " : "", nmiss ? missing : "");
cleanup:
  if (rc != MC_OK)
    fprintf(stderr, "crossover merge: %s%s\n", e->msg, e->where);
  if (have)
    mc_job_free(&job);
  mc_stats_free(acc);
  return rc;
}
