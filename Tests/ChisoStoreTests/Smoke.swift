import Testing
@Test func placeholderChisoStoreTests() { #expect(1 + 1 == 2) }
