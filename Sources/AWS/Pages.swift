/// Listings that answer a page at a time, each naming the token that fetches the next.
public enum Pages {
    /// The items of every page: `fetch` is given nil, then each page's `next` until one has none.
    public static func collect<Page, Item>(_ fetch: (_ token: String?) async throws -> Page, items: (Page) -> [Item]?,
                                           next: (Page) -> String?) async throws -> [Item] {
        var collected: [Item] = []
        var token: String?
        repeat {
            let page = try await fetch(token)
            collected += items(page) ?? []
            token = next(page)
        } while token != nil
        return collected
    }
}
