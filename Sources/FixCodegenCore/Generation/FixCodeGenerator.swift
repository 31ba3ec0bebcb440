import Foundation

/// The whole pipeline: XML → ``FixDictionary`` → ``ResolvedDictionary`` → Swift files.
public enum FixCodeGenerator {
    /// Generates the Swift files for the dictionary at `input` into `outputDirectory`.
    /// Files are rewritten only when their content changes, so unchanged output does not
    /// trigger recompilation.
    public static func run(input: URL, outputDirectory: URL, runtimeModule: String?) throws {
        let dictionary = try FixDictionaryParser.parse(contentsOf: input)
        let resolved: ResolvedDictionary
        do { resolved = try ResolvedDictionary(dictionary) } catch let error as FixDictionaryError {
            throw FixDictionaryError("\(input.lastPathComponent): \(error.message)", line: error.line)
        }
        let renderer = FixSwiftRenderer(resolved, options: .init(runtimeModule: runtimeModule, sourceName: input.lastPathComponent))
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        for (name, text) in renderer.render() {
            let url = outputDirectory.appendingPathComponent(name)
            let data = Data(text.utf8)
            if let existing = try? Data(contentsOf: url), existing == data { continue }
            try data.write(to: url, options: .atomic)
        }
    }
}
