/// A unified diff (`diff -u` style, 3 lines of context) between two texts, by Myers' algorithm.
enum UnifiedDiff {
    static func make(old: String, new: String, oldName: String, newName: String, context: Int = 3) -> String {
        let a = lines(old), b = lines(new)
        let script = edits(a, b)
        guard script.contains(where: { $0 != .same }) else { return "" }
        var out = "--- \(oldName)\n+++ \(newName)\n"
        // Walk the edit script, grouping changes with their context into hunks.
        var rows: [(Edit, Int, Int)] = []  // edit, index in a, index in b
        var i = 0, j = 0
        for edit in script {
            rows.append((edit, i, j))
            switch edit {
            case .same: i += 1; j += 1
            case .delete: i += 1
            case .insert: j += 1
            }
        }
        var index = 0
        while index < rows.count {
            guard let firstChange = rows[index...].firstIndex(where: { $0.0 != .same }) else { break }
            let start = max(index, firstChange - context)
            var end = firstChange
            // Extend while the next change is within 2×context of the last one.
            var cursor = firstChange
            while cursor < rows.count {
                if rows[cursor].0 != .same {
                    end = cursor
                    cursor += 1
                    continue
                }
                let nextChange = rows[cursor...].firstIndex(where: { $0.0 != .same })
                if let nextChange, nextChange - end <= 2 * context { cursor = nextChange } else { break }
            }
            let stop = min(rows.count, end + context + 1)
            let hunk = rows[start..<stop]
            let oldStart = hunk.first!.1, newStart = hunk.first!.2
            let oldCount = hunk.filter { $0.0 != .insert }.count
            let newCount = hunk.filter { $0.0 != .delete }.count
            out += "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@\n"
            for (edit, ai, bj) in hunk {
                switch edit {
                case .same: out += " \(a[ai])\n"
                case .delete: out += "-\(a[ai])\n"
                case .insert: out += "+\(b[bj])\n"
                }
            }
            index = stop
        }
        return out
    }

    private static func range(_ start: Int, _ count: Int) -> String {
        count == 1 ? "\(start + 1)" : "\(count == 0 ? start : start + 1),\(count)"
    }

    private static func lines(_ text: String) -> [Substring] {
        var result = text.split(separator: "\n", omittingEmptySubsequences: false)
        if result.last == "" { result.removeLast() }
        return result
    }

    enum Edit: Equatable { case same, delete, insert }

    /// The shortest edit script from `a` to `b` (Myers, O((N+M)·D)).
    static func edits(_ a: [Substring], _ b: [Substring]) -> [Edit] {
        let n = a.count, m = b.count
        let max = n + m
        guard max > 0 else { return [] }
        var v = [Int](repeating: 0, count: 2 * max + 2)
        var trace: [[Int]] = []
        search: for d in 0...max {
            trace.append(v)
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if k == -d || (k != d && v[max + k - 1] < v[max + k + 1]) { x = v[max + k + 1] } else { x = v[max + k - 1] + 1 }
                var y = x - k
                while x < n, y < m, a[x] == b[y] { x += 1; y += 1 }
                v[max + k] = x
                if x >= n, y >= m { trace.append(v); break search }
            }
        }
        // Backtrack from the end through the saved frontiers.
        var script: [Edit] = []
        var x = n, y = m
        for d in stride(from: trace.count - 2, through: 1, by: -1) {
            let v = trace[d]
            let k = x - y
            // The round-d frontier was reached from k+1 (a line inserted) or k-1 (a line deleted).
            let down = k == -d || (k != d && v[max + k - 1] < v[max + k + 1])
            let prevK = down ? k + 1 : k - 1
            let prevX = v[max + prevK], prevY = prevX - prevK
            while x > prevX, y > prevY { script.append(.same); x -= 1; y -= 1 }
            script.append(down ? .insert : .delete)
            x = prevX; y = prevY
        }
        while x > 0, y > 0 { script.append(.same); x -= 1; y -= 1 }
        return script.reversed()
    }
}
