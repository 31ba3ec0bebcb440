import FixCodec
import FixSession

/// The exchange behind the gateway: routes each logged-on session's application messages
/// by session type. I/O thread only.
final class SimExchange {
    let product: KalshiProduct
    weak var server: KalshiSimServer?

    init(product: KalshiProduct) {
        self.product = product
    }

    func sessionActive(_ session: SimSession) {}

    func sessionClosed(_ session: SimSession) {}

    func received(_ message: FixMessage, on session: SimSession) {
        session.businessReject(message, reason: .unsupportedMessageType,
                               text: "Unsupported Message Type \(message.msgType.string) on \(session.sessionType)", refTagID: 35)
    }
}
