#if canImport(Glibc)
import Glibc
#endif
import CNcursesw

/// Decisions about the terminal made from the environment before curses starts: the locale (for
/// wide characters and box drawing), whether colour is wanted (NO_COLOR), and Esc's delay.
public enum TerminalEnvironment {
    /// Sets the locale from the environment. With no LANG (cron, CI, a bare ssh) wide characters
    /// come out as garbage and `wcwidth` fails, so fall back to C.UTF-8 for LC_CTYPE when it exists.
    /// Returns whether the resulting character set is UTF-8 (otherwise draw ASCII).
    @discardableResult
    public static func prepareLocale() -> Bool {
        setlocale(LC_ALL, "")
        if isUTF8 { return true }
        let env = LocaleEnvironment.lang
        // Honour an explicit choice (LANG=C means an ASCII terminal); only fill in when nothing was chosen.
        if env.isEmpty {
            if setlocale(LC_CTYPE, "C.UTF-8") != nil || setlocale(LC_CTYPE, "C.utf8") != nil { return isUTF8 }
        }
        return false
    }

    public static var isUTF8: Bool {
        guard let cs = cn_codeset() else { return false }
        let name = String(cString: cs).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }

    /// NO_COLOR (https://no-color.org): present and not empty disables colour.
    public static var noColor: Bool {
        guard let v = getenv("NO_COLOR") else { return false }
        return v.pointee != 0
    }
}

enum LocaleEnvironment {
    /// The first of LC_ALL, LC_CTYPE, LANG that is set.
    static var lang: String {
        for name in ["LC_ALL", "LC_CTYPE", "LANG"] {
            if let v = getenv(name), v.pointee != 0 { return String(cString: v) }
        }
        return ""
    }
}
