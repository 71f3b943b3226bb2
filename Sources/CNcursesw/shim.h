// The wide-character API needs these; SwiftPM drops the -D flags pkg-config gives.
#define NCURSES_WIDECHAR 1
#define _XOPEN_SOURCE_EXTENDED 1
#include <locale.h>
#include <langinfo.h>
#include <stdio.h>
#include <signal.h>
#include <wchar.h>
#include <ncurses.h>

// Macros and C globals that Swift cannot import (or that fail Swift 6 concurrency checks),
// as functions.
static inline WINDOW *cn_stdscr(void) { return stdscr; }
static inline int cn_lines(void) { return LINES; }
static inline int cn_cols(void) { return COLS; }
static inline int cn_colors(void) { return COLORS; }
static inline attr_t cn_a_normal(void) { return A_NORMAL; }
static inline attr_t cn_a_bold(void) { return A_BOLD; }
static inline attr_t cn_a_reverse(void) { return A_REVERSE; }
static inline attr_t cn_a_dim(void) { return A_DIM; }
static inline attr_t cn_a_underline(void) { return A_UNDERLINE; }
static inline attr_t cn_color_pair(int n) { return COLOR_PAIR(n); }
static inline int cn_attrset(WINDOW *w, attr_t a) { return wattrset(w, (int)a); }
static inline FILE *cn_stdout(void) { return stdout; }
static inline FILE *cn_stdin(void) { return stdin; }
static inline const char *cn_codeset(void) { return nl_langinfo(CODESET); }
// wcwidth is declared by <wchar.h> only under _XOPEN_SOURCE, which SwiftPM's Glibc module lacks.
extern int wcwidth(wchar_t c);
static inline int cn_wcwidth(unsigned int c) { return wcwidth((wchar_t)c); }

// Mouse: the button masks are macros. cn_mouse_kind reads an event's bstate as 0 nothing we use,
// 1 a left click (or press), 2 a left double click, 3 the wheel up, 4 the wheel down.
static inline mmask_t cn_mouse_mask(void) {
    return BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED;
}
static inline int cn_mouse_kind(mmask_t b) {
    if (b & BUTTON1_DOUBLE_CLICKED) return 2;
    if (b & (BUTTON1_CLICKED | BUTTON1_PRESSED)) return 1;
    if (b & BUTTON4_PRESSED) return 3;
    if (b & BUTTON5_PRESSED) return 4;
    return 0;
}
