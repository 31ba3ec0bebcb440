import FixCodec
@testable import FixSession
import Foundation
import Testing

/// A fresh directory under the system temporary directory; `remove()` deletes it.
struct StoreTestDirectory {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "kfx-store-XXXXXX").utf8CString)
        guard template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) != nil else {
            throw StoreTestFailure("mkdtemp failed: errno \(errno)")
        }
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A journal path inside the directory.
    func journal(_ name: String = "session") -> String { path + "/" + name + ".fixjournal" }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

struct StoreTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Sample outbound messages and times.
enum StoreSamples {
    /// A well-formed FIXT.1.1 message (BodyLength and CheckSum correct) whose length varies
    /// with `seq`, so records differ in size and a mix-up cannot go unnoticed.
    static func message(seq: Int, type: String = "D", variant: String = "") -> [UInt8] {
        let text = String(repeating: "x", count: (seq * 37) % 61) + variant
        let body = "35=\(type)\u{1}49=key-1\u{1}56=KalshiRT\u{1}34=\(seq)\u{1}52=20270115-14:30:00.123\u{1}"
            + "11=order-\(seq)\u{1}58=\(text)\u{1}"
        let head = "8=FIXT.1.1\u{1}9=\(body.utf8.count)\u{1}"
        var bytes = Array((head + body).utf8)
        let sum = bytes.reduce(0) { $0 + Int($1) } % 256
        bytes += Array("10=\(String(format: "%03d", sum))\u{1}".utf8)
        return bytes
    }

    /// A fixed base time plus `seconds`.
    static func time(_ seconds: Int64) -> FixTimestamp {
        FixTimestamp(secondsSinceEpoch: 1_800_000_000 + seconds)
    }
}

extension SessionStore {
    /// `append(outbound:seqNum:at:)` for an array.
    func appendMessage(_ bytes: [UInt8], seqNum: Int, at time: FixTimestamp = StoreSamples.time(0)) throws {
        try bytes.withUnsafeBytes { try append(outbound: $0, seqNum: seqNum, at: time) }
    }

    /// Copies out what `forEachOutbound` hands over.
    func outbound(from first: Int, through last: Int?) throws -> [(seqNum: Int, bytes: [UInt8])] {
        var result: [(seqNum: Int, bytes: [UInt8])] = []
        try forEachOutbound(from: first, through: last) { seq, bytes in result.append((seq, Array(bytes))) }
        return result
    }

    /// The sequence numbers of every stored message.
    func storedSeqNums() throws -> [Int] { try outbound(from: 1, through: nil).map(\.seqNum) }
}

/// The ``SessionStoreError`` `body` throws (nil if it does not throw; any other error is a
/// test failure).
func storeError(_ body: () throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) -> SessionStoreError? {
    do {
        try body()
        return nil
    } catch let error as SessionStoreError {
        return error
    } catch {
        Issue.record("expected a SessionStoreError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

enum StoreFiles {
    static func bytes(_ path: String) -> [UInt8] {
        FileManager.default.contents(atPath: path).map { Array($0) } ?? []
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
}

/// The two store implementations, for behaviour both must share.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case memory, file
    var testDescription: String { rawValue }
}

/// A store under test, and the directory to delete afterwards (file store only). Keep it
/// alive for the whole test (its deinit closes the store).
final class StoreUnderTest {
    let store: any SessionStore
    let directory: StoreTestDirectory?

    init(_ kind: StoreKind, retention: Duration? = nil, maxMessageSize: Int = 64 * 1024) throws {
        switch kind {
        case .memory:
            store = InMemorySessionStore(retention: retention, maxMessageSize: maxMessageSize)
            directory = nil
        case .file:
            let dir = try StoreTestDirectory()
            directory = dir
            let configuration = FileSessionStore.Configuration(fsyncPolicy: .never, retention: retention,
                                                               maxMessageSize: maxMessageSize)
            store = try FileSessionStore(path: dir.journal(), configuration: configuration, now: StoreSamples.time(0))
        }
    }

    deinit {
        try? store.close()
        directory?.remove()
    }
}

