#if canImport(Glibc)
import Glibc
#endif

/// Asks the kernel to back a large, not yet touched buffer with 2 MiB pages.
///
/// The id tables are probed at random: with 4 KiB pages a table far larger than the TLB covers misses it on
/// nearly every probe, and the page walk costs as much as the cache miss itself. Linux's transparent huge pages
/// are commonly in "madvise" mode, so the buffer must ask. A hint only: nothing changes when refused.
enum HugePages {
    static let size = 2 << 20

    static func advise(_ buffer: UnsafeMutableRawBufferPointer) {
        #if os(Linux)
        guard let base = buffer.baseAddress, buffer.count >= 2 * size else { return }
        let start = (Int(bitPattern: base) + size - 1) & ~(size - 1)
        let end = (Int(bitPattern: base) + buffer.count) & ~(size - 1)
        guard end > start, let p = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(p, end - start, MADV_HUGEPAGE)
        #endif
    }
}
