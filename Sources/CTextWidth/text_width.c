#define _XOPEN_SOURCE 700
#include <wchar.h>
#include "text_width.h"

int incentives_wcwidth(unsigned int c) { return wcwidth((wchar_t)c); }
