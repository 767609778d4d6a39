/* The table of projection models (mc_model.h). */
#include "mc_model.h"

#include <stdio.h>
#include <string.h>

const mc_model_type *const mc_models[MC_NMODELS] = {&mc_model_demand, &mc_model_capacity};

const mc_model_type *mc_model_find(const char *name) {
  for (int i = 0; i < MC_NMODELS; i++)
    if (strcmp(mc_models[i]->name, name) == 0)
      return mc_models[i];
  return NULL;
}

void mc_model_list(char *buf, size_t len) {
  size_t at = 0;
  buf[0] = 0;
  for (int i = 0; i < MC_NMODELS && at < len; i++)
    at += (size_t)snprintf(buf + at, len - at, "%s%s", i ? ", " : "", mc_models[i]->name);
}

void mc_model_init(mc_model *m, const mc_spec *spec) {
  m->type = spec->model;
  m->ny = mc_spec_nyears(spec);
  m->has_cap = spec->has_cap;
  m->policy = spec->policy;
}
