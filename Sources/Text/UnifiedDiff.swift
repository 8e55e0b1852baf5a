/// A unified diff (`diff -u` style, 3 lines of context) between two texts, by Myers' algorithm.
public enum UnifiedDiff {
    public static func make(old: String, new: String, oldName: String, newName: String, context: Int = 3) -> String {
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

    /// An edit script from `a` to `b`, in time linear in their length: the lines both begin and end
    /// with are kept; so are the lines found exactly once in each, in the same order (the longest such
    /// run: patience diff's anchors); between anchors, the shortest script (Myers) when it needs at
    /// most ``costLimit(_:)`` edits, else the lines there replaced whole. Each stretch between anchors
    /// costs at most `costLimit × its length` steps and `costLimit²` remembered positions.
    static func edits(_ a: [Substring], _ b: [Substring]) -> [Edit] {
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        let oldMiddle = a[prefix..<(a.count - suffix)], newMiddle = b[prefix..<(b.count - suffix)]
        var middle: [Edit] = []
        var i = oldMiddle.startIndex, j = newMiddle.startIndex
        for (anchorA, anchorB) in anchors(oldMiddle, newMiddle) + [(oldMiddle.endIndex, newMiddle.endIndex)] {
            let old = oldMiddle[i..<anchorA], new = newMiddle[j..<anchorB]
            // Without a line in common the stretch is replaced whole: that is its shortest script.
            let common = Set(old)
            let searched = new.contains(where: common.contains) ? shortestEdits(old, new, limit: costLimit(old.count + new.count)) : nil
            middle += searched ?? Array(repeating: .delete, count: old.count) + Array(repeating: .insert, count: new.count)
            if anchorA < oldMiddle.endIndex { middle.append(.same) }
            (i, j) = (anchorA + 1, anchorB + 1)
        }
        return Array(repeating: .same, count: prefix) + middle + Array(repeating: .same, count: suffix)
    }

    /// The lines found exactly once in `a` and once in `b`, as (index in a, index in b), the longest
    /// run of them in the same order in both (a longest increasing subsequence, by patience sorting).
    private static func anchors(_ a: ArraySlice<Substring>, _ b: ArraySlice<Substring>) -> [(Int, Int)] {
        var counts: [Substring: (a: Int, b: Int, indexA: Int, indexB: Int)] = [:]
        for index in a.indices { counts[a[index], default: (0, 0, 0, 0)].a += 1; counts[a[index]]!.indexA = index }
        for index in b.indices { counts[b[index], default: (0, 0, 0, 0)].b += 1; counts[b[index]]!.indexB = index }
        let unique = counts.values.filter { $0.a == 1 && $0.b == 1 }.map { ($0.indexA, $0.indexB) }.sorted { $0.0 < $1.0 }
        // tails[k]: the position in `unique` ending the best run of length k+1 found so far; back: each one's predecessor.
        var tails: [Int] = []
        var back = [Int](repeating: -1, count: unique.count)
        for (position, pair) in unique.enumerated() {
            var low = 0, high = tails.count
            while low < high {
                let middle = (low + high) / 2
                if unique[tails[middle]].1 < pair.1 { low = middle + 1 } else { high = middle }
            }
            if low > 0 { back[position] = tails[low - 1] }
            if low == tails.count { tails.append(position) } else { tails[low] = position }
        }
        var run: [(Int, Int)] = []
        var position = tails.last ?? -1
        while position >= 0 {
            run.append(unique[position])
            position = back[position]
        }
        return run.reversed()
    }

    /// The most edits searched for between `size` lines: every one for small texts, fewer as they grow.
    static func costLimit(_ size: Int) -> Int {
        min(2_000, max(128, 10_000_000 / max(1, size)))
    }

    /// Myers' shortest edit script, or nil when it needs more than `limit` edits. Round `d` keeps, for
    /// each diagonal k in -d…d, the furthest x reached with d edits (`rounds[d][k + d]`).
    private static func shortestEdits(_ a: ArraySlice<Substring>, _ b: ArraySlice<Substring>, limit: Int) -> [Edit]? {
        let n = a.count, m = b.count
        guard n + m > 0 else { return [] }
        var rounds: [[Int]] = []
        var reachedEnd = false
        for d in 0...min(n + m, limit) {
            var furthest = [Int](repeating: 0, count: 2 * d + 1)
            let previous = rounds.last ?? []
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if d == 0 {
                    x = 0
                } else if k == -d || (k != d && previous[k - 1 + d - 1] < previous[k + 1 + d - 1]) {
                    x = previous[k + 1 + d - 1]  // down from diagonal k+1: a line inserted
                } else {
                    x = previous[k - 1 + d - 1] + 1  // right from diagonal k-1: a line deleted
                }
                var y = x - k
                while x < n, y < m, a[a.startIndex + x] == b[b.startIndex + y] {
                    x += 1
                    y += 1
                }
                furthest[k + d] = x
                if x >= n, y >= m { reachedEnd = true }
            }
            rounds.append(furthest)
            if reachedEnd { break }
        }
        guard reachedEnd else { return nil }
        // Back from the end through the rounds: each step undoes one edit and the kept lines after it.
        var script: [Edit] = []
        var x = n, y = m
        for d in stride(from: rounds.count - 1, through: 1, by: -1) {
            let previous = rounds[d - 1]
            let k = x - y
            let down = k == -d || (k != d && previous[k - 1 + d - 1] < previous[k + 1 + d - 1])
            let previousK = down ? k + 1 : k - 1
            let previousX = previous[previousK + d - 1], previousY = previousX - previousK
            while x > previousX, y > previousY {
                script.append(.same)
                x -= 1
                y -= 1
            }
            script.append(down ? .insert : .delete)
            x = previousX
            y = previousY
        }
        while x > 0, y > 0 {
            script.append(.same)
            x -= 1
            y -= 1
        }
        return script.reversed()
    }
}
