import Foundation
import Synchronization
import Testing
import VigieCore

/// The reading thread hands its batches over in order, at most a few ahead, and either side's
/// failure ends both: the reader never runs on alone, the consumer never waits forever.
@Suite("Reading ahead on a thread of its own")
struct ReadAheadTests {
    @Test("every batch, in order, whatever the depth", arguments: [1, 2, 4, 64])
    func order(depth: Int) throws {
        var received: [Int] = []
        try ReadAhead.run(depth: depth, produce: { send in
            for batch in 0..<5_000 { try send(batch) }
        }, consume: { received.append($0) })
        #expect(received == Array(0..<5_000))
    }

    @Test("the reader is never more than the depth ahead of the consumer")
    func bounded() throws {
        let sent = Atomic<Int>(0)
        var worstLead = 0
        var consumed = 0
        try ReadAhead.run(depth: 3, produce: { send in
            for batch in 0..<2_000 {
                sent.add(1, ordering: .sequentiallyConsistent)
                try send(batch)
            }
        }, consume: { _ in
            consumed += 1
            // Sent but not yet consumed: the batches queued, and one the reader may be
            // holding while it waits for room.
            worstLead = max(worstLead, sent.load(ordering: .sequentiallyConsistent) - consumed)
        })
        #expect(consumed == 2_000)
        #expect(worstLead <= 3 + 1, "the reader ran \(worstLead) batches ahead")
    }

    struct Broken: Error, Equatable { var at: Int }

    @Test("a reader's error comes after every batch sent before it")
    func readerFails() {
        var received: [Int] = []
        #expect(throws: Broken(at: 700)) {
            try ReadAhead.run(depth: 2, produce: { send in
                for batch in 0..<700 { try send(batch) }
                throw Broken(at: 700)
            }, consume: { received.append($0) })
        }
        #expect(received == Array(0..<700))
    }

    @Test("a consumer's error stops a reader that would never end, and is what is thrown")
    func consumerFails() {
        let sent = Atomic<Int>(0)
        #expect(throws: Broken(at: 10)) {
            try ReadAhead.run(depth: 2, produce: { send in
                var batch = 0
                while true {
                    try send(batch)
                    sent.add(1, ordering: .sequentiallyConsistent)
                    batch += 1
                }
            }, consume: { batch in
                if batch == 10 { throw Broken(at: 10) }
            })
        }
        // The thread has ended when `run` returns: the reader stopped within its depth.
        #expect(sent.load(ordering: .sequentiallyConsistent) <= 10 + 2 + 1)
    }

    @Test("pulled: a reader let go of before its end stops its thread, which sends nothing more")
    func letGo() throws {
        let sent = Atomic<Int>(0)
        do {
            let reader = ReadAhead.Reader<Int>(depth: 2) { send in
                var batch = 0
                while true {
                    try send(batch)
                    sent.add(1, ordering: .sequentiallyConsistent)
                    batch += 1
                }
            }
            #expect(try reader.next() == 0)
            #expect(try reader.next() == 1)
        }
        // Letting go waited for the thread's end: what it sent is final.
        let final = sent.load(ordering: .sequentiallyConsistent)
        #expect(final <= 2 + 2 + 1)
        #expect(sent.load(ordering: .sequentiallyConsistent) == final)
    }

    @Test("pulled: every batch, then the reader's error once, then nil")
    func pulled() throws {
        let reader = ReadAhead.Reader<Int>(depth: 1) { send in
            for batch in 0..<50 { try send(batch) }
            throw Broken(at: 50)
        }
        for batch in 0..<50 { #expect(try reader.next() == batch) }
        #expect(throws: Broken(at: 50)) { try reader.next() }
        #expect(try reader.next() == nil)
    }

    @Test("a reader that sends nothing ends the run at once")
    func empty() throws {
        var received = 0
        try ReadAhead.run(produce: { (_: (Int) throws -> Void) in }, consume: { _ in received += 1 })
        #expect(received == 0)
    }
}
