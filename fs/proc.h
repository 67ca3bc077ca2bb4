/* procfs and sysfs (fs/proc.c, fs/sysfs.c): they register their fs types
 * themselves; this header holds the text buffer both fill. */
#ifndef FS_PROC_H
#define FS_PROC_H

#include <stdbool.h>
#include <stddef.h>

/* A growing text buffer; oom is set (and the contents stop) on failure. */
struct pbuf {
	char *d;
	size_t len, cap;
	bool oom;
};

void pbuf_add(struct pbuf *b, const void *p, size_t n);
void pbuf_printf(struct pbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Pad the line that started at offset line_start to column col. */
void pbuf_pad(struct pbuf *b, size_t line_start, size_t col);
/* s with the characters in esc as octal escapes (\040), as Linux's
 * mangle for mount and map paths. */
void pbuf_escaped(struct pbuf *b, const char *s, const char *esc);

#endif
