#define _XOPEN_SOURCE 700
#define _GNU_SOURCE
#include <locale.h>
#include <wchar.h>
#include "text_width.h"

// Widths by C.UTF-8's tables whatever the process's locale (cron and CI run with none), set for this call
// only with uselocale: the process's own locale is never changed. The locale object is made once; a race
// between two first calls makes two, and one is simply kept.
int incentives_wcwidth(unsigned int c) {
    static locale_t utf8 = (locale_t)0;
    if (utf8 == (locale_t)0) {
        utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
        if (utf8 == (locale_t)0) utf8 = newlocale(LC_CTYPE_MASK, "C.utf8", (locale_t)0);
        if (utf8 == (locale_t)0) return wcwidth((wchar_t)c);
    }
    locale_t previous = uselocale(utf8);
    int w = wcwidth((wchar_t)c);
    uselocale(previous);
    return w;
}

// wcswidth(3) under C.UTF-8, for the fuzz target that checks TerminalText's widths against the C library's.
int incentives_wcswidth(const unsigned int *s, unsigned long n) {
    static locale_t utf8 = (locale_t)0;
    if (utf8 == (locale_t)0) {
        utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
        if (utf8 == (locale_t)0) utf8 = newlocale(LC_CTYPE_MASK, "C.utf8", (locale_t)0);
        if (utf8 == (locale_t)0) return wcswidth((const wchar_t *)s, n);
    }
    locale_t previous = uselocale(utf8);
    int w = wcswidth((const wchar_t *)s, n);
    uselocale(previous);
    return w;
}
