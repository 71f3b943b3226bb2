// wcwidth(3) for Swift: Glibc's module leaves it out unless _XOPEN_SOURCE is set, which SwiftPM cannot pass.
#ifndef INCENTIVES_TEXT_WIDTH_H
#define INCENTIVES_TEXT_WIDTH_H
/// Columns the character takes on a terminal in the current locale; -1 when it is not printable.
int incentives_wcwidth(unsigned int c);
/// Columns the `n` characters take (glibc's wcswidth, C.UTF-8); -1 when one is not printable. For the fuzz target
/// that checks `TerminalText.cells` against the C library.
int incentives_wcswidth(const unsigned int *s, unsigned long n);
#endif
