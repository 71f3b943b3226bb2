import CNcursesw

/// How each `Style` looks on this terminal. Colour when the terminal has it and NO_COLOR is not set;
/// otherwise bold, reverse and underline only (vt100, NO_COLOR, TERM=xterm-mono).
struct Theme {
    private var attributes: [attr_t]

    init(colour: Bool) {
        let bold = cn_a_bold(), reverse = cn_a_reverse(), normal = cn_a_normal(), underline = cn_a_underline()
        if colour {
            // Pair numbers are 1-based; -1 is the terminal's default background (use_default_colors).
            let pairs: [(Style, Int16, Int16)] = [
                (.header, Int16(COLOR_CYAN), -1), (.dim, Int16(COLOR_BLUE), -1), (.good, Int16(COLOR_GREEN), -1),
                (.warn, Int16(COLOR_YELLOW), -1), (.bad, Int16(COLOR_RED), -1), (.accent, Int16(COLOR_MAGENTA), -1),
                (.bar, Int16(COLOR_BLACK), Int16(COLOR_CYAN)), (.selected, Int16(COLOR_BLACK), Int16(COLOR_YELLOW)),
            ]
            var attrs = Array(repeating: normal, count: Style.allCases.count)
            for (i, (style, fg, bg)) in pairs.enumerated() {
                init_pair(Int16(i + 1), fg, bg)
                attrs[Int(style.rawValue)] = cn_color_pair(Int32(i + 1))
            }
            attrs[Int(Style.header.rawValue)] |= bold
            attrs[Int(Style.good.rawValue)] |= bold
            attrs[Int(Style.bad.rawValue)] |= bold
            attrs[Int(Style.accent.rawValue)] |= bold
            attributes = attrs
        } else {
            attributes = Style.allCases.map { style in
                switch style {
                case .normal, .dim: return normal
                case .header, .accent, .good: return bold
                case .warn: return underline
                case .bad: return bold | underline
                case .selected, .bar: return reverse
                }
            }
        }
    }

    func attribute(_ style: Style) -> attr_t { attributes[Int(style.rawValue)] }
}
