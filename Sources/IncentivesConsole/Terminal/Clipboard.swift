import Foundation

/// Putting text on the terminal's clipboard with OSC 52 (`ESC ] 52 ; c ; BASE64 ST`), written straight to the
/// terminal, not through ncurses' screen buffer. Whether it lands is up to the terminal (xterm needs
/// `allowWindowOps`, many terminals ask or refuse); inside tmux the plain sequence is taken by tmux itself when
/// `set-clipboard` is on (a paste buffer, passed on to the outer terminal), and a copy wrapped in tmux's
/// passthrough (`ESC P tmux; ... ESC \`, escapes doubled) reaches the outer terminal when `allow-passthrough` is on.
public struct Clipboard {
    /// Writes bytes to the terminal (the backend's: fd 1; tests pass a fake that keeps them).
    let write: ([UInt8]) -> Void
    let insideTmux: Bool

    public init(insideTmux: Bool, write: @escaping ([UInt8]) -> Void) {
        self.insideTmux = insideTmux
        self.write = write
    }

    /// The bytes that put `text` on the clipboard.
    public static func sequence(for text: String, insideTmux: Bool) -> [UInt8] {
        let osc = "\u{1B}]52;c;" + Data(text.utf8).base64EncodedString() + "\u{1B}\\"
        guard insideTmux else { return Array(osc.utf8) }
        let wrapped = "\u{1B}Ptmux;" + osc.replacingOccurrences(of: "\u{1B}", with: "\u{1B}\u{1B}") + "\u{1B}\\"
        return Array((osc + wrapped).utf8)
    }

    public func copy(_ text: String) {
        write(Self.sequence(for: text, insideTmux: insideTmux))
    }
}
