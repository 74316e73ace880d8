import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One pass over one resource: render, compare, stage, check, swap, reload, and roll back when the reload fails.
///
/// Guarantees: the live file is only ever replaced by a rename of a complete, fsynced stage file; a failed render,
/// check or write leaves it untouched and no stage file behind (unless `-keep-stage-file`); a failed reload puts
/// the previous file back and reloads again. Every pass returns an `ApplyRecord`.
package struct ApplyPipeline: Sendable {
    package var options: ApplyOptions

    package init(options: ApplyOptions) {
        self.options = options
    }

    /// What one pass produced.
    package struct Outcome: Sendable {
        package var record: ApplyRecord
        /// The unified diff against the live file when the file changed (or would have, with `-noop`). Formatted
        /// when read: most applies are never asked for it, and a big config's diff text is not free.
        package var diff: String? { formatDiff?() }
        /// The rendered bytes when the render succeeded (the same buffer the file was written from, not a copy:
        /// 4.6 MB at 100,000 backends).
        package var renderedBytes: [UInt8]?
        /// The rendered text when the render succeeded, decoded when read.
        package var rendered: String? { renderedBytes.map { String(decoding: $0, as: UTF8.self) } }
        private let formatDiff: (@Sendable () -> String)?

        init(record: ApplyRecord, diff: String?, rendered: [UInt8]?) {
            guard let diff else {
                self.init(record: record, formatDiff: nil, rendered: rendered)
                return
            }
            self.init(record: record, formatDiff: { diff }, rendered: rendered)
        }

        init(record: ApplyRecord, formatDiff: (@Sendable () -> String)?, rendered: [UInt8]?) {
            self.record = record
            self.formatDiff = formatDiff
            self.renderedBytes = rendered
        }
    }

    /// - Parameters:
    ///   - render: produces the new file's bytes; a thrown error becomes a `renderFailed` record.
    ///   - target: where and how the file goes live.
    package func apply(
        id: Int, trigger: ApplyTrigger, target: ApplyTarget, rejectedKeys: [String] = [],
        render: () throws -> [UInt8]
    ) async -> Outcome {
        var record = ApplyRecord(
            id: id, time: Date(), resource: target.name, dest: target.dest, trigger: trigger, result: .applied,
            rejectedKeys: rejectedKeys)
        let clock = ContinuousClock()

        // Render.
        let renderStart = clock.now
        let bytes: [UInt8]
        do {
            bytes = try render()
        } catch {
            record.renderSeconds = (clock.now - renderStart).seconds
            return fail(record, .renderFailed, "\(error)")
        }
        record.renderSeconds = (clock.now - renderStart).seconds

        // Compare with the live file.
        let live: FileState?
        do {
            live = try LiveFile.read(target.dest)
        } catch {
            return fail(record, .writeFailed, "\(error)", rendered: bytes)
        }
        let desired = FileState(
            bytes: bytes,
            mode: target.mode ?? live?.mode ?? 0o644,
            uid: target.uid ?? UInt32(geteuid()),
            gid: target.gid ?? UInt32(getegid()))
        let decision = ApplyDecision.afterRender(rendered: desired, live: live, noop: options.noop)
        // The record needs only the line counts; the diff text is built when someone reads it (`-noop`, a log
        // that shows it). A new file needs no diff to count its lines; an unchanged one needs none at all.
        if let live {
            if decision != .unchanged {
                (record.linesAdded, record.linesRemoved) = UnifiedDiff.lineCounts(old: live.bytes, new: bytes)
            }
        } else {
            record.linesAdded = UnifiedDiff.lineCount(bytes)
        }
        let dest = target.dest
        @Sendable func formattedDiff(newName: String) -> String {
            let old = live.map { String(decoding: $0.bytes, as: UTF8.self) } ?? ""
            let new = String(decoding: bytes, as: UTF8.self)
            return UnifiedDiff(old: old, new: new).formatted(oldName: dest, newName: newName)
        }

        switch decision {
        case .unchanged:
            if options.keepStageFile { _ = try? LiveFile.writeStage(for: target.dest, desired) }
            record.result = .unchanged
            return Outcome(record: record, diff: nil, rendered: bytes)
        case .reportOnly:
            record.result = .wouldChange
            var text = formattedDiff(newName: target.dest + " (rendered)")
            if text.isEmpty, let live {
                text = "mode/owner differ: live \(Self.describe(live)), rendered \(Self.describe(desired))\n"
            }
            return Outcome(record: record, diff: text, rendered: bytes)
        default:
            break
        }

        // Stage.
        let stage: String
        do {
            stage = try LiveFile.writeStage(for: target.dest, desired)
        } catch {
            return fail(record, .writeFailed, "\(error)", rendered: bytes)
        }
        let diffText: @Sendable () -> String = { formattedDiff(newName: stage) }

        // Check.
        var checkOutcome: CommandOutcome?
        if !options.syncOnly, let checkCommand = target.checkCommand {
            let checkStart = clock.now
            do {
                let command = try checkCommand(stage)
                checkOutcome = try await CommandRunner.run(command, timeout: target.checkTimeout)
                record.output += Self.section("check", command, checkOutcome!)
            } catch {
                record.checkSeconds = (clock.now - checkStart).seconds
                removeStage(stage)
                return fail(record, .checkFailed, "check_cmd: \(error)", rendered: bytes)
            }
            record.checkSeconds = (clock.now - checkStart).seconds
        }
        if ApplyDecision.afterCheck(checkOutcome) == .keepOld {
            removeStage(stage)
            let reason =
                checkOutcome!.timedOut
                ? "timed out after \(GoDuration.format(target.checkTimeout))" : checkOutcome!.summary
            return fail(
                record, .checkFailed, "check_cmd failed (\(reason)); \(target.dest) left as it was",
                rendered: bytes)
        }

        // Swap.
        do {
            try LiveFile.swap(stage: stage, into: target.dest)
        } catch {
            removeStage(stage)
            return fail(record, .writeFailed, "\(error)", rendered: bytes)
        }

        // Reload, and roll back when it fails.
        guard !options.syncOnly, let reloadCommand = target.reloadCommand else {
            record.result = .applied
            return Outcome(record: record, formatDiff: diffText, rendered: bytes)
        }
        let reloadStart = clock.now
        let reloadOutcome = await runReload(reloadCommand, target: target)
        record.output += Self.section("reload", reloadCommand, reloadOutcome)
        guard ApplyDecision.afterReload(reloadOutcome) == .rollback else {
            record.reloadSeconds = (clock.now - reloadStart).seconds
            record.result = .applied
            return Outcome(record: record, formatDiff: diffText, rendered: bytes)
        }
        let restored = restore(live, to: target.dest)
        let secondReload = await runReload(reloadCommand, target: target)
        record.output += Self.section("reload after rollback", reloadCommand, secondReload)
        record.reloadSeconds = (clock.now - reloadStart).seconds
        let firstFailure = "reload_cmd failed (\(reloadOutcome.summary))"
        switch (restored, secondReload.succeeded) {
        case (nil, true):
            return fail(
                record, .reloadFailedRolledBack,
                "\(firstFailure); restored the previous \(target.dest) and reloaded it", rendered: bytes)
        case (nil, false):
            return fail(
                record, .reloadFailedRollbackFailed,
                "\(firstFailure); restored the previous \(target.dest) but reloading it failed too (\(secondReload.summary))",
                rendered: bytes)
        case (let problem?, _):
            return fail(
                record, .reloadFailedRollbackFailed,
                "\(firstFailure); could not restore the previous \(target.dest): \(problem)", rendered: bytes)
        }
    }

    private func runReload(_ command: String, target: ApplyTarget) async -> CommandOutcome {
        do {
            return try await CommandRunner.run(command, timeout: target.reloadTimeout)
        } catch {
            return CommandOutcome(exitStatus: nil, timedOut: false, output: "\(error)", seconds: 0)
        }
    }

    /// Puts the previous live file back (or removes the new one when there was none). Returns a problem in words.
    private func restore(_ previous: FileState?, to dest: String) -> String? {
        guard let previous else {
            return unlink(dest) == 0 || errno == ENOENT ? nil : String(cString: strerror(errno))
        }
        do {
            let stage = try LiveFile.writeStage(for: dest, previous)
            try LiveFile.swap(stage: stage, into: dest)
            return nil
        } catch {
            return "\(error)"
        }
    }

    private func removeStage(_ stage: String) {
        if !options.keepStageFile { LiveFile.remove(stage) }
    }

    private func fail(_ record: ApplyRecord, _ result: ApplyResult, _ message: String, rendered: [UInt8]? = nil)
        -> Outcome
    {
        var record = record
        record.result = result
        record.error = message
        return Outcome(record: record, diff: nil, rendered: rendered)
    }

    private static func section(_ label: String, _ command: String, _ outcome: CommandOutcome) -> String {
        var text =
            "$ \(command)  [\(label): \(outcome.summary), \(String(format: "%.0f", outcome.seconds * 1000)) ms]\n"
        text += outcome.output
        if !outcome.output.isEmpty, !outcome.output.hasSuffix("\n") { text += "\n" }
        return text
    }

    private static func describe(_ state: FileState) -> String {
        "mode \(String(state.mode, radix: 8)) owner \(state.uid):\(state.gid)"
    }
}
