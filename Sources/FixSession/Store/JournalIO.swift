#if canImport(Glibc)
import Glibc
#endif
import FixTransport

/// The few POSIX calls the file store makes, with EINTR retries and short-transfer loops, so
/// the store's logic reads as logic. Failures come back as ``Errno`` for typed errors.
///
/// No Foundation: these run on the session's I/O thread.
enum JournalIO {
    /// Opens (creating if missing, mode 0600) `path` for reading and writing. Not `O_APPEND`:
    /// Linux ignores the offset of `pwrite` on an `O_APPEND` descriptor, and the store must be
    /// able to overwrite a torn tail left by a failed write.
    static func openReadWrite(_ path: String, truncate: Bool = false) -> Result<Int32, Errno> {
        let flags = O_RDWR | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0)
        while true {
            let fd = open(path, flags, 0o600)
            if fd >= 0 { return .success(fd) }
            if errno != EINTR { return .failure(Errno(errno)) }
        }
    }

    /// Takes an exclusive `flock` (non-blocking, briefly retried). `flock` locks belong to the open file
    /// description, so a second open of the same file (another process, or this one) fails
    /// with `EWOULDBLOCK`, and the kernel releases the lock when the process dies.
    ///
    /// A lock still held for up to ≈ 100 ms is waited for: a child process forked by another
    /// thread (posix_spawn) shares our descriptors until its exec closes them (O_CLOEXEC), so a
    /// store closed and reopened in that window would otherwise see its own lock as taken.
    static func lockExclusive(_ fd: Int32) -> Errno? {
        var attempts = 0
        while true {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return nil }
            let error = errno
            if error == EINTR { continue }
            guard error == EWOULDBLOCK, attempts < 50 else { return Errno(error) }
            attempts += 1
            usleep(2_000)
        }
    }

    /// Whether `fd` is still the file that `path` names (same device and inode). A file
    /// replaced by a compaction's rename after we opened it but before we locked it fails.
    static func isSameFile(_ fd: Int32, _ path: String) -> Bool {
        var a = stat()
        var b = stat()
        guard fstat(fd, &a) == 0, stat(path, &b) == 0 else { return false }
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino
    }

    static func fileSize(_ fd: Int32) -> Result<Int, Errno> {
        var s = stat()
        return fstat(fd, &s) == 0 ? .success(Int(s.st_size)) : .failure(Errno(errno))
    }

    /// Writes all `count` bytes at `offset`.
    @inline(__always)
    static func writeAll(_ fd: Int32, _ p: UnsafeRawPointer, count: Int, at offset: Int) -> Errno? {
        var done = 0
        while done < count {
            let n = pwrite(fd, p + done, count - done, off_t(offset + done))
            if n > 0 {
                done += n
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                // n == 0 cannot make progress; report it as an I/O error rather than spin.
                return Errno(n == 0 ? EIO : errno)
            }
        }
        return nil
    }

    /// Reads up to `count` bytes at `offset`, stopping early only at end of file.
    /// - Returns: the number of bytes read.
    static func readFully(_ fd: Int32, _ p: UnsafeMutableRawPointer, count: Int, at offset: Int) -> Result<Int, Errno> {
        var done = 0
        while done < count {
            let n = pread(fd, p + done, count - done, off_t(offset + done))
            if n > 0 {
                done += n
            } else if n == 0 {
                break
            } else if errno != EINTR {
                return .failure(Errno(errno))
            }
        }
        return .success(done)
    }

    /// `fdatasync`: the data and the size reach stable storage (other metadata such as mtime
    /// may not, which recovery does not need).
    static func syncData(_ fd: Int32) -> Errno? {
        while true {
            if fdatasync(fd) == 0 { return nil }
            if errno != EINTR { return Errno(errno) }
        }
    }

    /// `fsync`: data and all metadata.
    static func syncAll(_ fd: Int32) -> Errno? {
        while true {
            if fsync(fd) == 0 { return nil }
            if errno != EINTR { return Errno(errno) }
        }
    }

    static func truncate(_ fd: Int32, to length: Int) -> Errno? {
        while true {
            if ftruncate(fd, off_t(length)) == 0 { return nil }
            if errno != EINTR { return Errno(errno) }
        }
    }

    /// Closes `fd`. EINTR is not retried: on Linux the descriptor is released either way.
    static func closeFile(_ fd: Int32) {
        _ = close(fd)
    }

    /// Makes a creation, rename or unlink inside the directory holding `path` durable, by
    /// fsyncing the directory.
    static func syncDirectory(containing path: String) -> Errno? {
        let fd = open(directory(of: path), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return Errno(errno) }
        defer { close(fd) }
        return syncAll(fd)
    }

    /// The directory part of `path` (`.` when there is none).
    static func directory(of path: String) -> String {
        guard let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        if slash == path.utf8.startIndex { return "/" }
        return String(path[..<slash])
    }

    /// Removes `path`; a missing file is not an error.
    static func removeIfPresent(_ path: String) -> Errno? {
        if unlink(path) == 0 || errno == ENOENT { return nil }
        return Errno(errno)
    }

    static func rename(_ from: String, to: String) -> Errno? {
        Glibc.rename(from, to) == 0 ? nil : Errno(errno)
    }
}
