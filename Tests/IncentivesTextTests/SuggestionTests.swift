import IncentivesText
import Testing

/// The one "did you mean" helper (issue 20, item 11): nearest by edit distance, within a slip of the keyboard.
@Suite("Suggestions by edit distance")
struct SuggestionTests {
    @Test func theNearestIdIsOneEditAwayNotTheSharedPrefix() {
        let ids = (1...300).map { "u-" + String(repeating: "0", count: 5 - String($0).count) + String($0) }
        #expect(Suggestion.nearest(to: "u-0159", in: ids) == "u-00159")
        #expect(Suggestion.nearest(to: "u-0159", in: ids, limit: 3).first == "u-00159")
    }

    @Test func optionsZonesAndNamesNearEnough() {
        #expect(Suggestion.nearest(to: "--verison", in: ["--version", "--help", "ingest"]) == "--version")
        #expect(Suggestion.nearest(to: "Europe/Pari", in: ["Europe/Paris", "Europe/Prague", "UTC"]) == "Europe/Paris")
        #expect(Suggestion.nearest(to: "europe/paris", in: ["Europe/Paris"]) == nil, "known as typed, case aside: nothing to suggest")
        #expect(Suggestion.nearest(to: "frobnicate", in: ["ingest", "replay"]) == nil, "nothing near")
        #expect(Suggestion.nearest(to: "ab", in: ["xy"]) == nil, "two edits in two letters is another word")
    }

    @Test func severalAreNearestFirstThenInTheOrderGiven() {
        #expect(Suggestion.nearest(to: "mood", in: ["sleep", "moods", "food", "mode"], limit: 5) == ["moods", "food"], "mode is two edits: too far for four letters")
        #expect(Suggestion.nearest(to: "sleeep", in: ["steep", "mood", "sleep"], limit: 5) == ["sleep", "steep"], "nearest first")
        #expect(Suggestion.nearest(to: "mood", in: ["mod", "moods"], limit: 1) == ["mod"])
    }
}
