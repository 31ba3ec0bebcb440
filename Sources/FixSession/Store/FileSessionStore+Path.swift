extension FileSessionStore {
    /// The journal path for a session: `<directory>/<SenderCompID>_<TargetCompID>.fixjournal`.
    ///
    /// Bytes other than ASCII letters, digits, `.` and `-` are percent-encoded (`/` → `%2F`,
    /// `_` → `%5F`), so any pair of IDs gives a file name inside `directory`, and different
    /// pairs give different names (the `_` separator never occurs inside an encoded ID).
    public static func journalPath(directory: String, senderCompID: String, targetCompID: String) -> String {
        var dir = directory.isEmpty ? "." : directory
        while dir.count > 1 && dir.hasSuffix("/") { dir.removeLast() }
        let separator = dir == "/" ? "" : "/"
        return dir + separator + encode(senderCompID) + "_" + encode(targetCompID) + ".fixjournal"
    }

    private static func encode(_ id: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(id.utf8.count)
        for b in id.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"):
                out.append(b)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
