/// The level of a synthetic unit (events.md, `unit.declared`).
enum SyntheticUnitLevel: String, Sendable {
    case province, department, commune
}

/// One unit of the synthetic province: the province itself, a department (sở) or a commune
/// (xã, phường).
struct SyntheticUnit: Sendable {
    var code: String
    var name: String
    var level: SyntheticUnitLevel
    /// Index of the parent unit, nil for the root.
    var parent: Int?
    /// `code` as a quoted JSON string.
    var codeJSON: [UInt8]
    /// `code` escaped for JSON, without quotes (for dossier and petition codes built on it).
    var codeEscaped: [UInt8]
    /// `name` as a quoted JSON string.
    var nameJSON: [UInt8]

    init(code: String, name: String, level: SyntheticUnitLevel, parent: Int?) {
        self.code = code
        self.name = name
        self.level = level
        self.parent = parent
        self.codeJSON = LineWriter.quoted(code)
        self.codeEscaped = Array(codeJSON.dropFirst().dropLast())
        self.nameJSON = LineWriter.quoted(name)
    }
}

/// How far a procedure is offered online (events.md, `onlineLevel`).
enum SyntheticOnlineLevel: String, Sendable {
    case none, partial, full
}

/// One administrative procedure (thủ tục hành chính, TTHC) of the root catalogue.
struct SyntheticProcedure: Sendable {
    var code: String
    var codeJSON: [UInt8]
    var nameJSON: [UInt8]
    /// Levels named in `authority`.
    var authorityLevels: [SyntheticUnitLevel]
    /// Unit indices named in `authority` (by code).
    var authorityUnits: [Int]
    var onlineLevel: SyntheticOnlineLevel
    var feeBearing: Bool
    /// The fee of one dossier, in đồng, when fee-bearing.
    var fee: Int64
    var writtenResult: Bool
    var citizenSubject: Bool
    var contentComplete: Bool
    var duration: ProcessingLimit?
    /// Relative popularity: how often citizens file it.
    var weight: Double
    /// From this instant on, dossiers may be filed online (before: only `none`).
    var onlineFrom: LocalSeconds
    /// From this instant on, the procedure is abolished (no new dossiers).
    var abolishedFrom: LocalSeconds
}

/// One `procedure.declared` line: a procedure's attributes as (re)declared at some instant.
struct SyntheticDeclaration: Sendable {
    var procedure: Int
    var onlineLevel: SyntheticOnlineLevel
    var contentComplete: Bool
    var abolished: Bool
}

/// Vietnamese names for the synthetic catalogue.
enum VietnameseNames {
    static let province = "Tỉnh Phú Thọ"

    /// The province's name: Phú Thọ for H44, the code it stands for; a simulated province otherwise,
    /// so that two generated provinces in one database are told apart.
    static func province(code: String) -> String { code == "H44" ? province : "Tỉnh mô phỏng \(code)" }

    static let departments = [
        "Sở Tư pháp", "Sở Tài chính", "Sở Xây dựng", "Sở Nội vụ", "Sở Công Thương",
        "Sở Nông nghiệp và Môi trường", "Sở Y tế", "Sở Giáo dục và Đào tạo",
        "Sở Khoa học và Công nghệ", "Sở Văn hóa, Thể thao và Du lịch", "Sở Dân tộc và Tôn giáo",
        "Sở Ngoại vụ", "Thanh tra tỉnh", "Ban Quản lý các khu công nghiệp", "Công an tỉnh",
        "Bảo hiểm xã hội tỉnh", "Cục Thuế tỉnh", "Văn phòng Ủy ban nhân dân tỉnh",
    ]

    static let communeFirst = [
        "Hy", "Phượng", "Chu", "Thanh", "Tiên", "Vân", "Hùng", "Minh", "Tân", "Phú",
        "Đồng", "Cao", "Sơn", "Lâm", "Hòa", "Bình", "An", "Xuân", "Thụy", "Hương",
        "Lạc", "Kim", "Văn", "Quang", "Đại",
    ]
    static let communeSecond = [
        "Cương", "Lâu", "Hóa", "Đình", "Kiên", "Phú", "Lô", "Xá", "Lĩnh", "Sơn",
        "Thủy", "Nông", "Hà", "Mỹ", "Ninh", "Lộc", "Tiến", "Khê", "Quan", "Dương",
    ]

    static func department(_ i: Int) -> String {
        i < departments.count ? departments[i] : "Ban Quản lý dự án số \(i - departments.count + 1)"
    }

    static func commune(_ i: Int, ward: Bool) -> String {
        let a = communeFirst.count, b = communeSecond.count
        let base = communeFirst[i % a] + " " + communeSecond[((i % a) * 7 + i / a) % b]
        let name = i < a * b ? base : base + " \(i / (a * b) + 1)"
        return (ward ? "Phường " : "Xã ") + name
    }

    static let procedures = [
        "Đăng ký khai sinh", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "Đăng ký kết hôn",
        "Đăng ký khai tử", "Cấp bản sao trích lục hộ tịch", "Cấp giấy xác nhận tình trạng hôn nhân",
        "Chứng thực chữ ký trong các giấy tờ, văn bản", "Đăng ký thường trú", "Đăng ký tạm trú",
        "Cấp giấy phép xây dựng nhà ở riêng lẻ", "Đăng ký thành lập hộ kinh doanh",
        "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh",
        "Cấp giấy chứng nhận quyền sử dụng đất lần đầu", "Đăng ký biến động quyền sử dụng đất",
        "Cấp phiếu lý lịch tư pháp", "Đổi giấy phép lái xe", "Cấp giấy phép kinh doanh vận tải bằng xe ô tô",
        "Cấp giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        "Cấp giấy phép hoạt động khám bệnh, chữa bệnh", "Cấp chứng chỉ hành nghề dược",
        "Đăng ký thành lập doanh nghiệp", "Cấp giấy phép lao động cho người nước ngoài",
        "Giải quyết hưởng trợ cấp thất nghiệp", "Trợ cấp xã hội hằng tháng",
        "Xác nhận hộ nghèo, hộ cận nghèo", "Đăng ký hoạt động tín ngưỡng",
        "Cấp giấy phép khai thác nước dưới đất", "Thẩm định báo cáo đánh giá tác động môi trường",
        "Cấp giấy phép môi trường", "Chuyển trường đối với học sinh trung học cơ sở",
        "Cấp giấy phép tổ chức lễ hội", "Cấp giấy phép bán lẻ sản phẩm rượu",
        "Hỗ trợ chi phí mai táng", "Đăng ký nhận cha, mẹ, con",
        "Thay đổi, cải chính, bổ sung thông tin hộ tịch", "Đăng ký giám hộ",
        "Cấp giấy chứng nhận đăng ký xe", "Công nhận tổ trưởng tổ hợp tác",
        "Cấp giấy phép quảng cáo", "Thẩm định thiết kế phòng cháy và chữa cháy",
    ]
    static let procedureVariants = ["", " (cấp lại)", " (điều chỉnh)", " (gia hạn)", " (cấp đổi)"]

    static func procedure(_ i: Int) -> String {
        let n = procedures.count
        let variant = i / n
        let base = procedures[i % n]
        if variant < procedureVariants.count { return base + procedureVariants[variant] }
        return base + " (trường hợp \(variant - procedureVariants.count + 2))"
    }

    static let supplementReasons = [
        "Thiếu bản sao giấy tờ tùy thân",
        "Thiếu \"Giấy xác nhận thông tin về cư trú\"",
        "Đơn chưa có chữ ký của người yêu cầu",
        "Bản vẽ thiết kế chưa đúng quy chuẩn",
        "Cần bổ sung:\n- bản chính giấy tờ\n- ảnh 4x6",
    ]
    static let refusalReasons = [
        "Hồ sơ không thuộc thẩm quyền giải quyết",
        "Hồ sơ không đủ thành phần theo quy định",
        "Người nộp không đủ điều kiện theo quy định",
    ]
    static let stopReasons = [
        "Người nộp không bổ sung hồ sơ trong thời hạn",
        "Vướng mắc về quy hoạch sử dụng đất",
        "Có tranh chấp đang được Tòa án thụ lý",
    ]
    static let apologyReasons = [
        "Cần xác minh thêm thông tin",
        "Chờ ý kiến của cơ quan phối hợp",
        "Hệ thống phần mềm gặp sự cố",
    ]

    static let supplementReasonsJSON = supplementReasons.map(LineWriter.quoted)
    static let refusalReasonsJSON = refusalReasons.map(LineWriter.quoted)
    static let stopReasonsJSON = stopReasons.map(LineWriter.quoted)
    static let apologyReasonsJSON = apologyReasons.map(LineWriter.quoted)
}
