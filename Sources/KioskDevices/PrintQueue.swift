import ESCPOS
import KioskDomain
import KioskStore
import KioskSystem

/// Prints the store's pending print jobs, oldest first, each exactly once.
///
/// A job leaves the store only when the link reports it printed: all bytes written and no
/// fault in the status after it. Anything else leaves it pending, and the pass stops (the
/// printer is not ready for the next one either). A job is late, and printed under the
/// `ReprintBanner`, when an earlier attempt was made (a fault, a power cut mid-job) or when
/// it was created more than `lateAfter` ago. So a receipt interrupted by paper out is printed
/// again in full, once, marked as a reprint, when paper is back; and since it is completed
/// after that print, never again. (A power cut between the print and the completion prints
/// it once more, also marked: the only duplicate possible, and visibly one.)
///
/// The attempt is recorded after a status check finds the printer ready and before the
/// bytes go out, so a job refused for paper out is not counted as an attempt.
public actor PrintQueue {
    /// What one pass did.
    public struct Pass: Sendable, Equatable {
        /// Jobs printed and completed, in order.
        public var printed: [Int64] = []
        /// Of those, the ones printed as a reprint.
        public var reprinted: [Int64] = []
        /// Why the pass stopped before the end, if it did (a printer state, an outcome, a
        /// store error), never personal data.
        public var stoppedBecause: String?

        /// An empty pass.
        public init() {}
    }

    private let store: KioskStore
    private let link: PrinterLink
    private let banner: [UInt8]
    private let lateAfterSeconds: Int64
    private let retryInterval: Duration
    private let now: @Sendable () -> Int64
    private let wakes: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation

    /// Creates a queue over `store`'s print jobs for the printer behind `link`.
    public init(
        store: KioskStore, link: PrinterLink, profile: PrinterProfile, lateAfter: Duration = .seconds(60),
        retryInterval: Duration = .seconds(5), now: @escaping @Sendable () -> Int64 = { wallClockSeconds() }
    ) {
        self.store = store
        self.link = link
        self.banner = ReprintBanner.bytes(for: profile)
        self.lateAfterSeconds = lateAfter.components.seconds
        self.retryInterval = retryInterval
        self.now = now
        (wakes, wakeContinuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks `run()` for a pass soon (a job was just written).
    public nonisolated func wake() { wakeContinuation.yield() }

    /// Whether `job` prints under the reprint banner.
    public func isLate(_ job: PrintJob) -> Bool {
        job.attempts > 0 || now() - job.createdAt.unixSeconds > lateAfterSeconds
    }

    /// Prints pending jobs until one does not print or none is left.
    public func printPending() async -> Pass {
        var pass = Pass()
        let jobs: [PrintJob]
        do {
            jobs = try await store.pendingPrintJobs()
        } catch {
            pass.stoppedBecause = "\(error)"
            return pass
        }
        for job in jobs {
            // A status the flows took a moment ago (when the procedure was scanned) stands.
            let state = await link.status(maxAge: link.configuration.statusFreshness)
            guard state.canPrint else {
                pass.stoppedBecause = "printer \(link.configuration.devicePath): \(state.reason)"
                return pass
            }
            let late = isLate(job)
            do {
                try await store.recordPrintAttempt(id: job.id)
                let outcome = try await link.print(late ? banner + job.payload : job.payload)
                guard outcome.isPrinted else {
                    pass.stoppedBecause = "print job \(job.id): \(outcome)"
                    return pass
                }
                try await store.completePrintJob(id: job.id)
            } catch {
                pass.stoppedBecause = "print job \(job.id): \(error)"
                return pass
            }
            pass.printed.append(job.id)
            if late { pass.reprinted.append(job.id) }
        }
        return pass
    }

    /// Runs passes until cancelled: on `wake()`, when the printer becomes ready, and every
    /// `retryInterval`.
    public func run() async {
        let link = self.link
        let interval = retryInterval
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [weak self] in
                for await state in link.stateChanges() where state.canPrint { self?.wake() }
            }
            group.addTask { [weak self] in
                while !Task.isCancelled {
                    self?.wake()
                    try? await Task.sleep(for: interval)
                }
            }
            for await _ in wakes {
                if Task.isCancelled { break }
                _ = await printPending()
            }
            group.cancelAll()
        }
    }
}
