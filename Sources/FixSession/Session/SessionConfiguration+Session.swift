import FixCodec
import FixTransport

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

extension SessionDriver {
    /// A driver for `configuration` at `endpoint`: its security, session parameters and signed
    /// Logon. I/O thread only, like the designated initializer.
    public convenience init(configuration: SessionConfiguration, endpoint: SessionEndpoint, reactor: Reactor,
                            store: any SessionStore, handler: (any SessionHandler)?, reconnectPolicy: ReconnectPolicy?,
                            messageLog: FixMessageLog? = nil) {
        self.init(reactor: reactor, host: endpoint.host, port: endpoint.port, security: configuration.security,
                  parameters: configuration.sessionParameters, store: store, handler: handler,
                  reconnectPolicy: reconnectPolicy, logonBody: configuration.signedLogonBody, messageLog: messageLog)
    }
}
