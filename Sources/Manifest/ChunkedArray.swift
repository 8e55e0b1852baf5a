/// An array kept in chunks of bounded size. A copy shares the chunks, and a change copies only the
/// chunks it touches and the list of them: a manifest's lines, kept so, cost an edit the size of the
/// edit even where something else still holds the lines (a layout, a copy of the document), where a
/// plain array would be copied whole.
struct ChunkedArray<Element> {
    private static var chunkSize: Int { 64 }
    private var chunks: [[Element]]
    /// The index of each chunk's first element.
    private var starts: [Int]
    private(set) var count: Int

    init(_ elements: [Element]) {
        chunks = Self.chunked(elements[...])
        starts = []
        count = elements.count
        starts = Self.starts(of: chunks[...], from: 0)
    }

    /// Every element, in order.
    var elements: FlattenSequence<[[Element]]> { chunks.joined() }

    subscript(index: Int) -> Element {
        get {
            let chunk = chunk(holding: index)
            return chunks[chunk][index - starts[chunk]]
        }
        set {
            let chunk = chunk(holding: index)
            chunks[chunk][index - starts[chunk]] = newValue
        }
    }

    /// Elements `range`.
    func elements(in range: Range<Int>) -> [Element] {
        guard !range.isEmpty else { return [] }
        var found: [Element] = []
        found.reserveCapacity(range.count)
        var chunk = chunk(holding: range.lowerBound)
        while chunk < chunks.count, starts[chunk] < range.upperBound {
            let start = starts[chunk]
            let inChunk = max(range.lowerBound, start)..<min(range.upperBound, start + chunks[chunk].count)
            found += chunks[chunk][(inChunk.lowerBound - start)..<(inChunk.upperBound - start)]
            chunk += 1
        }
        return found
    }

    mutating func replaceSubrange(_ range: Range<Int>, with replacement: [Element]) {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "range out of bounds")
        guard !chunks.isEmpty else {
            self = ChunkedArray(replacement)
            return
        }
        var first = chunk(holding: range.lowerBound)
        var last = range.isEmpty ? first : chunk(holding: range.upperBound - 1)
        var offset = starts[first]
        var merged = Array(chunks[first...last].joined())
        merged.replaceSubrange((range.lowerBound - offset)..<(range.upperBound - offset), with: replacement)
        // A chunk left small joins a neighbour, so chunks stay about half full or more.
        if merged.count < Self.chunkSize / 2, last + 1 < chunks.count {
            last += 1
            merged += chunks[last]
        } else if merged.count < Self.chunkSize / 2, first > 0 {
            first -= 1
            offset = starts[first]
            merged = chunks[first] + merged
        }
        chunks.replaceSubrange(first...last, with: Self.chunked(merged[...]))
        count += replacement.count - range.count
        starts.replaceSubrange(first..., with: Self.starts(of: chunks[first...], from: offset))
    }

    /// The chunk holding element `index`; the last chunk for `count` (where an append goes).
    private func chunk(holding index: Int) -> Int {
        var low = 0, high = chunks.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= index { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// `elements` in chunks of equal size (within one), none larger than `chunkSize`: a chunk that
    /// grows past it splits in two halves, each with room for what is inserted next.
    private static func chunked(_ elements: ArraySlice<Element>) -> [[Element]] {
        let pieces = (elements.count + chunkSize - 1) / chunkSize
        return (0..<pieces).map { piece in
            Array(elements[(elements.startIndex + elements.count * piece / pieces)..<(elements.startIndex + elements.count * (piece + 1) / pieces)])
        }
    }

    private static func starts(of chunks: ArraySlice<[Element]>, from start: Int) -> [Int] {
        var next = start
        return chunks.map { chunk in
            defer { next += chunk.count }
            return next
        }
    }
}
