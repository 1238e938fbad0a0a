import Testing
@Test func placeholderChisoCoreTests() { #expect(1 + 1 == 2) }
