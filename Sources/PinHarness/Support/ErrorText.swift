#if canImport(Glibc)
import Glibc
#endif
import Foundation
import PinSystem

/// Any error as one line a person can act on: what failed, where, and what to do. Foundation's
/// errors print as `Error Domain=NSCocoaErrorDomain Code=513 ... UserInfo={...}` or a whole
/// `DecodingError` dump; this gives the path, the system's own words for the errno and a hint
/// ("/tmp/ro/out.tmp: Permission denied; choose a folder you can write to"), and for a decoding
/// error the coding path and the first sentence of its description. The harness uses it where it
/// wraps such an error in a `HarnessError`; the CLI's `ErrorLine` for anything else it meets.
public enum ErrorText {
    /// One line for `error`; `naming` is a path the caller already names, left out when the
    /// error's own path is that path (or its `.tmp`).
    public static func line(_ error: any Error, naming path: String? = nil) -> String {
        switch error {
        case let error as HarnessError: return error.description
        case let error as SystemError: return error.description
        case let error as DecodingError: return decoding(error)
        case let error as EncodingError: return encoding(error)
        case let error as CocoaError: return file(error, naming: path)
        case let error as JSONLinesAppender.AppendError: return error.errno.map { reason(errno: $0) } ?? error.message
        default:
            let bridged = error as NSError
            if bridged.domain == NSCocoaErrorDomain { return file(CocoaError(CocoaError.Code(rawValue: bridged.code), userInfo: bridged.userInfo), naming: path) }
            if bridged.domain == NSPOSIXErrorDomain { return reason(errno: Int32(bridged.code)) }
            return oneLine(String(describing: error))
        }
    }

    /// Whether `error` is a path that cannot be used as given (permissions, a missing folder, a
    /// file where a folder is expected, a name taken, a full disk): bad input or something the
    /// machine lacks, not a failure of the machine while measuring.
    public static func isUnusablePath(_ error: any Error) -> Bool {
        if error is DecodingError { return true }
        guard let code = posixCode(error) else { return false }
        return [EACCES, EPERM, EROFS, ENOTDIR, EISDIR, ENOENT, EEXIST, ENAMETOOLONG, ELOOP, ENOSPC, EDQUOT].contains(code)
    }

    // MARK: - Files

    static func file(_ error: CocoaError, naming named: String?) -> String {
        let path = (error.userInfo[NSFilePathErrorKey] as? String) ?? (error.userInfo[NSURLErrorKey] as? URL)?.path
        let shownPath = path.flatMap { path in named.map { path.hasPrefix($0) } == true ? nil : path }
        let what: String
        if let code = posixCode(error) {
            what = reason(errno: code)
        } else if error.code == .fileReadCorruptFile {
            what = "not a file PinBench can read"
        } else {
            what = (error.isFileError ? "file error " : "error ") + String(error.code.rawValue)
        }
        let operation = named != nil ? "" : error.code.rawValue >= 512 ? "cannot write " : "cannot read "
        return operation + (shownPath.map { "\($0): " } ?? "") + what
    }

    /// The POSIX errno behind a Foundation error: the underlying error's, else the one its code means.
    static func posixCode(_ error: any Error) -> Int32? {
        if let error = error as? JSONLinesAppender.AppendError { return error.errno }
        if error is HarnessError || error is SystemError { return nil }
        let bridged = error as NSError
        if bridged.domain == NSPOSIXErrorDomain { return Int32(bridged.code) }
        guard bridged.domain == NSCocoaErrorDomain else { return nil }
        // On Linux the underlying error is a POSIXError, which `as? NSError` does not match.
        if let underlying = bridged.userInfo[NSUnderlyingErrorKey] as? any Error {
            let posix = underlying as NSError
            if posix.domain == NSPOSIXErrorDomain { return Int32(posix.code) }
        }
        switch CocoaError.Code(rawValue: bridged.code) {
        case .fileNoSuchFile, .fileReadNoSuchFile: return ENOENT
        case .fileReadNoPermission, .fileWriteNoPermission: return EACCES
        case .fileWriteFileExists: return EEXIST
        case .fileWriteOutOfSpace: return ENOSPC
        case .fileWriteVolumeReadOnly: return EROFS
        case .fileReadTooLarge: return EFBIG
        default: return nil
        }
    }

    /// strerror's words and what to do: "Permission denied; choose a folder you can write to".
    static func reason(errno code: Int32) -> String {
        let text = String(cString: strerror(code))
        switch code {
        case EACCES, EPERM: return text + "; choose a folder you can write to, or change its permissions"
        case EROFS: return text + "; choose a folder on a writable file system"
        case ENOTDIR: return text + "; a file stands where a folder is expected: choose another path"
        case EISDIR: return text + "; a folder stands where a file is expected: choose another path"
        case ENOENT: return text + "; check the path (its folder must exist)"
        case EEXIST: return text + "; choose a new name, or remove what is there"
        case ENOSPC, EDQUOT: return text + "; free some space or choose another file system"
        default: return text
        }
    }

    // MARK: - Coding

    static func decoding(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            return "\(place(context.codingPath)): missing key '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            let underlying = (context.underlyingError as NSError?).map { " (\(firstSentence(line($0))))" } ?? ""
            return "\(place(context.codingPath)): \(firstSentence(context.debugDescription))" + underlying
        @unknown default:
            return oneLine(String(describing: error))
        }
    }

    static func encoding(_ error: EncodingError) -> String {
        switch error {
        case .invalidValue(_, let context): return "\(place(context.codingPath)): \(firstSentence(context.debugDescription))"
        @unknown default: return oneLine(String(describing: error))
        }
    }

    /// `at threads[2]`, `at the top level`.
    static func place(_ path: [any CodingKey]) -> String {
        guard !path.isEmpty else { return "at the top level" }
        var text = ""
        for key in path {
            if let index = key.intValue, key.stringValue.hasPrefix("Index") { text += "[\(index)]" } else {
                text += (text.isEmpty ? "" : ".") + key.stringValue
            }
        }
        return "at \(text)"
    }

    /// Up to the first ". " (or the end), without the final period, on one line.
    static func firstSentence(_ text: String) -> String {
        let flat = oneLine(text)
        let end = flat.range(of: ". ").map { flat[..<$0.lowerBound] } ?? Substring(flat)
        return end.hasSuffix(".") ? String(end.dropLast()) : String(end)
    }

    /// `text` with its line breaks (and the spaces around them) made single spaces.
    public static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}
