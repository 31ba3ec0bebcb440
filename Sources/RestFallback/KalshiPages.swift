/// One page of a cursor-paginated Kalshi list.
public struct KalshiPage<Item: Sendable>: Sendable {
    /// The page's items (possibly empty: Kalshi may return an empty page with a cursor).
    public let items: [Item]
    /// The cursor for the next page; nil on the last page.
    public let nextCursor: String?
}

/// Pages of a cursor-paginated Kalshi list, fetched lazily one request per `next()`.
///
/// Iteration ends after a page with no (or an empty) cursor. A cursor the server already returned
/// earlier would make the walk loop forever, so it ends the sequence with
/// ``KalshiRESTError/cursorLoop(cursor:pages:)`` instead (the pages before it were delivered).
/// Each request gets the client's retries and timeouts.
///
/// - Important: each iterator walks the list from the start; iterate from one task.
public struct KalshiPages<Item: Sendable>: AsyncSequence, Sendable {
    public typealias Element = KalshiPage<Item>
    public typealias Failure = KalshiRESTError

    let fetch: @Sendable (_ cursor: String?) async throws(KalshiRESTError) -> KalshiPage<Item>

    public func makeAsyncIterator() -> Iterator { Iterator(fetch: fetch) }

    /// The items of every page, in order.
    public var items: KalshiPagedItems<Item> { KalshiPagedItems(pages: self) }

    public struct Iterator: AsyncIteratorProtocol {
        public typealias Element = KalshiPage<Item>
        public typealias Failure = KalshiRESTError

        let fetch: @Sendable (String?) async throws(KalshiRESTError) -> KalshiPage<Item>
        var cursor: String?
        var seen: Set<String> = []
        var pages = 0
        var finished = false

        init(fetch: @escaping @Sendable (String?) async throws(KalshiRESTError) -> KalshiPage<Item>) {
            self.fetch = fetch
        }

        public mutating func next() async throws(KalshiRESTError) -> KalshiPage<Item>? {
            guard !finished else { return nil }
            let page: KalshiPage<Item>
            do {
                page = try await fetch(cursor)
            } catch {
                finished = true
                throw error
            }
            pages += 1
            if let next = page.nextCursor, !next.isEmpty {
                guard seen.insert(next).inserted else {
                    finished = true
                    throw .cursorLoop(cursor: next, pages: pages)
                }
                cursor = next
            } else {
                finished = true
            }
            return page
        }

    }
}

/// The items of ``KalshiPages``, flattened: `for try await market in client.markets(query)`.
/// Same ending and cursor-loop error as the pages.
public struct KalshiPagedItems<Item: Sendable>: AsyncSequence, Sendable {
    public typealias Element = Item
    public typealias Failure = KalshiRESTError

    let pages: KalshiPages<Item>

    public func makeAsyncIterator() -> Iterator { Iterator(pages: pages.makeAsyncIterator()) }

    public struct Iterator: AsyncIteratorProtocol {
        public typealias Element = Item
        public typealias Failure = KalshiRESTError

        var pages: KalshiPages<Item>.Iterator
        var buffer: [Item] = []
        var index = 0

        public mutating func next() async throws(KalshiRESTError) -> Item? {
            while index == buffer.count {
                guard let page = try await pages.next() else { return nil }
                buffer = page.items
                index = 0
            }
            defer { index += 1 }
            return buffer[index]
        }

    }
}
