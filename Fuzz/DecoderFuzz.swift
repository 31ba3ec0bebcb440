// libFuzzer target for the FixCodec decoder. Built by scripts/fuzz.sh together with FixCodec's
// sources (and the generated code) into one module, with `-sanitize=fuzzer,address`.
//
// For every input: frame and index it in lenient and strict mode (must never trap, read out
// of bounds or report a skip that makes no progress); for every message that decodes, make an
// owned copy, encode it, decode that, copy and encode again: the two encodings must be equal
// (decode ∘ encode is stable on anything we accept).

nonisolated(unsafe) var lenient = KalshiFixDecoder(mode: .lenient)
nonisolated(unsafe) var strict = KalshiFixDecoder(mode: .strict)
nonisolated(unsafe) var scratchA = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 17, alignment: 8)
nonisolated(unsafe) var scratchB = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 17, alignment: 8)

nonisolated(unsafe) var framed = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 17, alignment: 8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let raw = UnsafeRawBufferPointer(start: data, count: size)
    // Mutations rarely keep BodyLength and CheckSum right, which would wall off everything
    // past the framer; so also wrap the input as a body in a correct frame.
    if size < 60_000 {
        let head = Array("8=FIXT.1.1\u{1}9=\(size)\u{1}".utf8)
        framed.copyBytes(from: head)
        UnsafeMutableRawBufferPointer(rebasing: framed[head.count...]).copyMemory(from: raw)
        let sum = FixChecksum.compute(UnsafeRawBufferPointer(rebasing: framed[..<(head.count + size)]))
        let trailer = Array("10=\(sum / 100)\(sum / 10 % 10)\(sum % 10)\u{1}".utf8)
        UnsafeMutableRawBufferPointer(rebasing: framed[(head.count + size)...]).copyBytes(from: trailer)
        walk(UnsafeRawBufferPointer(rebasing: framed[..<(head.count + size + trailer.count)]))
    }
    walk(raw)
    return 0
}

func walk(_ stream: UnsafeRawBufferPointer) {
    var input = stream
    // Walk the whole input as a stream, like a session would.
    var steps = 0
    while !input.isEmpty && steps < 64 {
        steps += 1
        _ = strictResult(input)
        switch lenient.decode(input) {
        case .needMoreBytes:
            return
        case .garbled(let skip, _):
            precondition(skip > 0 && skip <= input.count, "garbled skip \(skip) of \(input.count)")
            input = UnsafeRawBufferPointer(rebasing: input[skip...])
        case .invalid(_, let consumed, _), .message(_, let consumed):
            precondition(consumed > 0 && consumed <= input.count)
            roundTrip(UnsafeRawBufferPointer(rebasing: input[..<consumed]))
            input = UnsafeRawBufferPointer(rebasing: input[consumed...])
        }
    }
}

func strictResult(_ input: UnsafeRawBufferPointer) -> Int {
    switch strict.decode(input) {
    case .message(let m, _): return m.fields.count
    case .invalid(_, _, let error): return error.sessionRejectReason ?? -1
    case .needMoreBytes: return 0
    case .garbled(let skip, _): return skip
    }
}

func roundTrip(_ frame: UnsafeRawBufferPointer) {
    guard case .message(let message, _) = lenient.decode(frame),
          let first = try? FixDictionaryInfo.copyMessage(message),
          let header = try? StandardHeaderView(fields: message.body).copy()
    else { return }
    var writerA = FixWriter(buffer: scratchA)
    guard let encodedA = try? first.encodeFrame(into: &writerA, header: header) else { return }
    guard case .message(let again, _) = lenient.decode(encodedA) else {
        preconditionFailure("our own encoding does not decode")
    }
    guard let second = try? FixDictionaryInfo.copyMessage(again),
          let header2 = try? StandardHeaderView(fields: again.body).copy() else {
        preconditionFailure("our own encoding does not copy")
    }
    var writerB = FixWriter(buffer: scratchB)
    guard let encodedB = try? second.encodeFrame(into: &writerB, header: header2) else {
        preconditionFailure("re-encoding failed")
    }
    precondition(Array(encodedA) == Array(encodedB), "encode(decode(encode(x))) != encode(x)")
}
