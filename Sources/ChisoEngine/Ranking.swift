import ChisoCore

// MARK: - The ranking

/// The ranking of a set of units for one window (interfaces.md `chiso rank`, details.md 13, 21, 22).
///
/// Which units: without a parent, the roots at E; with a parent U, U's direct children; with a
/// level L, every unit of level L in Subtree(U) (or in every root's subtree when there is no
/// parent). A unit merged before the window's `from` is left out, and one merged during the window
/// still counts, under the parent it had just before its merge (details.md 13). Each unit's
/// score is its snapshot, pooled over its subtree.
///
/// Rows are ordered by total, highest first, then by unit code in code-point order; equal totals
/// (compared exactly, in hundredths) share a rank and the next rank skips: 1, 2, 2, 4.
public struct Ranking: Sendable {
    /// The profile's id and name.
    public var profileID: String
    public var profileName: String
    /// The profile's groups, in profile order (details.md 21): the group columns.
    public var groups: [Profile.Group]
    /// The profile's bands, highest minimum first.
    public var bands: [Profile.Band]
    /// The most points a unit can have.
    public var max: Points
    public var window: Window
    /// The evaluation instant E.
    public var asOf: Instant
    /// The previous period of the same kind, and its evaluation instant (nil when it had not started).
    public var previousWindow: Window
    public var previousAsOf: Instant?
    /// The parent unit (nil: the roots) as declared at E, and the level asked for.
    public var parent: String?
    public var parentNode: UnitNode?
    public var level: UnitLevel?
    public var rows: [RankingRow]
}

/// One ranked unit (details.md 22).
public struct RankingRow: Sendable {
    public var rank: Int
    public var unit: String
    public var name: String?
    public var level: UnitLevel?
    public var total: Points
    public var band: Profile.Band
    /// Each group's points, in profile order.
    public var groupPoints: [Points]
    /// The change against the previous period; nil when the unit was not ranked then.
    public var change: RankChange?
}

/// A unit's change against the previous period of the same kind (details.md 22).
public struct RankChange: Sendable, Equatable {
    /// total − previous total: positive means more points.
    public var total: Points
    /// rank − previous rank, the same difference as `total` (details.md 22: "the difference in total
    /// points and in rank against the previous period"): −2 means the unit climbed two places.
    /// Tables show it as an arrow (`Ranking.rankMove`).
    public var rank: Int

    public init(total: Points, rank: Int) { self.total = total; self.rank = rank }
}

extension Scorer {
    /// The ranking for `window` evaluated at E = min(to, now, asOf), with the change against
    /// `window.previous()` evaluated at min(its to, now, asOf). A window that has not started at
    /// E is an error (details.md 17); a parent code not declared at E is an error.
    public func ranking(window: Window, now: Instant, asOf: Instant? = nil, parent: String? = nil, level: UnitLevel? = nil) throws -> Ranking {
        let parent = parent.map(UnitCode.normalized)
        let zone = calendar.zone
        let e = Evaluator.evaluationInstant(window: window, now: now, asOf: asOf)
        guard e > window.from else {
            throw EngineError.periodNotStarted(window, now: now, asOf: asOf, zone: zone)
        }
        let view = self.view(at: e)
        if let parent, view.units[parent] == nil {
            throw EngineError.badRequest("unit \(parent) is not declared as of \(e.rfc3339(in: zone)); check the code: `chiso rank --period \(window.label)` without --parent lists the root units, and with --parent ROOT their children")
        }
        let rows = try rankedRows(window: window, view: view, parent: parent, level: level)

        let previous = window.previous(zone: zone)
        let previousE = Evaluator.evaluationInstant(window: previous, now: now, asOf: asOf)
        var before: [String: (rank: Int, total: Points)] = [:]
        if previousE > previous.from {
            for r in try rankedRows(window: previous, view: self.view(at: previousE), parent: parent, level: level) {
                before[r.unit] = (r.rank, r.total)
            }
        }
        let changed = rows.map { row -> RankingRow in
            var row = row
            if let b = before[row.unit] {
                row.change = RankChange(total: Points.difference(row.total, b.total), rank: row.rank - b.rank)
            }
            return row
        }
        return Ranking(
            profileID: profile.id, profileName: profile.name, groups: profile.groups,
            bands: profile.bands.sorted { $0.min > $1.min }, max: profile.total,
            window: window, asOf: e, previousWindow: previous, previousAsOf: previousE > previous.from ? previousE : nil,
            parent: parent, parentNode: parent.flatMap { view.units[$0] }, level: level, rows: changed)
    }

    /// The ranked rows (without change) of the units chosen at the view's E.
    func rankedRows(window: Window, view: CatalogueView, parent: String?, level: UnitLevel?) throws -> [RankingRow] {
        let units = Ranking.candidates(view: view, window: window, parent: parent, level: level)
        var rows: [RankingRow] = []
        for code in units {
            let s = try snapshot(unit: code, window: window, view: view, children: false)
            rows.append(RankingRow(rank: 0, unit: code, name: s.node?.name, level: s.node?.level, total: s.card.total,
                                   band: s.card.band, groupPoints: profile.groups.map { g in s.card.group(g.code)?.points ?? .zero },
                                   change: nil))
        }
        return Ranking.assignRanks(rows)
    }
}

extension Ranking {
    /// The units to rank at the view's E (details.md 22), without those merged before the
    /// window's `from` (details.md 13), each once, in code order.
    public static func candidates(view: CatalogueView, window: Window, parent: String?, level: UnitLevel?) -> [String] {
        var chosen: [String]
        switch (parent, level) {
        // A unit merged during the window still counts (details.md 13): among the roots or the
        // children of its parent just before that merge, not under the unit it was merged into,
        // where the tree at E puts it.
        case (nil, nil): chosen = view.roots + mergedDuringWindow(view: view, from: window.from, formerParent: nil)
        case (let p?, nil):
            let stayed = view.children(of: p).filter { view.units[$0]?.placeBeforeMerge(since: window.from) == nil }
            chosen = stayed + mergedDuringWindow(view: view, from: window.from, formerParent: p)
        case (let p?, let l?): chosen = view.subtree(of: p).filter { view.units[$0]?.level == l }
        case (nil, let l?): chosen = view.roots.flatMap { view.subtree(of: $0) }.filter { view.units[$0]?.level == l }
        }
        var seen = Set<String>()
        chosen = chosen.filter { code in
            if view.units[code]?.mergedAway(before: window.from) == true { return false }
            return seen.insert(code).inserted
        }
        return chosen.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The declared units that a merge during the window (at or after `from`) moved away from
    /// `formerParent` (nil: from being roots, which a unit whose parent was a code never declared
    /// also was, docs/decisions.md "Codes never declared").
    static func mergedDuringWindow(view: CatalogueView, from: Instant, formerParent: String?) -> [String] {
        view.units.values.compactMap { node in
            guard node.declared, let place = node.placeBeforeMerge(since: from) else { return nil }
            let stoodThere = formerParent.map { place == $0 } ?? view.headsATree(parent: place)
            return stoodThere ? node.code : nil
        }
    }

    /// Orders rows by total (highest first), then by code in code-point order, and gives equal
    /// totals the same rank, the next rank skipping (1, 2, 2, 4).
    public static func assignRanks(_ rows: [RankingRow]) -> [RankingRow] {
        var sorted = rows.sorted { a, b in
            if a.total.hundredths != b.total.hundredths { return a.total.hundredths > b.total.hundredths }
            return a.unit.utf8.lexicographicallyPrecedes(b.unit.utf8)
        }
        for i in sorted.indices {
            sorted[i].rank = i > 0 && sorted[i].total.hundredths == sorted[i - 1].total.hundredths ? sorted[i - 1].rank : i + 1
        }
        return sorted
    }
}

extension Points {
    /// a − b, saturating at the ends of `Int64`.
    static func difference(_ a: Points, _ b: Points) -> Points {
        let (d, overflow) = a.hundredths.subtractingReportingOverflow(b.hundredths)
        if overflow { return Points(hundredths: b.hundredths > 0 ? .min : .max) }
        return Points(hundredths: d)
    }

    /// A signed change with two decimals: "+1.25", "-0.50", "0.00".
    var signedText: String { hundredths > 0 ? "+" + fixedText : fixedText }
}

// MARK: - Renderers

extension Ranking {
    /// The message printed instead of an empty table.
    public var emptyMessage: String {
        var what = "No unit to rank for \(window.label)"
        switch (parent, level) {
        case (nil, nil): what += ": no root unit is declared by then (the period's end, or --as-of)"
        case (let p?, nil): what += ": \(p) has no child unit"
        case (let p?, let l?): what += ": \(p)'s subtree holds no \(l.rawValue) unit"
        case (nil, let l?): what += ": no \(l.rawValue) unit is declared"
        }
        let lookUp = parent == nil
            ? "units are declared by unit.declared events (`chiso rejects` lists any that were refused)"
            : "`chiso rank --period \(window.label)` without --parent lists the root units"
        // Without --level, a unit merged during the period is ranked under the parent it had just
        // before that merge (docs/decisions.md); --level takes the units of the tree at E.
        var merged = "units merged before the period are left out"
        if level == nil { merged += "; one merged during it is ranked under the parent it had just before that merge" }
        return what + " (" + merged + "). Check the codes: " + lookUp + "."
    }

    /// The JSON array of details.md 22, one unit a line:
    /// `[{"rank", "unit": {"code", "name", "level"}, "total", "band", "groups": {CODE: points}, "change": {"total", "rank"} | null}]`.
    /// `change.total` = total − previous total (at most 2 decimals); `change.rank` = rank − previous rank (−2: climbed two places).
    public var json: String {
        if rows.isEmpty { return "[]" }
        let lines = rows.map { r -> String in
            var s = "  {\"rank\": \(r.rank), \"unit\": {\"code\": \(jsonQuoted(r.unit)), \"name\": \(r.name.map(jsonQuoted) ?? "null"), "
            s += "\"level\": \(r.level.map { jsonQuoted($0.rawValue) } ?? "null")}, "
            s += "\"total\": \(r.total.jsonNumber), \"band\": \(jsonQuoted(r.band.name)), \"groups\": {"
            s += zip(groups, r.groupPoints).map { "\(jsonQuoted($0.code)): \($1.jsonNumber)" }.joined(separator: ", ")
            s += "}, \"change\": "
            s += r.change.map { "{\"total\": \($0.total.jsonNumber), \"rank\": \($0.rank)}" } ?? "null"
            return s + "}"
        }
        return "[\n" + lines.joined(separator: ",\n") + "\n]"
    }

    /// The cells of each row for the text formats (table, markdown): rank, code, name, total,
    /// band, each group's points, Δ total, Δ rank ("—" when there is no change).
    var textCells: (header: [String], rows: [[String]]) {
        let header = ["Hạng", "Mã", "Đơn vị", "Tổng", "Xếp loại"] + groups.map(\.code) + ["Δ tổng", "Δ hạng"]
        let cells = rows.map { r in
            [String(r.rank), r.unit.onOneLine, (r.name ?? "").onOneLine, r.total.fixedText, r.band.name] + r.groupPoints.map(\.fixedText)
                + [r.change.map(\.total.signedText) ?? "—", r.change.map { Ranking.rankMove($0.rank) } ?? "—"]
        }
        return (header, cells)
    }

    /// A change of rank for people: "▲2" climbed two places (change −2), "▼1" fell one, "=" unchanged.
    static func rankMove(_ change: Int) -> String {
        change < 0 ? "▲" + String(-change) : change > 0 ? "▼" + String(change) : "="
    }

    /// Aligned columns for a terminal, with a heading line (or the empty message).
    public func table(zone: Zone = .vietnam) -> String {
        if rows.isEmpty { return emptyMessage }
        let (header, cells) = textCells
        let all = [header] + cells
        var widths = [Int](repeating: 0, count: header.count)
        for row in all { for (i, c) in row.enumerated() { widths[i] = Swift.max(widths[i], c.count) } }
        let left: Set<Int> = [1, 2, 4]
        let lines = all.map { row in
            var line = row.enumerated().map { i, c in
                let pad = String(repeating: " ", count: widths[i] - c.count)
                return left.contains(i) ? c + pad : pad + c
            }.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line
        }
        var head = "Xếp hạng \(window.label)"
        switch (parent, level) {
        case let (parent?, level):
            head += " — \(parent)" + (parentNode?.name.map { " \($0)" } ?? "") + (level.map { ", level \($0.rawValue)" } ?? "")
        case let (nil, level?):
            // --level without --parent ranks that level across every tree, not the roots.
            head += " — mọi đơn vị cấp \(level.rawValue) (every unit of level \(level.rawValue), all trees)"
        case (nil, nil):
            head += " — các đơn vị gốc (roots)"
        }
        head += "\nas of \(asOf.rfc3339(in: zone)), profile \(profileID); Δ against \(previousWindow.label)"
        return head + "\n\n" + lines.joined(separator: "\n")
    }

    /// A Markdown pipe table (numbers right-aligned), or the empty message.
    public var markdown: String {
        if rows.isEmpty { return emptyMessage }
        let (header, cells) = textCells
        func line(_ row: [String]) -> String {
            "| " + row.map(\.markdownLiteral).joined(separator: " | ") + " |"
        }
        let align = header.indices.map { [1, 2, 4].contains($0) ? "---" : "---:" }
        return ([line(header), "| " + align.joined(separator: " | ") + " |"] + cells.map(line)).joined(separator: "\n")
    }

    /// RFC 4180 CSV: a UTF-8 byte order mark (so spreadsheets read Vietnamese names right), a
    /// header row `rank,code,name,level,total,band,<group codes…>,change_total,change_rank`, CRLF
    /// line ends; a field holding a comma, quote, CR or LF is quoted, quotes doubled. A missing
    /// change is an empty field; numbers are written like JSON numbers (`87.5`, `-0.25`).
    public var csv: String {
        var lines: [[String]] = [["rank", "code", "name", "level", "total", "band"] + groups.map(\.code) + ["change_total", "change_rank"]]
        for r in rows {
            lines.append([String(r.rank), r.unit, r.name ?? "", r.level?.rawValue ?? "", r.total.jsonNumber, r.band.name]
                + r.groupPoints.map(\.jsonNumber)
                + [r.change?.total.jsonNumber ?? "", r.change.map { String($0.rank) } ?? ""])
        }
        return "\u{FEFF}" + lines.map { $0.map(Ranking.csvField).joined(separator: ",") + "\r\n" }.joined()
    }

    static func csvField(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension String {
    /// Text made literal in a Markdown table cell: `|` would end the cell, and `\\`, `` ` ``, `*`, `_`,
    /// `~`, `[`, `]`, `<`, `>`, `&` would start code, emphasis, strikethrough, a link, HTML or a
    /// character reference (a name holding `&amp;` showed `&`; an audit); each gets a backslash
    /// (CommonMark escapes any ASCII punctuation so). Vietnamese letters and the rest stay as they are.
    fileprivate var markdownLiteral: String {
        guard unicodeScalars.contains(where: { String.markdownSyntax.contains($0) }) else { return self }
        var out = ""
        for c in unicodeScalars {
            if String.markdownSyntax.contains(c) { out.unicodeScalars.append("\\") }
            out.unicodeScalars.append(c)
        }
        return out
    }

    private static let markdownSyntax: Set<Unicode.Scalar> = ["|", "\\", "`", "*", "_", "~", "[", "]", "<", ">", "&"]

    /// Line breaks (LF, CR, CRLF, U+2028 …) and tabs as spaces, so that a name or code holding one
    /// keeps a table row or a line of a report, terminal or Markdown, on one line and its columns
    /// aligned (a code with a line feed could otherwise fake a row).
    public var onOneLine: String {
        guard contains(where: { $0.isNewline || $0 == "\t" }) else { return self }
        return String(map { $0.isNewline || $0 == "\t" ? " " : $0 })
    }

    /// Every occurrence of `target` replaced (no Foundation).
    fileprivate func replacingOccurrences(of target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}

// MARK: - The HTML report

extension Ranking {
    /// Text escaped for HTML element content and attribute values: & < > " '. Control characters
    /// other than tab, line feed and carriage return, which HTML does not allow in a document, become
    /// U+FFFD, the character that says "a character was here".
    public static func escapeHTML(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(c)
            case "\u{00}"..."\u{1F}", "\u{7F}"..."\u{9F}": out.unicodeScalars.append("\u{FFFD}")
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// The colour of a band: by its place among the profile's bands, highest first — green,
    /// teal, blue, amber, and red for the lowest band.
    func colour(of band: Profile.Band) -> String {
        let palette = ["#2e7d32", "#00897b", "#1e6fd9", "#f0a500"]
        let red = "#d32f2f"
        guard let i = bands.firstIndex(of: band) else { return "#757575" }
        if i == bands.count - 1 { return red }
        return palette[Swift.min(i, palette.count - 1)]
    }

    /// A date as dd/mm/yyyy.
    static func vietnameseDate(_ d: LocalDate) -> String {
        func pad(_ n: Int) -> String { n < 10 ? "0" + String(n) : String(n) }
        return pad(d.day) + "/" + pad(d.month) + "/" + String(d.year)
    }

    /// An instant as "dd/mm/yyyy hh:mm" local time.
    static func vietnameseTime(_ t: Instant, zone: Zone) -> String {
        let minutes = zone.microsIntoDay(of: t) / Instant.microsPerMinute
        func pad(_ n: Int64) -> String { n < 10 ? "0" + String(n) : String(n) }
        return vietnameseDate(zone.localDate(of: t)) + " " + pad(minutes / 60) + ":" + pad(minutes % 60)
    }

    /// The printable monthly report: a self-contained A4 HTML page (also well-formed XML) with the
    /// title, period, evaluation instant, profile and parent unit; a horizontal bar chart of the
    /// totals as inline SVG (one bar per unit by rank, coloured by band, value labels); and a table
    /// with each group's points and the change. No external resource, no script; all text escaped.
    /// `source`, when given, is shown as where the data comes from (the demo says its data is synthetic).
    public func html(zone: Zone = .vietnam, source: String? = nil) -> String {
        let esc = Ranking.escapeHTML
        let title = "Xếp hạng chỉ số phục vụ người dân, doanh nghiệp — \(window.label)"
        let firstDay = zone.localDate(of: window.from)
        let lastDay = zone.localDate(of: window.to).adding(days: -1)
        var h = """
            <!DOCTYPE html>
            <html lang="vi">
            <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>\(esc(title))</title>
            <style>
            @page { size: A4; margin: 12mm 10mm; }
            * { box-sizing: border-box; }
            body { font-family: "Noto Sans", "DejaVu Sans", "Liberation Sans", Arial, sans-serif; color: #1f2328;
              margin: 0 auto; padding: 24px 32px; max-width: 1160px; font-size: 13px; line-height: 1.4; }
            h1 { font-size: 21px; margin: 0 0 4px; color: #0b3d91; }
            .sub { color: #57606a; margin: 0 0 14px; font-size: 13px; }
            dl.meta { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 3px 14px; margin: 0 0 14px;
              padding: 10px 14px; background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; }
            dl.meta dt { color: #57606a; }
            dl.meta dd { margin: 0; font-weight: 600; }
            h2 { font-size: 16px; margin: 18px 0 6px; color: #0b3d91; border-bottom: 2px solid #0b3d91; padding-bottom: 2px; }
            .legend { margin: 4px 0 8px; }
            .legend span.item { display: inline-block; margin-right: 16px; white-space: nowrap; }
            .sw { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: -1px; margin-right: 5px; }
            svg.chart { width: 100%; height: auto; display: block; }
            table { border-collapse: collapse; width: 100%; font-size: 12px; }
            th, td { border-bottom: 1px solid #d8dee4; padding: 3px 6px; }
            th { background: #0b3d91; color: #fff; font-weight: 600; text-align: center; }
            th { white-space: nowrap; }
            th.l { text-align: left; }
            td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            td.c { white-space: nowrap; }
            tbody tr:nth-child(even) td { background: #f6f8fa; }
            .up { color: #1a7f37; } .down { color: #cf222e; } .same { color: #57606a; }
            .groups { color: #57606a; font-size: 11px; margin-top: 6px; }
            .empty { padding: 24px; border: 1px dashed #d0d7de; border-radius: 6px; color: #57606a; }
            footer { margin-top: 14px; color: #57606a; font-size: 11px; }
            tr, svg g.bar { break-inside: avoid; page-break-inside: avoid; }
            thead { display: table-header-group; }
            @media print { body { padding: 0; max-width: none; font-size: 11px; } table { font-size: 10px; }
              th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
              .sw, svg, tbody tr td { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
            </style>
            </head>
            <body>

            """
        h += "<h1>\(esc(title))</h1>\n"
        h += "<p class=\"sub\">\(esc(profileName))</p>\n"
        let scope: String
        if let parent {
            scope = parent + (parentNode?.name.map { " — \($0)" } ?? "")
        } else if level != nil {
            scope = "Mọi cây đơn vị (tất cả đơn vị gốc)"
        } else {
            scope = "Các đơn vị gốc (không có đơn vị cấp trên)"
        }
        var meta: [(String, String)] = [
            ("Kỳ đánh giá", "\(window.label) (\(Ranking.vietnameseDate(firstDay)) – \(Ranking.vietnameseDate(lastDay)))"),
            ("Thời điểm đánh giá", "\(Ranking.vietnameseTime(asOf, zone: zone)) (\(asOf.rfc3339(in: zone)))"),
            ("Đơn vị cấp trên", scope),
            ("Bộ chỉ số", profileID),
            ("Đơn vị được xếp hạng", level.map { "cấp \($0.rawValue)" } ?? (parent == nil ? "đơn vị gốc" : "đơn vị trực thuộc")),
            ("So sánh với kỳ", previousWindow.label + (previousAsOf == nil ? " (chưa bắt đầu)" : "")),
            ("Số đơn vị", String(rows.count)),
            ("Điểm tối đa", max.jsonNumber),
            ("Phân bố xếp loại", bands.compactMap { b in
                let n = rows.filter { $0.band == b }.count
                return n == 0 ? nil : "\(b.name): \(n)"
            }.joined(separator: " · ")),
        ]
        if rows.isEmpty { meta.removeLast(3) }
        if let source { meta.insert(("Nguồn dữ liệu", source), at: 0) }
        h += "<dl class=\"meta\">\n"
        for (k, v) in meta { h += "<dt>\(esc(k))</dt><dd>\(esc(v))</dd>\n" }
        h += "</dl>\n"

        if rows.isEmpty {
            h += "<p class=\"empty\">\(esc(emptyMessage))</p>\n</body>\n</html>\n"
            return h
        }

        h += "<h2>Tổng điểm theo đơn vị</h2>\n<div class=\"legend\">"
        // Each band from its minimum (indicators.md: "Khá ≥ 70, Trung bình ≥ 50, Yếu < 50").
        let minimums = bands.map(\.min).sorted()
        for b in bands {
            // The lowest band, when another is above it, reads as below that one.
            var range = "≥ " + b.min.jsonNumber
            if b.min == minimums.first, let next = minimums.first(where: { $0 > b.min }) { range = "< " + next.jsonNumber }
            h += "<span class=\"item\"><span class=\"sw\" style=\"background:\(colour(of: b))\"></span>\(esc(b.name)) (\(esc(range)))</span>"
        }
        h += "</div>\n" + chartSVG() + "\n"

        h += "<h2>Bảng xếp hạng</h2>\n<table>\n<thead><tr><th>Hạng</th><th class=\"l\">Mã</th><th class=\"l\">Đơn vị</th><th>Tổng</th><th>Xếp loại</th>"
        for g in groups { h += "<th title=\"\(esc(g.name))\">\(esc(g.code))</th>" }
        h += "<th>Δ tổng</th><th>Δ hạng</th></tr></thead>\n<tbody>\n"
        for r in rows {
            h += "<tr><td class=\"n\">\(r.rank)</td><td class=\"c\">\(esc(r.unit))</td><td>\(esc(r.name ?? ""))</td>"
            h += "<td class=\"n\"><b>\(r.total.fixedText)</b></td>"
            h += "<td class=\"c\"><span class=\"sw\" style=\"background:\(colour(of: r.band))\"></span>\(esc(r.band.name))</td>"
            for p in r.groupPoints { h += "<td class=\"n\">\(p.fixedText)</td>" }
            if let c = r.change {
                let tc = c.total.hundredths > 0 ? "up" : c.total.hundredths < 0 ? "down" : "same"
                let rc = c.rank < 0 ? "up" : c.rank > 0 ? "down" : "same"
                h += "<td class=\"n \(tc)\">\(c.total.signedText)</td><td class=\"n \(rc)\">\(Ranking.rankMove(c.rank))</td>"
            } else {
                h += "<td class=\"n same\">—</td><td class=\"n same\">—</td>"
            }
            h += "</tr>\n"
        }
        h += "</tbody>\n</table>\n<p class=\"groups\">"
        h += groups.map { "<b>\(esc($0.code))</b>: \(esc($0.name)) (tối đa \(esc($0.max.jsonNumber)))" }.joined(separator: " · ")
        h += "<br/>Δ tổng = tổng điểm kỳ này − kỳ \(esc(previousWindow.label)); Δ hạng: ▲ tăng, ▼ giảm bao nhiêu bậc so với kỳ trước, = giữ nguyên; — : không được xếp hạng kỳ trước.</p>\n"
        h += "<footer>Tạo bởi chiso từ nhật ký sự kiện; điểm tính theo Quyết định 766/QĐ-TTg và hồ sơ \(esc(profileID)). Đồng hạng khi tổng điểm bằng nhau, liệt kê theo mã đơn vị.</footer>\n"
        h += "</body>\n</html>\n"
        return h
    }

    /// The bar chart: one 12-unit bar per row in rank order, length ∝ total over the profile's
    /// maximum, dashed guides at each band's minimum, labels "rank. code name" at the left and the
    /// total at the bar's end.
    func chartSVG() -> String {
        let esc = Ranking.escapeHTML
        let width = 760, labelWidth = 250, valueRoom = 44
        let barArea = width - labelWidth - valueRoom
        let barHeight = 12, step = 16, top = 18, bottom = 6
        let height = top + rows.count * step + bottom
        let maxH = Swift.max(max.hundredths, 1)
        func x(_ p: Points) -> Int {
            let clamped = Swift.min(Swift.max(p.hundredths, 0), maxH)
            return labelWidth + Int(clamped * Int64(barArea) / maxH)
        }
        var s = "<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"Biểu đồ tổng điểm\">\n"
        s += "<g font-size=\"10\" fill=\"#57606a\">"
        var guides = bands.map(\.min).filter { $0.hundredths > 0 && $0 < max }
        guides.insert(.zero, at: 0)
        guides.append(max)
        for g in guides {
            let gx = x(g)
            s += "<line x1=\"\(gx)\" y1=\"\(top - 4)\" x2=\"\(gx)\" y2=\"\(height - bottom)\" stroke=\"#c9d1d9\" stroke-width=\"1\" stroke-dasharray=\"3 3\"/>"
            s += "<text x=\"\(gx)\" y=\"\(top - 7)\" text-anchor=\"middle\">\(esc(g.jsonNumber))</text>"
        }
        s += "</g>\n"
        for (i, r) in rows.enumerated() {
            let y = top + i * step
            var name = r.name ?? ""
            if name.count > 30 { name = String(name.prefix(29)) + "…" }
            let label = "\(r.rank). \(r.unit)" + (name.isEmpty ? "" : "  \(name)")
            let end = x(r.total)
            s += "<g class=\"bar\"><title>\(esc("\(r.unit) \(r.name ?? ""): \(r.total.fixedText) — \(r.band.name)"))</title>"
            s += "<text x=\"\(labelWidth - 6)\" y=\"\(y + 10)\" font-size=\"10\" text-anchor=\"end\" fill=\"#1f2328\">\(esc(label))</text>"
            s += "<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(Swift.max(end - labelWidth, 1))\" height=\"\(barHeight)\" rx=\"2\" fill=\"\(colour(of: r.band))\"/>"
            s += "<text x=\"\(end + 4)\" y=\"\(y + 10)\" font-size=\"10\" fill=\"#1f2328\">\(r.total.fixedText)</text></g>\n"
        }
        return s + "</svg>"
    }
}
