/* YAML text into a tree of jnode (job_internal.h), with libyaml's event API.
 *
 * The tree keeps each node's file, line and column, so that a value merged in
 * from a base file (`extends:`) is still refused at its own place. It is built
 * as libyaml's document loader (loader.c) composes a document, with the same
 * refusals worded the same way (an undefined alias, a duplicate anchor, a
 * second document), and three more: a collection nested deeper than
 * JOB_MAX_DEPTH (libyaml's scanner takes time quadratic in the depth, so a
 * deep file is refused where the depth is exceeded, before it is read on), a
 * NUL character in a scalar (C strings would silently cut it there), and a
 * file larger than JOB_MAX_BYTES. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "job_internal.h"

/* ------------------------------------------------------------- the arena */

struct job_chunk {
  job_chunk *next;
  size_t used, cap;
  _Alignas(16) unsigned char data[];
};

void *job_alloc(job_arena *a, size_t n) {
  n = (n + 15) & ~(size_t)15;
  job_chunk *h = a->head;
  if (!h || h->cap - h->used < n) {
    size_t cap = n > 60000 ? n : 60000;
    job_chunk *c = malloc(sizeof *c + cap);
    if (!c)
      return NULL;
    c->used = 0;
    c->cap = cap;
    if (h && n > 60000) { /* a large block: keep the current chunk in front */
      c->next = h->next;
      h->next = c;
    } else {
      c->next = h;
      a->head = c;
    }
    h = c;
  }
  void *p = h->data + h->used;
  h->used += n;
  memset(p, 0, n);
  return p;
}

char *job_strndup(job_arena *a, const char *s, size_t n) {
  char *t = job_alloc(a, n + 1);
  if (t) {
    memcpy(t, s, n);
    t[n] = '\0';
  }
  return t;
}

void job_arena_free(job_arena *a) {
  for (job_chunk *c = a->head, *next; c; c = next) {
    next = c->next;
    free(c);
  }
  a->head = NULL;
}

/* ----------------------------------------------------------- the builder */

typedef struct anchor {
  char *name;
  jnode *node; /* NULL while the anchored collection is being read */
  yaml_mark_t mark;
} anchor;

typedef struct builder {
  yaml_parser_t ps;
  job_arena *a;
  const char *file;
  const char *text;
  size_t len;
  int col0;
  mc_err *e;
  anchor *anchors;
  int nanchors, capanchors;
} builder;

static int line_of(yaml_mark_t m) { return (int)m.line + 1; }
static int col_of(const builder *b, yaml_mark_t m) {
  return (int)m.column + 1 + (m.line == 0 ? b->col0 : 0);
}

static int fail_mark(builder *b, yaml_mark_t m, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail_mark(builder *b, yaml_mark_t m, const char *fmt, ...) {
  char msg[1600];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  return job_fail_pos(b->e, b->file, line_of(m), col_of(b, m), "%s", msg);
}

static int oom(builder *b) {
  MC_RAISE(b->e, MC_EFAIL, "%s: out of memory while reading YAML", b->file);
}

/* Line and column (1-based) of byte offset off in text. */
static void offset_pos(const char *text, size_t len, size_t off, int *line, int *col) {
  *line = 1;
  *col = 1;
  for (size_t i = 0; i < off && i < len; i++) {
    if (text[i] == '\n') {
      ++*line;
      *col = 1;
    } else if (((unsigned char)text[i] & 0xC0) != 0x80) {
      ++*col;
    }
  }
}

/* The parser's (or composer's) error, as libyaml reports it. */
static int syntax_error(builder *b) {
  yaml_parser_t *ps = &b->ps;
  if (ps->error == YAML_READER_ERROR) {
    int line, col;
    offset_pos(b->text, b->len, ps->problem_offset, &line, &col);
    return job_fail_pos(b->e, b->file, line, col + (line == 1 ? b->col0 : 0),
                        "not readable as YAML text: %s; expected UTF-8 text",
                        ps->problem ? ps->problem : "unknown problem");
  }
  if (ps->error == YAML_MEMORY_ERROR)
    return oom(b);
  if (ps->context)
    return fail_mark(b, ps->problem_mark,
                     "YAML syntax error: %s (%s at line %d, column %d); expected valid YAML: "
                     "check the indentation, colons and quotes here",
                     ps->problem ? ps->problem : "unknown problem", ps->context,
                     (int)ps->context_mark.line + 1, col_of(b, ps->context_mark));
  return fail_mark(b, ps->problem_mark,
                   "YAML syntax error: %s; expected valid YAML: check the indentation, colons "
                   "and quotes here",
                   ps->problem ? ps->problem : "unknown problem");
}

static int next_event(builder *b, yaml_event_t *ev) {
  if (!yaml_parser_parse(&b->ps, ev))
    return syntax_error(b);
  return MC_OK;
}

/* A composer error (libyaml's loader.c words). */
static int composer_error(builder *b, const char *context, yaml_mark_t cm, const char *problem,
                          yaml_mark_t pm) {
  b->ps.error = YAML_COMPOSER_ERROR;
  b->ps.context = context;
  b->ps.context_mark = cm;
  b->ps.problem = problem;
  b->ps.problem_mark = pm;
  return syntax_error(b);
}

/* Refuses an anchor defined twice (as libyaml does, when the second starts),
 * else reserves it; the node is set when it is complete. */
static int anchor_open(builder *b, const yaml_char_t *name, yaml_mark_t mark, int *slot) {
  *slot = -1;
  if (!name)
    return MC_OK;
  for (int i = 0; i < b->nanchors; i++)
    if (!strcmp(b->anchors[i].name, (const char *)name))
      return composer_error(b, "found duplicate anchor; first occurence", b->anchors[i].mark,
                            "second occurence", mark);
  if (b->nanchors == b->capanchors) {
    int cap = b->capanchors ? 2 * b->capanchors : 16;
    anchor *t = realloc(b->anchors, (size_t)cap * sizeof *t);
    if (!t)
      return oom(b);
    b->anchors = t;
    b->capanchors = cap;
  }
  char *copy = job_strndup(b->a, (const char *)name, strlen((const char *)name));
  if (!copy)
    return oom(b);
  b->anchors[b->nanchors] = (anchor){copy, NULL, mark};
  *slot = b->nanchors++;
  return MC_OK;
}

static jnode *new_node(builder *b, int type, yaml_mark_t m) {
  jnode *n = job_alloc(b->a, sizeof *n);
  if (n) {
    n->type = type;
    n->text = "";
    n->file = b->file;
    n->line = line_of(m);
    n->col = col_of(b, m);
  }
  return n;
}

static int build_node(builder *b, yaml_event_t *ev, int depth, jnode **out);

/* The items (or keys and values, alternately) of a collection up to its end
 * event, into arena arrays. */
static int build_items(builder *b, jnode *n, yaml_event_type_t end, int depth) {
  jnode **items = NULL;
  int count = 0, cap = 0, rc = MC_OK;
  for (;;) {
    yaml_event_t ev;
    if ((rc = next_event(b, &ev)))
      break;
    if (ev.type == end) {
      yaml_event_delete(&ev);
      break;
    }
    if (count == cap) {
      cap = cap ? 2 * cap : 8;
      jnode **t = realloc(items, (size_t)cap * sizeof *t);
      if (!t) {
        yaml_event_delete(&ev);
        rc = oom(b);
        break;
      }
      items = t;
    }
    if ((rc = build_node(b, &ev, depth, &items[count])))
      break;
    count++;
  }
  if (rc == MC_OK && count) {
    int pairs = n->type == JOB_MAP;
    n->n = pairs ? count / 2 : count;
    n->val = job_alloc(b->a, (size_t)n->n * sizeof *n->val);
    n->key = pairs ? job_alloc(b->a, (size_t)n->n * sizeof *n->key) : NULL;
    if (!n->val || (pairs && !n->key))
      rc = oom(b);
    for (int i = 0; rc == MC_OK && i < n->n; i++) {
      if (pairs) {
        n->key[i] = items[2 * i];
        n->val[i] = items[2 * i + 1];
      } else {
        n->val[i] = items[i];
      }
    }
  }
  free(items);
  return rc;
}

static int build_scalar(builder *b, yaml_event_t *ev, jnode *n) {
  const char *v = (const char *)ev->data.scalar.value;
  size_t len = ev->data.scalar.length;
  if (memchr(v, '\0', len))
    return fail_mark(b, ev->start_mark,
                     "a NUL character (\\0) after \"%.40s\"; expected text without NUL characters",
                     v);
  n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
  n->text = job_strndup(b->a, v, len);
  return n->text ? MC_OK : oom(b);
}

/* Builds the node that starts with event ev (consumed) and everything in it. */
static int build_node(builder *b, yaml_event_t *ev, int depth, jnode **out) {
  int rc = MC_OK, slot = -1;
  jnode *n = NULL;
  const yaml_char_t *anchor = NULL;
  switch (ev->type) {
  case YAML_ALIAS_EVENT:
    for (int i = 0; i < b->nanchors && !n; i++)
      if (b->anchors[i].node && !strcmp(b->anchors[i].name, (const char *)ev->data.alias.anchor))
        n = b->anchors[i].node;
    if (!n)
      rc = composer_error(b, NULL, ev->start_mark, "found undefined alias", ev->start_mark);
    break;
  case YAML_SCALAR_EVENT:
    anchor = ev->data.scalar.anchor;
    if (!(rc = anchor_open(b, anchor, ev->start_mark, &slot))) {
      n = new_node(b, JOB_SCALAR, ev->start_mark);
      rc = n ? build_scalar(b, ev, n) : oom(b);
    }
    break;
  case YAML_SEQUENCE_START_EVENT:
  case YAML_MAPPING_START_EVENT: {
    int map = ev->type == YAML_MAPPING_START_EVENT;
    anchor = map ? ev->data.mapping_start.anchor : ev->data.sequence_start.anchor;
    if (depth + 1 > JOB_MAX_DEPTH) {
      rc = fail_mark(b, ev->start_mark,
                     "%s nested more than %d levels deep; expected a job nested at most %d "
                     "levels",
                     map ? "a mapping" : "a list", JOB_MAX_DEPTH, JOB_MAX_DEPTH);
      break;
    }
    if ((rc = anchor_open(b, anchor, ev->start_mark, &slot)))
      break;
    n = new_node(b, map ? JOB_MAP : JOB_SEQ, ev->start_mark);
    rc = n ? build_items(b, n, map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT, depth + 1)
           : oom(b);
    break;
  }
  default:
    rc = mc_err_set(b->e, MC_EFAIL, "%s: unexpected YAML event %d", b->file, (int)ev->type);
  }
  yaml_event_delete(ev);
  if (rc == MC_OK && slot >= 0)
    b->anchors[slot].node = n;
  *out = n;
  return rc;
}

/* The next document's root into *root: NULL at the end of the stream. */
static int build_document(builder *b, jnode **root, int *end) {
  yaml_event_t ev;
  int rc;
  *root = NULL;
  *end = 0;
  if ((rc = next_event(b, &ev)))
    return rc;
  if (ev.type == YAML_STREAM_END_EVENT) {
    yaml_event_delete(&ev);
    *end = 1;
    return MC_OK;
  }
  yaml_event_delete(&ev); /* DOCUMENT-START */
  b->nanchors = 0;        /* anchors are per document */
  if ((rc = next_event(b, &ev)) || (rc = build_node(b, &ev, 0, root)))
    return rc;
  if ((rc = next_event(b, &ev)))
    return rc;
  yaml_event_delete(&ev); /* DOCUMENT-END */
  return MC_OK;
}

int job_tree_parse(job_arena *a, const char *text, size_t len, const char *file, int col0,
                   jnode **root, mc_err *e) {
  builder b = {.a = a, .file = file, .text = text, .len = len, .col0 = col0, .e = e};
  *root = NULL;
  if (!yaml_parser_initialize(&b.ps))
    MC_RAISE(e, MC_EFAIL, "%s: out of memory", file);
  yaml_parser_set_input_string(&b.ps, (const unsigned char *)text, len);
  yaml_event_t ev;
  int rc = next_event(&b, &ev), end = 0;
  if (rc == MC_OK) {
    yaml_event_delete(&ev); /* STREAM-START */
    rc = build_document(&b, root, &end);
  }
  if (rc == MC_OK && *root) {
    jnode *second;
    rc = build_document(&b, &second, &end);
    if (rc == MC_OK && second)
      rc = job_fail_pos(e, file, second->line, second->col,
                        "a second YAML document; expected one job per file");
  }
  free(b.anchors);
  yaml_parser_delete(&b.ps);
  return rc;
}

int job_read_file(const char *path, char **text, size_t *len, mc_err *e) {
  int rc = MC_OK;
  char *buf = NULL;
  *text = NULL;
  *len = 0;
  FILE *f = fopen(path, "rb");
  if (!f)
    MC_FAIL(e, MC_EINPUT, "%s: cannot open the job file: %s", path, strerror(errno));
  size_t cap = 1 << 16, n = 0;
  buf = malloc(cap);
  if (!buf)
    MC_FAIL(e, MC_EFAIL, "%s: out of memory", path);
  for (;;) {
    if (n == cap) {
      if (cap >= JOB_MAX_BYTES)
        MC_FAIL(e, MC_EINPUT, "%s: the job file is larger than %d MiB; expected a small YAML file",
                path, JOB_MAX_BYTES >> 20);
      char *t = realloc(buf, cap * 2);
      if (!t)
        MC_FAIL(e, MC_EFAIL, "%s: out of memory", path);
      buf = t;
      cap *= 2;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0)
      break;
  }
  if (ferror(f))
    MC_FAIL(e, MC_EINPUT, "%s: cannot read the job file: %s", path, strerror(errno));
  *text = buf;
  *len = n;
  buf = NULL;
cleanup:
  if (f)
    fclose(f);
  free(buf);
  return rc;
}
