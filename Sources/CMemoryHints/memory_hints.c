// Everything lives in include/memory_hints.h as static inline functions; SwiftPM needs one source file.
#include "memory_hints.h"
