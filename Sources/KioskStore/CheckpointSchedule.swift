import KioskSQLite

/// When the store checkpoints its WAL: never inside a write.
///
/// SQLite's own automatic checkpoint runs inside the commit that crosses its threshold, so
/// about one intake in 70 waited for it (copying the WAL into the database file and two more
/// fsyncs). The store turns it off (`wal_autocheckpoint=0`, ``StoreFile``) and checkpoints
/// from its own thread, as a job of its own between writes: once no write came for
/// ``idleDelay`` (a quiet moment), or at once when the WAL has grown by ``walFrameBound``
/// frames since the last one (a long busy spell: the WAL stays bounded, as large as SQLite's
/// default threshold lets it grow). The checkpoint is `PASSIVE`, as SQLite's own: it never
/// waits for a reader.
///
/// A job runs when the store's executor is free. The flows and the print queue run on that
/// executor and call the store without leaving it; they await the printer and the scanner
/// between intakes, where the job runs. A caller that never awaits anything else would keep
/// the job waiting for ever, so at twice the bound the commit that finds it still waiting
/// checkpoints itself, after its write (``CheckpointSchedule/runByCommit``).
struct CheckpointSchedule: Sendable {
    /// How long without a write makes a quiet moment.
    var idleDelay: Duration = .milliseconds(250)
    /// WAL frames (pages) written since the last checkpoint after which one runs as the next
    /// job, quiet or not: SQLite's default threshold. Counted in frames, not commits: the
    /// intake cycle's commits write 9, 1, 1 frames, and a bound of 100 commits checkpointed
    /// about every 33 cycles, three times as often as the WAL's size called for.
    var walFrameBound = 1000

    /// Commits since the last checkpoint.
    var commitsSince = 0
    /// The WAL's frames when the last checkpoint ran (0 once the WAL has started again from
    /// its beginning): a checkpoint a reader held back does not count as room made.
    var walFramesAtCheckpoint = 0
    /// When the last write committed.
    var lastCommit = ContinuousClock.now
    /// The scheduled checkpoint, if any.
    var task: Task<Void, Never>?
    /// Whether ``task`` runs at once rather than after a quiet moment.
    var taskIsImmediate = false
    /// Tells a superseded task from the current one.
    var generation = 0
    /// Checkpoints run (tests, diagnostics).
    var run = 0
    /// Of those, the ones a commit ran itself because the scheduled job was starved.
    var runByCommit = 0
}

extension KioskStore {
    /// After every commit: schedules the checkpoint the WAL needs, as a job of its own.
    func noteCommit() {
        checkpoints.commitsSince += 1
        checkpoints.lastCommit = ContinuousClock.now
        let frames = database?.walFrames ?? 0
        if frames < checkpoints.walFramesAtCheckpoint { checkpoints.walFramesAtCheckpoint = 0 }
        let grown = frames - checkpoints.walFramesAtCheckpoint
        if grown / 2 >= checkpoints.walFrameBound {  // twice the bound, which may be Int.max
            // The job scheduled at the bound has not run: a caller on the store's own executor
            // (the flows, the print queue) has kept it busy with store calls and nothing else to
            // await. The commit checkpoints itself, after its write, so the WAL stays bounded.
            checkpoints.generation += 1
            checkpoints.task?.cancel()
            checkpoints.task = nil
            checkpoints.runByCommit += 1
            checkpointNow()
            return
        }
        let immediate = grown >= checkpoints.walFrameBound
        if checkpoints.task != nil && (checkpoints.taskIsImmediate || !immediate) { return }
        checkpoints.task?.cancel()
        scheduleCheckpoint(after: immediate ? nil : checkpoints.idleDelay)
    }

    private func scheduleCheckpoint(after delay: Duration?) {
        checkpoints.generation += 1
        let generation = checkpoints.generation
        checkpoints.taskIsImmediate = delay == nil
        checkpoints.task = Task { [weak self] in
            if let delay {
                do { try await Task.sleep(for: delay) } catch { return }
            }
            await self?.scheduledCheckpoint(generation: generation)
        }
    }

    /// The scheduled job: checkpoints when the moment is quiet (or the bound was reached),
    /// otherwise waits for the rest of the quiet delay.
    private func scheduledCheckpoint(generation: Int) {
        guard generation == checkpoints.generation else { return }
        checkpoints.task = nil
        guard checkpoints.commitsSince > 0, database != nil else { return }
        if (database?.walFrames ?? 0) - checkpoints.walFramesAtCheckpoint < checkpoints.walFrameBound {
            let quiet = ContinuousClock.now - checkpoints.lastCommit
            if quiet < checkpoints.idleDelay {
                scheduleCheckpoint(after: checkpoints.idleDelay - quiet)
                return
            }
        }
        checkpointNow()
    }

    /// A `PASSIVE` checkpoint, now, between writes. A failure (a disk error) leaves the
    /// frames in the WAL, where readers still find them; the next one tries again.
    func checkpointNow() {
        guard let database else { return }
        checkpoints.commitsSince = 0
        checkpoints.walFramesAtCheckpoint = database.walFrames
        checkpoints.run += 1
        _ = try? database.scalar("PRAGMA wal_checkpoint(PASSIVE)")
    }

    /// Waits until the checkpoint scheduled now, if any, has run (tests).
    func settleCheckpoints() async {
        while let task = checkpoints.task { await task.value }
    }
}
