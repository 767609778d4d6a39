/* Charts of results files and of jobs, drawn with PLplot's cairo drivers
 * (docs/outputs.md "Figures"): the library under `crossover plot` and
 * `crossover check --plot`.
 *
 * Each function writes its files beside their final names and renames them
 * into place only when every chart is drawn and written in full, printing
 * each path on stdout; on failure it leaves no file (and replaces none).
 * The output's extension chooses the format: .png and .svg a file per
 * chart (OUT-SUFFIX.EXT), .pdf one file with a page per chart. Returns
 * MC_OK, MC_EINPUT (an output name or a request that cannot be drawn:
 * nothing written) or MC_EFAIL (drawing or writing failed). Serial; not
 * reentrant (PLplot's state is global). */
#ifndef MC_PLOT_H
#define MC_PLOT_H

#include "mc_engine.h"
#include "mc_job.h"

/* The charts of one results state: a fan chart per unit of the series
 * sel[0..nsel-1] (nsel 0: the model's default charts), the crossover-year
 * distribution of each crossover, the binding constraints of a model that
 * counts them (skipped, with a note on stderr, when every count is 0), and
 * the Sobol' indices when the job has a sensitivity analysis. */
int mc_plot_results(const mc_job *job, const mc_stats *st, const char *out, const int *sel,
                    int nsel, mc_err *e);

/* A comparison of n results states of one model (2 <= n <= 10): per
 * crossover that every file has, the cumulative crossover-year curves
 * overlaid; per chart of series (sel as above), each series' median and
 * 25-75% band per scenario. label[i] names file i in legends. */
int mc_plot_compare(int n, const mc_job *const *job, const mc_stats *const *st,
                    const char *const *label, const char *out, const int *sel, int nsel, mc_err *e);

/* The input distributions of a job: for each parameter the job samples
 * (not constant), the density of its distribution as configured (truncation
 * included), with its 5th, 50th and 95th percentiles; constants are listed
 * below. One chart, written to out itself (PNG, PDF or SVG). */
int mc_plot_inputs(const mc_job *job, const char *out, mc_err *e);

#endif
