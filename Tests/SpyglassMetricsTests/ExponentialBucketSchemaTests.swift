import SpyglassMetrics
import SpyglassTestSupport
import Testing

@Suite struct ExponentialBucketSchemaTests {
    @Test func onlyPrometheusSchemasAreAccepted() {
        #expect(ExponentialBucketSchema(-5) == nil)
        #expect(ExponentialBucketSchema(9) == nil)
        #expect(ExponentialBucketSchema.range.allSatisfy { ExponentialBucketSchema($0) != nil })
        #expect(ExponentialBucketSchema(0)?.factor == 2)
        #expect(ExponentialBucketSchema(-2)?.factor == 16)
    }

    /// Prometheus's definition: bucket i holds factor^(i-1) < v ≤ factor^i, bucket 0 ends at 1. Normal magnitudes:
    /// subnormal bounds are not representable exactly (and lie far below any zero threshold).
    @Test(arguments: ExponentialBucketSchema.range)
    func everyValueFallsBetweenItsBucketsBounds(schema: Int) throws {
        let buckets = try #require(ExponentialBucketSchema(schema))
        var random = SeededRandom(seed: UInt64(schema + 100))
        var values = (0..<20_000).map { _ in Double(sign: .plus, exponent: Int.random(in: -1_020...1_020, using: &random), significand: Double.random(in: 1..<2, using: &random)) }
        values += (-1_020...1_023).map { Double(sign: .plus, exponent: $0, significand: 1) }  // every power of two
        values += [1, 0.5, 2, 3, 1e-9, 1e-6, 0.000_25, 0.25, 100, 1e9, .leastNormalMagnitude * 4, .greatestFiniteMagnitude]
        for value in values {
            let index = buckets.index(of: value)
            #expect(buckets.upperBound(of: index - 1) < value && value <= buckets.upperBound(of: index), "schema \(schema) value \(value) index \(index)")
            #expect(buckets.index(of: -value) == index)
        }
        #expect(buckets.index(of: 1) == 0)
        #expect(buckets.upperBound(of: 0) == 1)
    }

    /// A bucket's own bounds: its upper bound is in it, the next value up is in the next bucket.
    @Test(arguments: ExponentialBucketSchema.range)
    func boundsBelongToTheBucketTheyClose(schema: Int) throws {
        let buckets = try #require(ExponentialBucketSchema(schema))
        for index in -300...300 {
            let bound = buckets.upperBound(of: index)
            guard bound.isNormal, bound.nextUp.isFinite else { continue }  // schemas below 0 leave the range fast
            #expect(buckets.index(of: bound) == index, "schema \(schema) index \(index)")
            #expect(buckets.index(of: bound.nextUp) == index + 1, "schema \(schema) index \(index)")
        }
    }

    /// Schema 4's growth factor, 2^(1/16): a bucket's geometric middle is within 2.2% of every value in it.
    @Test func schemaFourResolvesWithinTwoAndAHalfPercent() throws {
        let buckets = try #require(ExponentialBucketSchema(4))
        #expect(abs(buckets.factor.squareRoot() - 1) < 0.025)
        #expect(buckets.upperBound(of: 16) == 2)
        #expect(abs(buckets.upperBound(of: 1) - 1.044_273_782_427_413_8) < 1e-15)
    }
}

