import Foundation
import PackagePlugin

/// Runs `fix-codegen` over a FIX dictionary before the target compiles, and compiles the
/// generated Swift into the target.
///
/// Which dictionary: a target that keeps its own `fixture-dictionary.xml` in its folder
/// (tests do) gets that one, rendered against `import FixCodec`; every other target gets the
/// package's `spec/fix-dictionary-1.03.xml`, rendered as part of FixCodec itself.
/// The XML is a declared input, so editing it regenerates on the next build.
@main
struct FixCodegenPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let fixture = target.directoryURL.appending(path: "fixture-dictionary.xml")
        let spec = context.package.directoryURL.appending(path: "spec/fix-dictionary-1.03.xml")
        let usesFixture = FileManager.default.fileExists(atPath: fixture.path)
        let input = usesFixture ? fixture : spec
        guard FileManager.default.fileExists(atPath: input.path) else {
            throw PluginError.missingDictionary(target: target.name, path: input.path)
        }
        let output = context.pluginWorkDirectoryURL.appending(path: "generated")
        var arguments = [input.path, output.path]
        if usesFixture { arguments += ["--runtime-module", "FixCodec"] }
        return [
            .buildCommand(
                displayName: "Generating FIX codec for \(target.name) from \(input.lastPathComponent)",
                executable: try context.tool(named: "fix-codegen").url,
                arguments: arguments,
                inputFiles: [input],
                outputFiles: ["FixTags.swift", "FixEnums.swift", "FixMessages.swift", "FixDictionaryInfo.swift"]
                    .map { output.appending(path: $0) }
            )
        ]
    }
}

enum PluginError: Error, CustomStringConvertible {
    case missingDictionary(target: String, path: String)

    var description: String {
        switch self {
        case .missingDictionary(let target, let path):
            return "FixCodegenPlugin: target \(target) needs a FIX dictionary at \(path); add it or remove the plugin from the target"
        }
    }
}
