import FixCodec

extension SessionConfiguration {
    /// The state machine's view of this configuration.
    public var sessionParameters: SessionParameters {
        SessionParameters(role: .initiator, senderCompID: senderCompID, targetCompID: targetCompID,
                          acceptedInboundSenderCompIDs: sessionType.inboundSenderCompIDs,
                          heartbeatInterval: heartbeatInterval,
                          // RT/PT keep their numbers across reconnects (Q2, Q8); the rest must reset.
                          resetSeqNumOnLogon: sessionType.requiresResetSeqNumFlag,
                          supportsRetransmission: sessionType.supportsRetransmission,
                          logonTimeout: logonTimeout)
    }

    /// Writes Kalshi's signed Logon body: this configuration's fields and options, then
    /// RawDataLength/RawData with the RSA-PSS signature over the header as written.
    public var signedLogonBody: LogonBodyWriter {
        { writer, context in
            let fields = try signedLogonFields(sendingTime: context.sendingTime.description, msgSeqNum: context.msgSeqNum,
                                               resetSeqNum: context.resetSeqNum)
            for field in fields { writer.write(field.tag, field.value) }
        }
    }
}
