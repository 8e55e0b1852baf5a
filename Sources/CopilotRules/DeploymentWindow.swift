import Foundation

/// A DeploymentWindow rule's schedule, as CodePipeline reads its `Cron` and `TimeZone`: six fields and an
/// optional seventh (seconds, minutes, hours, day of month, month, day of week, year), `*` `?` `,` `-` `/`,
/// month and day names, and `L`, `W`, `#` in the day fields. A moment is inside the window when every
/// field matches it. The rule book checks the expression with it; the local engine holds a stage until
/// it opens.
public struct DeploymentWindow: Equatable, Sendable {
    public let cron: String
    public let timeZone: TimeZone
    private let fields: [Field]
    /// Day of month and day of week, with their special forms.
    private let dayOfMonth: DayField
    private let dayOfWeek: DayField

    /// Why an expression is not one: "day-of-week: 8 is outside 1-7".
    public struct Invalid: Error, Equatable, Sendable {
        public var reason: String
    }

    public init(cron: String, timeZone name: String?) throws {
        self.cron = cron
        guard let zone = TimeZone(identifier: name ?? "UTC") else {
            throw Invalid(reason: "unknown time zone \(name ?? "")")
        }
        timeZone = zone
        let parts = cron.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { String($0).uppercased() }
        guard parts.count == 6 || parts.count == 7 else {
            throw Invalid(reason: "it has \(parts.count) field\(parts.count == 1 ? "" : "s"); CodePipeline's cron has 6 "
                          + "(seconds, minutes, hours, day of month, month, day of week) and an optional year")
        }
        fields = [
            try Field(parts[0], name: "seconds", range: 0...59),
            try Field(parts[1], name: "minutes", range: 0...59),
            try Field(parts[2], name: "hours", range: 0...23),
            try Field(parts[4], name: "month", range: 1...12, names: Self.months),
            try Field(parts.count == 7 ? parts[6] : "*", name: "year", range: 1970...2199),
        ]
        dayOfMonth = try DayField(parts[3], ofWeek: false)
        dayOfWeek = try DayField(parts[5], ofWeek: true)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.cron == rhs.cron && lhs.timeZone == rhs.timeZone }

    private static let months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    private static let days = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    /// Whether the window is open at `date`.
    public func isOpen(at date: Date) -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.second, .minute, .hour, .day, .month, .year, .weekday], from: date)
        let values = [parts.second!, parts.minute!, parts.hour!, parts.month!, parts.year!]
        guard zip(fields, values).allSatisfy({ $0.matches($1) }) else { return false }
        let daysInMonth = calendar.range(of: .day, in: .month, for: date)?.count ?? 31
        return dayOfMonth.matches(day: parts.day!, weekday: parts.weekday!, daysInMonth: daysInMonth)
            && dayOfWeek.matches(day: parts.day!, weekday: parts.weekday!, daysInMonth: daysInMonth)
    }

    /// The first moment from `date` on (to the second) at which the window is open, looked for up to `horizon`;
    /// nil if none. Whole months, days, hours and minutes that cannot match are stepped over.
    public func nextOpening(after date: Date, horizon: TimeInterval = 400 * 86_400) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var moment = Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.up))
        let end = moment.addingTimeInterval(horizon)
        while moment <= end {
            let parts = calendar.dateComponents([.second, .minute, .hour, .day, .month, .year, .weekday], from: moment)
            let daysInMonth = calendar.range(of: .day, in: .month, for: moment)?.count ?? 31
            let startOfDay = calendar.startOfDay(for: moment)
            if !fields[3].matches(parts.month!) || !fields[4].matches(parts.year!) {
                guard let month = calendar.date(from: DateComponents(year: parts.year!, month: parts.month!, day: 1)),
                      let next = calendar.date(byAdding: .month, value: 1, to: month) else { return nil }
                moment = next
            } else if !dayOfMonth.matches(day: parts.day!, weekday: parts.weekday!, daysInMonth: daysInMonth)
                        || !dayOfWeek.matches(day: parts.day!, weekday: parts.weekday!, daysInMonth: daysInMonth) {
                guard let next = calendar.date(byAdding: .day, value: 1, to: startOfDay) else { return nil }
                moment = next
            } else if !fields[2].matches(parts.hour!) {
                moment = moment.addingTimeInterval(Double(3600 - parts.minute! * 60 - parts.second!))
            } else if !fields[1].matches(parts.minute!) {
                moment = moment.addingTimeInterval(Double(60 - parts.second!))
            } else if !fields[0].matches(parts.second!) {
                moment = moment.addingTimeInterval(1)
            } else {
                return moment
            }
        }
        return nil
    }

    /// One of the plain fields: the set of values it allows.
    private struct Field: Equatable, Sendable {
        let allowed: Set<Int>

        init(_ text: String, name: String, range: ClosedRange<Int>, names: [String] = [], offset: Int = 1) throws {
            allowed = try Self.values(text, name: name, range: range, names: names, offset: offset)
        }

        func matches(_ value: Int) -> Bool { allowed.contains(value) }

        /// `*`, `?`, `A`, `A-B`, `A/S`, `A-B/S`, `*/S`, joined by commas; names count from `offset`.
        static func values(_ text: String, name: String, range: ClosedRange<Int>, names: [String], offset: Int) throws -> Set<Int> {
            var allowed = Set<Int>()
            for part in text.split(separator: ",", omittingEmptySubsequences: false) {
                let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
                guard pieces.count <= 2, !pieces[0].isEmpty else { throw Invalid(reason: "\(name): '\(part)' is not a value, range or step") }
                var step = 1
                if pieces.count == 2 {
                    guard let number = Int(pieces[1]), number > 0 else { throw Invalid(reason: "\(name): the step in '\(part)' is not a positive number") }
                    step = number
                }
                let span: ClosedRange<Int>
                if pieces[0] == "*" || pieces[0] == "?" {
                    span = range
                } else {
                    let bounds = pieces[0].split(separator: "-", omittingEmptySubsequences: false)
                    guard bounds.count <= 2 else { throw Invalid(reason: "\(name): '\(part)' is not a value or range") }
                    let low = try value(String(bounds[0]), name: name, range: range, names: names, offset: offset)
                    let high = bounds.count == 2 ? try value(String(bounds[1]), name: name, range: range, names: names, offset: offset)
                        : (pieces.count == 2 ? range.upperBound : low)
                    guard low <= high else { throw Invalid(reason: "\(name): the range '\(part)' runs backwards") }
                    span = low...high
                }
                allowed.formUnion(stride(from: span.lowerBound, through: span.upperBound, by: step))
            }
            return allowed
        }

        static func value(_ text: String, name: String, range: ClosedRange<Int>, names: [String], offset: Int) throws -> Int {
            if let index = names.firstIndex(of: text) { return index + offset }
            guard let number = Int(text) else {
                throw Invalid(reason: "\(name): '\(text)' is not a number" + (names.isEmpty ? "" : " or one of \(names.joined(separator: ","))"))
            }
            guard range.contains(number) else { throw Invalid(reason: "\(name): \(number) is outside \(range.lowerBound)-\(range.upperBound)") }
            return number
        }
    }

    /// Day of month (`L`, `L-3`, `15W`, `LW`) or day of week (`6L`: the last Friday; `2#1`: the first Monday), or a plain field.
    private enum DayField: Equatable, Sendable {
        case plain(Field, ofWeek: Bool)
        case lastDay(offset: Int)
        case nearestWeekday(Int?)
        case lastWeekday(Int)
        case nthWeekday(Int, Int)

        init(_ text: String, ofWeek: Bool) throws {
            let name = ofWeek ? "day-of-week" : "day-of-month"
            if ofWeek {
                if text.hasSuffix("L"), text.count > 1 {
                    self = .lastWeekday(try Field.value(String(text.dropLast()), name: name, range: 1...7, names: DeploymentWindow.days, offset: 1))
                    return
                }
                if let hash = text.firstIndex(of: "#") {
                    let day = try Field.value(String(text[..<hash]), name: name, range: 1...7, names: DeploymentWindow.days, offset: 1)
                    guard let nth = Int(text[text.index(after: hash)...]), (1...5).contains(nth) else {
                        throw Invalid(reason: "\(name): the number after # in '\(text)' must be 1 to 5")
                    }
                    self = .nthWeekday(day, nth)
                    return
                }
                self = .plain(try Field(text == "L" ? "7" : text, name: name, range: 1...7, names: DeploymentWindow.days), ofWeek: true)
                return
            }
            if text == "LW" { self = .nearestWeekday(nil); return }
            if text.hasPrefix("L") {
                let rest = text.dropFirst()
                guard rest.isEmpty || (rest.hasPrefix("-") && Int(rest.dropFirst()).map { (0...30).contains($0) } == true) else {
                    throw Invalid(reason: "\(name): '\(text)' is not L or L-N")
                }
                self = .lastDay(offset: Int(rest.dropFirst()) ?? 0)
                return
            }
            if text.hasSuffix("W") {
                self = .nearestWeekday(try Field.value(String(text.dropLast()), name: name, range: 1...31, names: [], offset: 1))
                return
            }
            self = .plain(try Field(text, name: name, range: 1...31), ofWeek: false)
        }

        /// `weekday` is 1 (Sunday) to 7 (Saturday), as CodePipeline's cron counts.
        func matches(day: Int, weekday: Int, daysInMonth: Int) -> Bool {
            switch self {
            case .plain(let field, let ofWeek): return field.matches(ofWeek ? weekday : day)
            case .lastDay(let offset): return day == daysInMonth - offset
            case .lastWeekday(let target): return weekday == target && day + 7 > daysInMonth
            case .nthWeekday(let target, let nth): return weekday == target && (day - 1) / 7 + 1 == nth
            case .nearestWeekday(let target):
                // The weekday nearest the target day, within the month (the last weekday for LW).
                let wanted = target ?? daysInMonth
                let targetWeekday = (weekday - 1 + (wanted - day) % 7 + 7) % 7 + 1
                var nearest = wanted
                if targetWeekday == 7 { nearest = wanted == 1 ? 3 : wanted - 1 }
                if targetWeekday == 1 { nearest = wanted == daysInMonth ? wanted - 2 : wanted + 1 }
                if target == nil, targetWeekday == 1 { nearest = wanted - 2 }
                return day == nearest
            }
        }
    }
}
