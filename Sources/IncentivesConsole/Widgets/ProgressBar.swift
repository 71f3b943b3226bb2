import IncentivesText
/// `██████░░░░ 3/5`: how far along the next award is.
public enum ProgressBar {
    public static func text(done: Int, needed: Int, width: Int, glyphs: Glyphs) -> String {
        guard width > 0 else { return "" }
        let filled = needed > 0 ? min(width, (done * width + needed / 2) / needed) : 0
        return String(repeating: glyphs.barFull, count: filled) + String(repeating: glyphs.barEmpty, count: width - filled)
    }

    public static func draw(on canvas: inout Canvas, x: Int, y: Int, width: Int, done: Int, needed: Int, style: Style = .good) {
        let label = " \(done)/\(needed)"
        let barWidth = max(width - TerminalText.cells(label), 0)
        canvas.text(text(done: done, needed: needed, width: barWidth, glyphs: canvas.glyphs), x: x, y: y, style: style)
        canvas.text(label, x: x + barWidth, y: y, style: .normal)
    }
}
