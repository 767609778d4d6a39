#include "escape.h"

#include <string.h>

const char *mc_esc_term(const char *s, char *buf, size_t len) {
  size_t at = 0;
  if (!len)
    return buf;
  for (const unsigned char *c = (const unsigned char *)s; *c && at + 1 < len; c++) {
    char tmp[8];
    const char *put = tmp;
    if (*c == '\t' || *c == '\n' || *c == '\r')
      put = " ";
    else if (*c < 0x20 || *c == 0x7f)
      snprintf(tmp, sizeof tmp, "\\x%02x", *c);
    else if (*c == 0xc2 && c[1] >= 0x80 && c[1] <= 0x9f)
      snprintf(tmp, sizeof tmp, "\\u%04x", *++c);
    else {
      tmp[0] = (char)*c;
      tmp[1] = '\0';
    }
    size_t k = strlen(put);
    if (at + k >= len)
      break;
    memcpy(buf + at, put, k);
    at += k;
  }
  buf[at] = '\0';
  return buf;
}

void mc_put_term(FILE *f, const char *s) {
  char buf[4096];
  fputs(mc_esc_term(s, buf, sizeof buf), f);
}

void mc_put_md(FILE *f, const char *s) {
  char buf[4096];
  for (const char *c = mc_esc_term(s, buf, sizeof buf); *c; c++) {
    if (strchr("\\|`*_<>[]", *c))
      fputc('\\', f);
    fputc(*c, f);
  }
}

void mc_put_json(FILE *f, const char *s) {
  fputc('"', f);
  for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
    if (*c == '"' || *c == '\\')
      fprintf(f, "\\%c", *c);
    else if (*c == '\n')
      fputs("\\n", f);
    else if (*c < 0x20 || *c == 0x7f)
      fprintf(f, "\\u%04x", *c);
    else if (*c == 0xc2 && c[1] >= 0x80 && c[1] <= 0x9f)
      fprintf(f, "\\u%04x", *++c);
    else
      fputc(*c, f);
  }
  fputc('"', f);
}

void mc_put_csv(FILE *f, const char *s) {
  char buf[4096];
  mc_esc_term(s, buf, sizeof buf);
  size_t n = strlen(buf);
  int quote = strpbrk(buf, ",\"") || (n && (buf[0] == ' ' || buf[n - 1] == ' '));
  if (!quote) {
    fputs(buf, f);
    return;
  }
  fputc('"', f);
  for (const char *c = buf; *c; c++) {
    if (*c == '"')
      fputc('"', f);
    fputc(*c, f);
  }
  fputc('"', f);
}
