/* Per-sample output (`outputs: {samples: true}`, /samples in the results
 * file), written in parallel with the MPI-IO driver while the run goes. */
#include <stdio.h>
#include <stdlib.h>

#include "mc_h5.h"
#include "mc_h5_util.h"

struct mc_h5_samples {
  char path[1024];
  MPI_Comm comm;
  int failed; /* a write failed on this rank */
  hid_t file;
  int nds;
  int npar;
  hid_t ds[MC_MAXINPUT + MC_MAXCROSS];
  int src[MC_MAXINPUT + MC_MAXCROSS]; /* parameter id, npar + crossover, or -1 the regime */
};

int mc_h5_samples_open(const char *path, const mc_job *job, MPI_Comm comm, mc_h5_samples **out,
                       mc_err *e) {
  int rc = MC_OK;
  hid_t fapl = -1, g = -1, sp = -1;
  mc_h5w w = {path, 0, 0, -1, 0};
  mc_h5_quiet();
  mc_h5_samples *h = calloc(1, sizeof *h);
  if (!h)
    MC_RAISE(e, MC_EFAIL, "out of memory");
  snprintf(h->path, sizeof h->path, "%s", path);
  h->comm = comm;
  h->file = -1;
  H5ID(fapl, H5Pcreate(H5P_FILE_ACCESS));
  H5C(H5Pset_fapl_mpio(fapl, comm, MPI_INFO_NULL));
  H5ID(h->file, H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl));
  H5ID(g, H5Gcreate2(h->file, "samples", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
  hsize_t n = job->spec.samples;
  H5ID(sp, H5Screate_simple(1, &n, NULL));
  const mc_model_type *M = job->spec.model;
  h->npar = M->nparam;
  for (int p = 0; p < M->nparam + job->spec.ncross; p++) {
    char name[128];
    if (p < M->nparam) {
      if (!mc_stats_param_recorded(&job->spec, p))
        continue;
      snprintf(name, sizeof name, "%s", M->param[p].key);
    } else {
      snprintf(name, sizeof name, "crossover.%s", job->spec.cross[p - M->nparam].name);
    }
    H5ID(h->ds[h->nds],
         H5Dcreate2(g, name, H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    char ln[320];
    if (p < M->nparam)
      snprintf(ln, sizeof ln, "input %s of each sample: %s", M->param[p].key, M->param[p].meaning);
    else
      snprintf(ln, sizeof ln,
               "crossing time of crossover %s of each sample (calendar year, decimal; NaN when it "
               "does not cross)",
               job->spec.cross[p - M->nparam].name);
    MC_CHECK(mc_h5w_cf(&w, h->ds[h->nds], ln, p < M->nparam ? M->param[p].unit : "1", e));
    h->src[h->nds++] = p;
  }
  if (job->spec.nregime) {
    /* each sample's regime, as its index in the job's regime order */
    H5ID(h->ds[h->nds],
         H5Dcreate2(g, "regime", H5T_NATIVE_DOUBLE, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    MC_CHECK(mc_h5w_cf(&w, h->ds[h->nds],
                       "regime of each sample (its index in the job's regime order)", "1", e));
    h->src[h->nds++] = -1;
  }
  *out = h;
  h = NULL;
cleanup:
  mc_h5_close(3, sp, g, fapl);
  if (h) {
    mc_err tmp = {0};
    mc_h5_samples_close(h, &tmp);
  }
  return rc;
}

int mc_h5_samples_write(void *ctx, uint64_t first, int n, const double *const *in,
                        const double *const *tau, mc_err *e) {
  mc_h5_samples *h = ctx;
  const char *path = h->path;
  int rc = MC_OK;
  hid_t mem = -1, fs = -1;
  hsize_t cnt = (hsize_t)n, off = first;
  H5ID(mem, H5Screate_simple(1, &cnt, NULL));
  for (int i = 0; i < h->nds; i++) {
    const double *src = h->src[i] < 0         ? in[h->npar]
                        : h->src[i] < h->npar ? in[h->src[i]]
                                              : tau[h->src[i] - h->npar];
    H5ID(fs, H5Dget_space(h->ds[i]));
    H5C(H5Sselect_hyperslab(fs, H5S_SELECT_SET, &off, NULL, &cnt, NULL));
    H5C(H5Dwrite(h->ds[i], H5T_NATIVE_DOUBLE, mem, fs, H5P_DEFAULT, src));
    H5Sclose(fs);
    fs = -1;
  }
cleanup:
  if (rc != MC_OK)
    h->failed = 1;
  mc_h5_close(2, fs, mem);
  return rc;
}

int mc_h5_samples_close(mc_h5_samples *h, mc_err *e) {
  if (!h)
    return MC_OK;
  int rc = MC_OK;
  const char *path = h->path;
  for (int i = 0; i < h->nds; i++)
    if (h->ds[i] >= 0)
      H5Dclose(h->ds[i]);
  if (h->file >= 0) {
    int bad = h->failed;
    MPI_Allreduce(MPI_IN_PLACE, &bad, 1, MPI_INT, MPI_MAX, h->comm);
    if (bad) {
      mc_h5_empty_failed_file(path, h->comm);
      rc = mc_err_set(e, MC_EFAIL, "%s: writing the per-sample output failed (disk full?)", path);
    }
    if (H5Fclose(h->file) < 0 && rc == MC_OK)
      rc = mc_err_set(e, MC_EFAIL, "%s: closing the per-sample output failed (disk full?)", path);
  }
  free(h);
  return rc;
}
