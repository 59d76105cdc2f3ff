import Foundation
import Testing
import VigieCore

@Suite("The token bucket")
struct TokenBucketTests {
    @Test("a burst up to capacity passes, then requests are spaced at the rate")
    func spacing() {
        let start = Date(timeIntervalSince1970: 0)
        var bucket = TokenBucket(rate: 10, capacity: 3)
        #expect((0..<3).map { _ in bucket.reserve(now: start) } == [.zero, .zero, .zero])
        #expect(bucket.reserve(now: start) == .milliseconds(100))
        #expect(bucket.reserve(now: start) == .milliseconds(200))
        // A second later the bucket has refilled to capacity, no more.
        var later = TokenBucket(rate: 10, capacity: 3)
        for _ in 0..<3 { _ = later.reserve(now: start) }
        #expect((0..<3).map { _ in later.reserve(now: start + 1) } == [.zero, .zero, .zero])
        #expect(later.reserve(now: start + 1) == .milliseconds(100))
    }
}
