/* The results file's /state group (io/ only): the engine's state written
 * and read field by field through its codec (engine/mc_codec.h), with the
 * state checksum (docs/results-format.md). */
#ifndef MC_H5_STATE_H
#define MC_H5_STATE_H

#include "mc_h5_util.h"
#include "mc_job.h"
#include "mc_state.h"

/* Writes /state of st for job into file (its root attribute part is part):
 * the checksum first, then every field of the state. */
int mc_h5_state_write(mc_h5w *w, hid_t file, const mc_job *job, const mc_stats *st,
                      const char *part, mc_err *e);

/* Reads /state of file (path) for job, whose root attributes config, part
 * and format_version were read: checks the checksum and every field, and
 * returns the state in *out (caller frees). MC_EINPUT for a damaged file. */
int mc_h5_state_read(hid_t file, const char *path, const mc_job *job, const char *config,
                     const char *part, int format_version, mc_stats **out, mc_err *e);

#endif
