import Testing

@testable import SpyglassCore

@Suite struct QualifiedTypeNameTests {
    enum Outer { struct Nested: Error {} }
    struct Generic<Value>: Error {}
    final class ClassError: Error {}

    @Test func namesAreStringReflectingsOnEveryCall() {
        let errors: [any Error] = [Outer.Nested(), Generic<Int>(), Generic<String>(), ClassError(), CancellationError()]
        for _ in 0..<3 {
            for error in errors { #expect(qualifiedTypeName(of: error) == String(reflecting: type(of: error))) }
        }
        #expect(qualifiedTypeName(of: Generic<Int>()) != qualifiedTypeName(of: Generic<String>()))
        #expect(qualifiedTypeName(of: Outer.Nested()) == "SpyglassCoreTests.QualifiedTypeNameTests.Outer.Nested")
    }
}
