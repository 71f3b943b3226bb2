#ifndef INCENTIVES_MEMORY_HINTS_H
#define INCENTIVES_MEMORY_HINTS_H

// Hints to the processor that Swift has no spelling for. Static inline, so that each call compiles to
// the one instruction where Swift calls it.

/// Starts loading the cache line at `address` for reading, without waiting for it: a lookup a few
/// events ahead then finds its table slot or its user's state already in cache.
static inline void incentives_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

/// The same, for a line that is about to be written.
static inline void incentives_prefetch_for_write(const void *address) {
    __builtin_prefetch(address, 1, 3);
}

#endif
