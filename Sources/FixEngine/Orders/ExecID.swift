import FixCodec

/// An ExecutionReport's ExecID (17): Kalshi's `clock;event` or `clock;event;exchange` (FACTS
/// §9.5), held as integers so that keeping and comparing millions of them costs no string
/// allocation. Other forms are kept as text. Ordered as Kalshi sequences them (clock, then event).
public struct ExecID: Hashable, Comparable, Sendable, CustomStringConvertible {
    enum Storage: Hashable, Sendable {
        case numeric(clock: Int64, event: Int64, exchange: Int64)
        case text(String)
    }
    let storage: Storage

    /// Parses the bytes of tag 17; allocates only for ExecIDs not of Kalshi's numeric form.
    public init(_ value: FixValue) {
        if let numeric = Self.numeric(value.bytes) { storage = numeric } else { storage = .text(value.string) }
    }

    /// Parses text, e.g. `"4;7"` or `"4;7;1"`.
    public init(_ text: String) {
        var copy = text
        let numeric = copy.withUTF8 { Self.numeric(UnsafeRawBufferPointer($0)) }
        storage = numeric ?? .text(text)
    }

    /// Kalshi's placeholder for pending reports (`-1;-1`), which identifies nothing.
    public var isPendingPlaceholder: Bool { storage == .text("-1;-1") }

    public var description: String {
        switch storage {
        case .numeric(let clock, let event, 0): return "\(clock);\(event)"
        case .numeric(let clock, let event, let exchange): return "\(clock);\(event);\(exchange)"
        case .text(let text): return text
        }
    }

    public static func < (a: ExecID, b: ExecID) -> Bool {
        switch (a.storage, b.storage) {
        case (.numeric(let c1, let e1, let x1), .numeric(let c2, let e2, let x2)): return (c1, e1, x1) < (c2, e2, x2)
        case (.numeric, .text): return true
        case (.text, .numeric): return false
        case (.text(let t1), .text(let t2)): return t1 < t2
        }
    }

    /// `clock;event[;exchange]` with non-negative integers, or nil.
    private static func numeric(_ bytes: UnsafeRawBufferPointer) -> Storage? {
        var parts: (Int64, Int64, Int64) = (0, 0, 0)
        var index = 0
        var current: Int64 = 0
        var digits = 0
        for byte in bytes {
            if byte == UInt8(ascii: ";") {
                guard digits > 0, index < 2 else { return nil }
                if index == 0 { parts.0 = current } else { parts.1 = current }
                index += 1
                current = 0
                digits = 0
            } else if byte >= 0x30 && byte <= 0x39, digits < 18 {
                current = current * 10 + Int64(byte - 0x30)
                digits += 1
            } else {
                return nil
            }
        }
        guard digits > 0, index >= 1 else { return nil }
        if index == 1 { parts.1 = current } else { parts.2 = current }
        return .numeric(clock: parts.0, event: parts.1, exchange: parts.2)
    }
}

/// Order indexes keyed by id strings (ClOrdID, OrderID), looked up straight from a message's
/// bytes: no String is built per report. Open addressing with FNV-1a; grows by doubling.
struct IDIndex {
    private var slots: [Int32]
    private var keys: [String] = []
    private var hashes: [UInt64] = []
    private var values: [Int] = []

    init(capacity: Int = 1024) {
        slots = [Int32](repeating: -1, count: max(16, capacity.nextPowerOfTwo))
    }

    private static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { h = (h ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return h
    }

    func find(_ bytes: UnsafeRawBufferPointer) -> Int? {
        let h = Self.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let entry = slots[slot]
            if entry < 0 { return nil }
            let e = Int(entry)
            if hashes[e] == h, keys[e].utf8.elementsEqual(bytes) { return values[e] }
            slot = (slot + 1) & mask
        }
    }

    func find(_ key: String) -> Int? {
        var copy = key
        return copy.withUTF8 { find(UnsafeRawBufferPointer($0)) }
    }

    /// Adds `key` → `value` unless the key is present.
    mutating func insert(_ key: String, _ value: Int) {
        if find(key) != nil { return }
        if (keys.count + 1) * 2 > slots.count { grow() }
        var copy = key
        let h = copy.withUTF8 { Self.hash(UnsafeRawBufferPointer($0)) }
        keys.append(key)
        hashes.append(h)
        values.append(value)
        place(keys.count - 1, hash: h)
    }

    private mutating func place(_ entry: Int, hash: UInt64) {
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(entry)
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        for entry in 0..<keys.count { place(entry, hash: hashes[entry]) }
    }
}

extension Int {
    fileprivate var nextPowerOfTwo: Int {
        var n = 1
        while n < self { n <<= 1 }
        return n
    }
}
