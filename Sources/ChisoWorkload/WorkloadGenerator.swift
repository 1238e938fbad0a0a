import ChisoCore

/// The engine of `chiso generate` (interfaces.md): a realistic synthetic event stream for one
/// province, as JSON Lines following events.md, deterministic for a seed.
///
/// The stream opens with the catalogue (units, e-certified-copy services, procedures) one hour
/// before `from`, then everything that happens in [from, to): announcements and publications
/// of procedures, re-declarations and one abolition, one commune merged into another halfway,
/// dossiers (hồ sơ) with submissions, refusals, transfers, supplement pauses, payments,
/// apologies, ends, returns, syncs and ratings, petitions (phản ánh, kiến nghị) with
/// transfers, answers, ratings and re-raises, and a few retractions. Lines come mostly in
/// `at` order; with `deliveryFaults` about 2 % arrive thousands of lines late and about
/// 0.5 % arrive twice.
///
/// ```swift
/// var generator = WorkloadGenerator(options: WorkloadOptions(seed: 7, dossiers: 1_000))
/// generator.generate { line in print(line) }
/// ```
public struct WorkloadGenerator: Sendable {
    public let options: WorkloadOptions
    let province: SyntheticProvince

    public init(options: WorkloadOptions) {
        self.options = options
        self.province = SyntheticProvince(options: options)
    }

    /// Emits one JSON object per call (no trailing newline), in delivery order.
    /// `mutating` only to leave room for resumable generation: today it keeps no state, and
    /// calling it again emits the same lines.
    /// `stop` is asked once a simulated day: true ends the stream there (its output failed).
    public mutating func generate(stoppingWhen stop: () -> Bool = { false }, _ emit: (String) -> Void) {
        var digits = 6
        var limit = 1_000_000
        let estimate = estimatedEventCount()
        while estimate * 2 >= limit && digits < 18 { digits += 1; limit *= 10 }
        var run = StreamRun(province: province, options: options, idWidth: digits)
        run.run(dossiers: max(0, province.dayCount > 0 ? options.dossiers : 0), stoppingWhen: stop, emit)
    }

    /// Roughly how many lines `generate` emits for these options.
    public func estimatedEventCount() -> Int {
        let catalogue = province.scheduled.count
        let dossiers = province.dayCount > 0 ? max(0, options.dossiers) : 0
        return catalogue + Int(Double(dossiers) * WorkloadGenerator.linesPerDossier)
    }

    /// Average lines per dossier, measured (dossier events, petitions, duplicates).
    static let linesPerDossier = 4.75
}
