/* Printing text that came from a user (job files, results files, paths)
 * safely: control characters never reach a terminal raw (issue 17), and each
 * output format's special characters are escaped. */
#ifndef MC_ESCAPE_H
#define MC_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* s for a terminal, into buf (truncated to len, always terminated): tab,
 * newline and carriage return become spaces; other C0 controls and DEL
 * become \xHH, C1 controls (UTF-8 C2 80..C2 9F) \u00HH. Returns buf. */
const char *mc_esc_term(const char *s, char *buf, size_t len);

/* s as mc_esc_term, written to f. */
void mc_put_term(FILE *f, const char *s);

/* s as a Markdown table cell's text: as mc_esc_term, and \ | ` * _ < > [ ]
 * preceded by a backslash. */
void mc_put_md(FILE *f, const char *s);

/* s as a JSON string, quotes included (every control character, C1 too, as
 * \u00HH). */
void mc_put_json(FILE *f, const char *s);

/* s as one RFC 4180 CSV field: control characters as mc_esc_term; quoted
 * (with quotes doubled) when it holds a comma, a quote or starts or ends
 * with a space. */
void mc_put_csv(FILE *f, const char *s);

#endif
