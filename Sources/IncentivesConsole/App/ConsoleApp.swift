#if canImport(Glibc)
import Glibc
#endif
import IncentivesCore

/// The run loop: read a key (100 ms at most), update, draw; between keys, take live changes and
/// tick the clock. Everything curses happens on this one thread.
public enum ConsoleApp {
    public enum Outcome: Equatable {
        case quit
        case unusableTerminal(String)
    }

    public static func run(data: any ConsoleData, clock: ConsoleClock = .system, screen: ScreenID = .programs, mouse: Bool = true) -> Outcome {
        let backend: CursesBackend
        do {
            backend = try CursesBackend(mouse: mouse)
        } catch {
            return .unusableTerminal(error.description)
        }
        defer { backend.end() }
        var state = AppState(data: data, clock: clock, screen: screen)
        let poller = LivePoller(data: data)
        poller.start()
        defer { poller.stop() }

        var (w, h) = backend.size
        state.viewport = Viewport(width: w, height: h, glyphs: backend.glyphs)
        backend.draw(AppView.render(state, width: w, height: h, glyphs: backend.glyphs).grid, clear: true)
        var lastSecond = clock.now().seconds
        var lastRefresh = lastSecond
        var pendingRefresh = false
        while !state.quitting {
            var dirty = false
            var clear = false
            if let key = backend.readKey() {
                if key == .resize {
                    (w, h) = backend.size
                    state.viewport = Viewport(width: w, height: h, glyphs: backend.glyphs)
                    clear = true
                } else {
                    state.handle(key)
                }
                dirty = true
            }
            for changes in poller.take() {
                state.receive(changes)
                if !changes.events.isEmpty || !changes.achievements.isEmpty { pendingRefresh = true }
                dirty = true
            }
            let now = clock.now().seconds
            // Other screens follow live data at most once a second: a page query per batch is plenty.
            // Deliveries change without new events (a `deliver` elsewhere): those screens follow every 2 s anyway.
            if state.refreshesOnATimer, now - lastRefresh >= 2 { pendingRefresh = true }
            if pendingRefresh, now != lastRefresh {
                state.refreshVisible()
                pendingRefresh = false
                lastRefresh = now
                dirty = true
            }
            if now != lastSecond { lastSecond = now; dirty = true }
            if dirty && !state.quitting {
                backend.draw(AppView.render(state, width: w, height: h, glyphs: backend.glyphs).grid, clear: clear)
            }
            if let id = state.takeCopy() { backend.copyToClipboard(id) }
        }
        return .quit
    }
}
