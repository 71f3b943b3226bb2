import IncentivesInput
import Testing

/// The store's evidence lists are JSON arrays of strings, read back with simdjson.
struct StringArrayReaderTests {
    let reader = StringArrayReader()

    @Test func readsStringsUnescaped() {
        #expect(reader.read(#"["e-1","e\"2","é ☃","\u0041"]"#) == ["e-1", "e\"2", "é ☃", "A"])
        #expect(reader.read("[]") == [])
    }

    @Test func longListsGrowTheBuffer() {
        let ids = (0..<100).map { "id-\($0)" }
        let json = "[" + ids.map { "\"\($0)\"" }.joined(separator: ",") + "]"
        #expect(reader.read(json) == ids)
        #expect(reader.read(#"["a"]"#) == ["a"], "the reader is reusable after growing")
    }

    @Test(arguments: ["", "[", "{\"a\":1}", "[1]", "[\"a\",null]", "\"a\"", "[\"a\"] x", "[\"\\ud800\"]"])
    func refusesWhatIsNotAnArrayOfStrings(_ text: String) {
        #expect(reader.read(text) == nil)
    }
}
