import Foundation
import VigieCore

/// A person's action on a case, as the CLI and the API both write it: the transition checked,
/// the audit entry, and what the routes that follow cases must hear (its acknowledgement, its
/// resolution). A case changed between reading and writing is read again once.
public enum CaseActions {
    public enum Failure: Error, CustomStringConvertible {
        case notFound(String)
        /// The action makes no sense in the case's state.
        case refused(CaseActionError)
        /// Someone else changed it twice while this was written.
        case conflict(CaseConflict)

        public var description: String {
            switch self {
            case .notFound(let id): "no case \(id)"
            case .refused(let error): error.description
            case .conflict(let conflict): conflict.description
            }
        }
    }

    public static func perform(
        _ action: CaseAction, on id: String, by actor: String, note: String?, store: any WatchStore, router: Router, clock: any WallClock
    ) async throws -> Case {
        for attempt in 1...2 {
            guard let item = try await store.case(id: id) else { throw Failure.notFound(id) }
            let now = clock.now
            let (next, entry): (Case, CaseEntry)
            do {
                (next, entry) = try item.applying(action, by: actor, note: note, at: now)
            } catch {
                throw Failure.refused(error)
            }
            var alerts: [Alert] = []
            if case .resolve = action { alerts.append(CaseBook.resolvedNotice(next, by: actor, at: now)) }
            if case .acknowledge = action { alerts.append(CaseBook.acknowledgedNotice(next, by: actor, at: now)) }
            let destinations = Dictionary(alerts.map { ($0.id, router.destinations(for: $0)) }, uniquingKeysWith: { first, _ in first })
            do {
                try await store.act(CaseBook.Update(before: item, after: next), entry: entry, alerts: alerts, destinations: destinations, at: now)
                return next
            } catch let conflict as CaseConflict {
                if attempt == 2 { throw Failure.conflict(conflict) }
            }
        }
        throw Failure.notFound(id)
    }
}
