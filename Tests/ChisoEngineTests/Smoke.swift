import Testing
@Test func placeholderChisoEngineTests() { #expect(1 + 1 == 2) }
