/* crossover merge: combines disjoint parts of one job exactly. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "mc_h5.h"

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
    "      --force           overwrite OUT.h5\n";

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

int mc_cmd_merge(int argc, char **argv) {
  static const struct option opts[] = {{"output", required_argument, 0, 'o'},
                                       {"allow-missing", no_argument, 0, 'a'},
                                       {"force", no_argument, 0, 'f'},
                                       {"help", no_argument, 0, 'h'},
                                       {0, 0, 0, 0}};
  const char *out = NULL;
  int allow_missing = 0, force = 0, c;
  optind = 1;
  opterr = 0;
  while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
    switch (c) {
    case 'o':
      out = optarg;
      break;
    case 'a':
      allow_missing = 1;
      break;
    case 'f':
      force = 1;
      break;
    case 'h':
      fputs(merge_usage, stdout);
      return 0;
    default:
      fprintf(stderr, "crossover merge: unknown or incomplete option '%s'\n%s", argv[optind - 1],
              merge_usage);
      return MC_EINPUT;
    }
  }
  if (!out || optind >= argc) {
    fprintf(stderr, "crossover merge: %s\n%s", !out ? "missing -o OUT.h5" : "no PART.h5 given",
            merge_usage);
    return MC_EINPUT;
  }
  mc_err err = {0}, *e = &err;
  int rc = MC_OK, have = 0;
  mc_job job, pjob;
  mc_stats *acc = NULL, *part = NULL;
  char *missing = NULL;
  const char *first = NULL;
  uint64_t seed0 = 0, samples0 = 0, digest0 = 0;
  struct stat sb;
  if (stat(out, &sb) == 0 && !force)
    MC_FAIL(e, MC_EINPUT, "%s exists; pass --force to overwrite it or -o to choose another", out);
  mc_cli_note_stale_tmp("merge", out);
  for (int i = optind; i < argc; i++) {
    for (int j = optind; j < i; j++) {
      struct stat a, b;
      if (!strcmp(argv[i], argv[j]) || (stat(argv[i], &a) == 0 && stat(argv[j], &b) == 0 &&
                                        a.st_ino == b.st_ino && a.st_dev == b.st_dev))
        MC_FAIL(e, MC_EINPUT, "%s is given twice: each part must appear once", argv[i]);
    }
    mc_h5_meta meta;
    MC_CHECK(mc_h5_read(argv[i], &pjob, &part, &meta, e));
    uint64_t digest = mc_spec_digest(&pjob.spec);
    if (!have) {
      job = pjob;
      acc = part;
      part = NULL;
      have = 1;
      first = argv[i];
      seed0 = job.spec.seed;
      samples0 = job.spec.samples;
      digest0 = digest;
      continue;
    }
    if (pjob.spec.seed != seed0)
      rc =
          mc_err_set(e, MC_EINPUT, "%s has seed %llu but %s has seed %llu: parts must share a seed",
                     argv[i], (unsigned long long)pjob.spec.seed, first, (unsigned long long)seed0);
    else if (pjob.spec.samples != samples0)
      rc = mc_err_set(e, MC_EINPUT,
                      "%s is a part of a %llu-sample run but %s of a %llu-sample run: parts must "
                      "come from one run",
                      argv[i], (unsigned long long)pjob.spec.samples, first,
                      (unsigned long long)samples0);
    else if (digest != digest0)
      rc = mc_err_set(e, MC_EINPUT,
                      "%s and %s are parts of different jobs (their configs differ): merge only "
                      "parts of one job",
                      argv[i], first);
    if (rc == MC_OK) {
      rc = mc_stats_merge(acc, part, e);
      if (rc != MC_OK)
        mc_err_prefix(e, "%s and the parts before it", argv[i]);
    }
    mc_job_free(&pjob);
    mc_stats_free(part);
    part = NULL;
    if (rc != MC_OK)
      goto cleanup;
  }
  missing = malloc(4096);
  if (!missing)
    MC_FAIL(e, MC_EFAIL, "out of memory");
  uint64_t nmiss = describe_missing(acc, missing, 4096);
  if (nmiss && !allow_missing)
    MC_FAIL(e, MC_EINPUT,
            "the parts cover %llu of %llu samples; missing %s. Add the missing parts, or pass "
            "--allow-missing to merge what is there",
            (unsigned long long)mc_stats_done_samples(acc), (unsigned long long)acc->samples,
            missing);
  {
    char tmp[PATH_MAX + 32];
    snprintf(tmp, sizeof tmp, "%s.tmp-%ld", out, (long)getpid());
    mc_h5_meta meta = {1, 1, "", 0};
    rc = mc_h5_write(tmp, &job, acc, &meta, e);
    if (rc == MC_OK && nmiss) {
      /* recorded as an attribute so a reader sees what is absent */
      rc = mc_h5_annotate(tmp, "missing", missing, e);
    }
    if (rc == MC_OK && rename(tmp, out) != 0)
      rc = mc_err_set(e, MC_EFAIL, "cannot rename %s to %s: %s", tmp, out, strerror(errno));
    if (rc != MC_OK)
      unlink(tmp);
    if (rc == MC_OK)
      fprintf(stderr, "merged %d part%s into %s: %llu of %llu samples%s%s\n", argc - optind,
              argc - optind > 1 ? "s" : "", out, (unsigned long long)mc_stats_done_samples(acc),
              (unsigned long long)acc->samples, nmiss ? "; missing " : "", nmiss ? missing : "");
  }
cleanup:
  if (rc != MC_OK)
    fprintf(stderr, "crossover merge: %s\n", e->msg);
  if (have)
    mc_job_free(&job);
  mc_stats_free(acc);
  mc_stats_free(part);
  free(missing);
  return rc;
}
