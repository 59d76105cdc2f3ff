import Dispatch
import Foundation
import Synchronization

/// Reads a file on a thread of its own while the caller works through what was read.
///
/// `bodacc classify` spent about half of its time in libxml2 and assembling notices, and half
/// classifying them and writing their lines: one after the other on one core while the second
/// stayed idle. Here the reading runs ahead, at most `depth` batches, so that memory stays
/// that of a few batches whatever the file's size; batches are consumed in the order they were
/// read, on the caller's thread.
public enum ReadAhead {
    /// Runs `produce` on a new thread, handing each batch it sends to `consume` on this one.
    ///
    /// An error of `consume` stops the reading (its next `send` throws `Stopped`, which
    /// `produce` lets through) and is thrown once the thread has ended; an error of `produce`
    /// is thrown after every batch sent before it was consumed, as a loop reading and
    /// consuming in turn would have.
    public static func run<Batch: Sendable>(
        depth: Int = 4,
        produce: @escaping @Sendable (_ send: (Batch) throws -> Void) throws -> Void,
        consume: (Batch) throws -> Void
    ) throws {
        let reader = Reader(depth: depth, produce: produce)
        do {
            while let batch = try reader.next() { try consume(batch) }
        } catch {
            reader.close()
            throw error
        }
    }

    /// The batches of a reading thread, asked for one at a time (`next()`): for a consumer that
    /// pulls, as an import does between two writes to its store.
    public final class Reader<Batch: Sendable> {
        private let handoff: Handoff<Batch>
        /// The thread has sent its last item, and it was taken.
        private var ended = false

        /// Starts `produce` on a new thread, at most `depth` batches ahead of `next()`.
        public init(depth: Int = 4, produce: @escaping @Sendable (_ send: (Batch) throws -> Void) throws -> Void) {
            let handoff = Handoff<Batch>(depth: max(1, depth))
            self.handoff = handoff
            let thread = Thread {
                var failure: (any Error)?
                do {
                    try produce { batch in try handoff.send(batch) }
                } catch is Stopped {
                } catch {
                    failure = error
                }
                handoff.finish(failure)
            }
            thread.name = "vigie-read-ahead"
            thread.start()
        }

        /// The next batch, in the order they were sent; nil after the last. The thread's error
        /// is thrown after every batch sent before it, then nil.
        public func next() throws -> Batch? {
            guard !ended else { return nil }
            switch handoff.receive() {
            case .batch(let batch):
                return batch
            case .end(let failure):
                ended = true
                if let failure { throw failure }
                return nil
            }
        }

        /// Stops the thread and waits for it to end, the batches it sent meanwhile dropped.
        /// A reader let go of before its end is closed.
        public func close() {
            guard !ended else { return }
            handoff.stop()
            while !ended {
                if case .end = handoff.receive() { ended = true }
            }
        }

        deinit { close() }
    }

    /// What `send` throws once the consumer has stopped: the reader ends without an error.
    public struct Stopped: Error {}

    /// A queue of at most `depth` batches between the reading thread and the consumer.
    final class Handoff<Batch: Sendable>: Sendable {
        enum Item: Sendable {
            case batch(Batch)
            case end((any Error)?)
        }

        private let items = Mutex<[Item]>([])
        /// One count per batch the reader may still send before the consumer takes one.
        private let room: DispatchSemaphore
        /// One count per item waiting for the consumer.
        private let ready = DispatchSemaphore(value: 0)
        private let stopped = Atomic<Bool>(false)

        init(depth: Int) {
            room = DispatchSemaphore(value: depth)
        }

        func send(_ batch: Batch) throws {
            room.wait()
            guard !stopped.load(ordering: .acquiring) else {
                room.signal()
                throw Stopped()
            }
            items.withLock { $0.append(.batch(batch)) }
            ready.signal()
        }

        /// The last item: needs no room, so that a reader told to stop never waits for one.
        func finish(_ failure: (any Error)?) {
            items.withLock { $0.append(.end(failure)) }
            ready.signal()
        }

        func receive() -> Item {
            ready.wait()
            let item = items.withLock { $0.removeFirst() }
            if case .batch = item { room.signal() }
            return item
        }

        /// The consumer has failed: the reader's next `send` throws, and one waiting for room
        /// is woken to see it.
        func stop() {
            stopped.store(true, ordering: .releasing)
            room.signal()
        }
    }
}
