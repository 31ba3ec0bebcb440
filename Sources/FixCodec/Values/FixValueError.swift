/// Why a byte value could not be read as the requested FIX type.
///
/// Parsers report the first problem found scanning left to right, so a syntax error earlier
/// in the value wins over a range problem later in it.
public enum FixValueError: Error, Sendable, Hashable {
    /// The value has zero length.
    case empty
    /// The value breaks the type's syntax at `offset` (0-based, within the value).
    ///
    /// When the value ends too early (`"-"`, `"20261125-14:30"`), `offset` is that of its last
    /// byte, so it is always in `0..<count` and can be added to the value's position in the
    /// message.
    case invalidCharacter(offset: Int)
    /// The value is well formed but does not fit the representation: a decimal mantissa beyond
    /// `Int64`, more than 18 significant fraction digits, more than 9 fraction digits of a second.
    case overflow
    /// The value is well formed but names something impossible: month 13, 30 February,
    /// second 61, or an instant outside the range of ``FixTimestamp``.
    case outOfRange
}
