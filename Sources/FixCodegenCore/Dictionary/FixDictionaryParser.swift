import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A problem in the dictionary XML, with the line it is on.
public struct FixDictionaryError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String
    public var line: Int?
    public init(_ message: String, line: Int? = nil) {
        self.message = message
        self.line = line
    }
    public var description: String {
        if let line { return "line \(line): \(message)" }
        return message
    }
}

/// Parses QuickFIX-style dictionary XML (`<fix><header/><trailer/><messages/><components/><fields/></fix>`)
/// into a ``FixDictionary``. Build-time only, so Foundation's XMLParser is fine here.
public enum FixDictionaryParser {
    public static func parse(contentsOf url: URL) throws -> FixDictionary {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw FixDictionaryError("cannot read \(url.path): \(error.localizedDescription)")
        }
        return try parse(data)
    }

    public static func parse(_ data: Data) throws -> FixDictionary {
        let delegate = Delegate()
        let parser = XMLParser(data: data)
        parser.delegate = delegate
        let ok = parser.parse()
        if let error = delegate.error { throw error }
        if !ok {
            throw FixDictionaryError("malformed XML: \(parser.parserError.map { "\($0)" } ?? "unknown error")",
                                     line: parser.lineNumber)
        }
        return delegate.dictionary
    }

    private final class Delegate: NSObject, XMLParserDelegate {
        var dictionary = FixDictionary()
        var error: FixDictionaryError?

        /// Open containers of entries: the section, message, component or groups being read.
        private enum Container {
            case header, trailer, message(FixDictionary.Message), component(FixDictionary.Component)
            case group(FixDictionary.Group)
            case fields, messages, components, root
        }
        private var stack: [Container] = []
        private var currentField: FixDictionary.Field?

        private func fail(_ message: String, _ parser: XMLParser) {
            if error == nil { error = FixDictionaryError(message, line: parser.lineNumber) }
            parser.abortParsing()
        }

        private func required(_ attributes: [String: String], _ parser: XMLParser) -> FixDictionary.Required {
            let raw = attributes["required"] ?? "N"
            guard let r = FixDictionary.Required(rawValue: raw) else {
                fail("required='\(raw)' must be Y, N or C", parser)
                return .no
            }
            return r
        }

        private func append(_ entry: FixDictionary.Entry, _ parser: XMLParser) {
            guard let top = stack.popLast() else { return fail("entry outside any container", parser) }
            switch top {
            case .header: dictionary.header.append(entry); stack.append(top)
            case .trailer: dictionary.trailer.append(entry); stack.append(top)
            case .message(var m): m.entries.append(entry); stack.append(.message(m))
            case .component(var c): c.entries.append(entry); stack.append(.component(c))
            case .group(var g): g.entries.append(entry); stack.append(.group(g))
            default: stack.append(top); fail("field reference in an unexpected place", parser)
            }
        }

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            switch name {
            case "fix":
                let major = attributes["major"] ?? "1", minor = attributes["minor"] ?? "1"
                dictionary.beginString = (attributes["type"] ?? "FIXT") + ".\(major).\(minor)"
                stack.append(.root)
            case "header": stack.append(.header)
            case "trailer": stack.append(.trailer)
            case "messages": stack.append(.messages)
            case "components": stack.append(.components)
            case "fields": stack.append(.fields)
            case "message":
                guard let n = attributes["name"], let t = attributes["msgtype"] else {
                    return fail("<message> needs name and msgtype", parser)
                }
                stack.append(.message(.init(name: n, msgType: t, category: attributes["msgcat"] ?? "app", entries: [])))
            case "component":
                guard let n = attributes["name"] else { return fail("<component> needs a name", parser) }
                if case .components? = stack.last {
                    stack.append(.component(.init(name: n, entries: [])))
                } else {
                    append(.component(name: n, required: required(attributes, parser)), parser)
                }
            case "group":
                guard let n = attributes["name"] else { return fail("<group> needs a name", parser) }
                stack.append(.group(.init(name: n, required: required(attributes, parser), entries: [])))
            case "field":
                if case .fields? = stack.last {
                    guard let num = attributes["number"].flatMap(Int.init), let n = attributes["name"],
                          let t = attributes["type"] else {
                        return fail("<field> definition needs number, name and type", parser)
                    }
                    currentField = .init(number: num, name: n, type: t.uppercased())
                } else {
                    guard let n = attributes["name"] else { return fail("<field> reference needs a name", parser) }
                    append(.field(name: n, required: required(attributes, parser)), parser)
                }
            case "value":
                guard currentField != nil else { return fail("<value> outside a field definition", parser) }
                guard let e = attributes["enum"] else { return fail("<value> needs enum", parser) }
                currentField?.values.append(.init(wire: e, description: attributes["description"] ?? e))
            default:
                fail("unexpected element <\(name)>", parser)
            }
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            switch name {
            case "field":
                if let f = currentField { dictionary.fields.append(f); currentField = nil }
            case "value":
                break
            case "group":
                guard case .group(let g)? = stack.popLast() else { return fail("unbalanced </group>", parser) }
                append(.group(g), parser)
            case "message":
                guard case .message(let m)? = stack.popLast() else { return fail("unbalanced </message>", parser) }
                dictionary.messages.append(m)
            case "component":
                if case .component(let c)? = stack.last {
                    stack.removeLast()
                    dictionary.components.append(c)
                }
            default:
                _ = stack.popLast()
            }
        }

        func parser(_ parser: XMLParser, parseErrorOccurred parseError: Error) {
            if error == nil { error = FixDictionaryError("malformed XML: \(parseError)", line: parser.lineNumber) }
        }
    }
}
