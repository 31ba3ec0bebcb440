/// What every generated message view provides (`ExecutionReportView`, `LogonView`...).
public protocol FixMessageView {
    /// The MsgType (35) value this view reads, e.g. `8`.
    static var msgType: StaticString { get }
    /// Wraps `message` without checking its MsgType.
    init(unchecked message: FixMessage)
    /// The underlying message view.
    var message: FixMessage { get }
}

extension FixMessageView {
    /// Wraps `message` if its MsgType (35) is ``msgType``; nil otherwise.
    @inlinable
    public init?(_ message: FixMessage) {
        guard message.msgType.equals(Self.msgType) else { return nil }
        self.init(unchecked: message)
    }
}

/// Something that writes FIX fields through a ``FixWriter``: a header, a group entry, a body.
public protocol FixFieldsEncodable {
    /// Writes the fields in dictionary order.
    func encode(into writer: inout FixWriter)
}

/// A generated message struct that can be encoded (`NewOrderSingle`, `Logon`...).
public protocol FixEncodableMessage: FixFieldsEncodable {
    /// The MsgType (35) value, e.g. `D`.
    static var msgType: StaticString { get }
}

extension FixEncodableMessage {
    /// Encodes a complete frame: `35=<msgType>`, `header`'s fields, this message's body, then
    /// BeginString, BodyLength and CheckSum.
    /// - Returns: the frame inside the writer's buffer.
    @inlinable
    public func encodeFrame(into writer: inout FixWriter, header: some FixFieldsEncodable) throws(FixEncodeError) -> UnsafeRawBufferPointer {
        writer.begin(msgType: Self.msgType)
        header.encode(into: &writer)
        encode(into: &writer)
        return try writer.finish()
    }
}
