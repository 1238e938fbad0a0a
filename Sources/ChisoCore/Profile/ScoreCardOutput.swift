extension ScoreCard {
    /// The JSON array of groups, as in interfaces.md "The snapshot JSON":
    /// `[{code, name, nameEn, max, points, components: [{id, name, nameEn, max, points,
    /// numerator, denominator, ratio}, …]}, …]`, a value component (2.2) as `{id, name, nameEn,
    /// max, points: null, value}`. `name` is Vietnamese, `nameEn` English; numbers are JSON
    /// numbers, a null score or ratio is `null`. One component a line, laid out to follow
    /// `  "groups": ` in an object indented by 2 spaces.
    public var groupsJSON: String {
        var lines: [String] = []
        for (g, group) in groups.enumerated() {
            lines.append("    { \"code\": \(jsonQuoted(group.code)), \"name\": \(jsonQuoted(group.name)), "
                + "\"nameEn\": \(jsonQuoted(group.nameEn)), \"max\": \(group.max.jsonNumber), "
                + "\"points\": \(group.points.jsonNumber), \"components\": [")
            for (c, component) in group.components.enumerated() {
                let comma = c == group.components.count - 1 ? "" : ","
                lines.append("        " + component.json + comma)
            }
            lines.append("      ] }" + (g == groups.count - 1 ? "" : ","))
        }
        return lines.isEmpty ? "[]" : "[\n" + lines.joined(separator: "\n") + "\n  ]"
    }

    /// The score as one JSON object: `{"profile", "total", "max", "band", "groups"}`, the
    /// snapshot JSON without unit, period and asOf (interfaces.md, "chiso score"). `band` is
    /// the band's Vietnamese name.
    public var scoreJSON: String {
        "{\n  \"profile\": \(jsonQuoted(profileID)),\n"
            + "  \"total\": \(total.jsonNumber), \"max\": \(max.jsonNumber), \"band\": \(jsonQuoted(band.name)),\n"
            + "  \"groups\": \(groupsJSON)\n}"
    }

    /// A fixed-width text table for people: a line per group (points, max) and per component
    /// (numerator, denominator, ratio as a percentage or 2.2's value in working days, points,
    /// max), then the total and the band. Points, percentages and days show 2 decimals, so that a
    /// column reads evenly ("8.00", "82.30%"). A null is "—".
    public func table() -> String {
        var rows: [[String]] = [["", "Chỉ số", "Tử số", "Mẫu số", "Tỷ lệ", "Điểm", "Tối đa"]]
        for group in groups {
            rows.append([group.code, group.name, "", "", "", group.points.fixedText, group.max.jsonNumber])
            for c in group.components {
                let ratio: String
                if c.isValue {
                    ratio = c.value.map { Points.fixedText($0) + " ngày" } ?? "—"
                } else {
                    ratio = c.ratio.map { Points.fixedText($0 * 100) + "%" } ?? "—"
                }
                rows.append([
                    "  " + c.id, c.name,
                    c.numerator.map(String.init) ?? "", c.denominator.map(String.init) ?? "",
                    ratio, c.points?.fixedText ?? "—", c.max.jsonNumber,
                ])
            }
        }
        rows.append(["", "Tổng điểm (total)", "", "", "", total.fixedText, max.jsonNumber])
        var widths = [Int](repeating: 0, count: 7)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = Swift.max(widths[i], cell.count) } }
        let leftAligned: Set<Int> = [0, 1]
        var lines = rows.map { row in
            row.enumerated().map { i, cell in
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return leftAligned.contains(i) ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        lines = lines.map { line in
            var trimmed = Substring(line)
            while trimmed.last == " " { trimmed.removeLast() }
            return String(trimmed)
        }
        lines.insert("Profile \(profileID)", at: 0)
        lines.append("Xếp loại (band): \(band.name) (\(band.nameEn))")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A number rounded to 2 decimals, written with no trailing zeros ("7.05", "78.38", "6").
    static func hundredthsText(_ x: Double) -> String {
        guard x.isFinite, abs(x) < 1e15 else { return x.description }
        return Points.decimalText(hundredths: Int64((x * 100).rounded(.toNearestOrAwayFromZero)))
    }
}

extension ComponentScore {
    /// One component of the snapshot JSON (interfaces.md).
    var json: String {
        "{ \"id\": \(jsonQuoted(id)), \"name\": \(jsonQuoted(name)), \"nameEn\": \(jsonQuoted(nameEn)), "
            + "\"max\": \(max.jsonNumber), \"points\": \(points?.jsonNumber ?? "null"), \(measureJSON) }"
    }

    /// The measure's JSON members: `"value": x` for a value component such as 2.2 (details.md 11: no
    /// numerator, denominator or ratio), else `"numerator", "denominator", "ratio"`. Snapshot and
    /// explain write the same members.
    public var measureJSON: String {
        if isValue {
            return "\"value\": \(value.map(ScoreCard.hundredthsText) ?? "null")"
        }
        return "\"numerator\": \(numerator.map(String.init) ?? "null"), "
            + "\"denominator\": \(denominator.map(String.init) ?? "null"), "
            + "\"ratio\": \(ratio.map(ComponentScore.ratioText) ?? "null")"
    }

    /// A ratio as a JSON number: the shortest text that reads back as the same `Double`,
    /// whole ones without ".0" ("1", "0", "0.7838201102361351").
    static func ratioText(_ ratio: Double) -> String {
        if ratio == ratio.rounded(), abs(ratio) < 1e15 { return String(Int64(ratio)) }
        return ratio.description
    }
}
