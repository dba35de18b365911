#ifndef GUEST_IO_H
#define GUEST_IO_H
#include <stdarg.h>
#include <stddef.h>

void put_char(int c);
int tp_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int tp_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
#define printf tp_printf

void *tp_memset(void *s, int c, size_t n);
void *tp_memcpy(void *d, const void *s, size_t n);
#endif
