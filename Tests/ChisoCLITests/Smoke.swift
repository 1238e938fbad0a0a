import Testing
@Test func placeholderChisoCLITests() { #expect(1 + 1 == 2) }
