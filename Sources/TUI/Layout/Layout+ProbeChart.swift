import Core

extension Layout {
    /// The probe's per-second timeline as a small chart: one row per backend (most answers first, at most `rows`),
    /// one column per second (the latest seconds when they do not all fit), each cell one of eight heights scaled
    /// to the busiest backend-second; then a row of errors when there were any. Empty for a run shorter than two
    /// seconds, where there is nothing to follow over time.
    ///
    /// Pure: a deploy's traffic moving from one backend to another reads as one row fading out and another in.
    static func probeChart(
        _ timeline: [ProbeSecond], width: Int, rows: Int = 6, theme: Theme
    ) -> [(text: String, role: Role)] {
        guard let first = timeline.first?.second, let last = timeline.last?.second, last > first, width > 12 else {
            return []
        }
        var totals: [String: Int] = [:]
        for second in timeline { for (address, count) in second.answers { totals[address, default: 0] += count } }
        let backends = totals.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(rows)
            .map(\.key)
        let hasErrors = timeline.contains { !$0.errors.isEmpty }
        let labels = backends + (hasErrors ? ["errors"] : [])
        let labelWidth = min(labels.map(\.count).max() ?? 6, max(6, width / 3))
        let columns = min(last - first + 1, width - labelWidth - 1)
        guard columns > 1 else { return [] }
        let start = last - columns + 1
        var bySecond: [Int: ProbeSecond] = [:]
        for second in timeline where second.second >= start { bySecond[second.second] = second }
        let peak = max(
            1,
            bySecond.values.flatMap { $0.answers.values }.max() ?? 0,
            bySecond.values.map { $0.errors.values.reduce(0, +) }.max() ?? 0)
        let levels = theme.sparks
        func cells(_ value: (ProbeSecond) -> Int) -> String {
            String(
                (start...last).map { second -> Character in
                    let count = bySecond[second].map(value) ?? 0
                    guard count > 0 else { return " " }
                    return levels[min(levels.count - 1, (count * levels.count - 1) / peak)]
                })
        }
        var lines: [(text: String, role: Role)] = [
            ("answers per second, last \(columns) s (\(theme.sparks.last!) = \(peak)/s)", .dim)
        ]
        for backend in backends {
            lines.append((fit(backend, labelWidth, theme: theme) + " " + cells { $0.answers[backend] ?? 0 }, .ok))
        }
        if hasErrors {
            lines.append(
                (fit("errors", labelWidth, theme: theme) + " " + cells { $0.errors.values.reduce(0, +) }, .bad))
        }
        return lines
    }
}

extension Theme {
    /// Eight heights, lowest first, for the probe chart.
    package var sparks: [Character] {
        ascii ? [".", ",", ":", "-", "=", "+", "*", "#"] : ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    }
}
