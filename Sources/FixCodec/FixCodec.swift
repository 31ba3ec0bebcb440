/// FixCodec: a zero-copy FIX tag=value codec for Kalshi's FIXT.1.1 / FIX50SP2 dialect.
///
/// ### Layers
/// - ``FixFramer`` finds complete messages in a byte stream and checks BodyLength and CheckSum.
/// - ``FixFieldIndex`` indexes one message in a single pass: (tag, value offset, value length)
///   per field, into fixed-capacity storage that is reused for every message.
/// - ``FixMessage`` is the view of one indexed message. The generated `…View` types (one per
///   message of `spec/fix-dictionary-1.03.xml`) wrap it and read typed values on access.
/// - ``FixWriter`` encodes in place into a caller-provided buffer; the generated message structs
///   write their fields in dictionary order through it.
///
/// ### Lifetimes
/// Views (``FixMessage``, ``FixValue``, generated `…View`s) point into the receive buffer and
/// into the index. They are valid only while both are unchanged: inside the handler call that
/// received them. Copy out with `copy()` (generated) or ``FixValue/string``.
///
/// The tag constants (`FixTag`), field enums and message types are generated at build time by
/// `FixCodegenPlugin` from `spec/fix-dictionary-1.03.xml`; none of them are written by hand.
enum FixCodecModule {}
