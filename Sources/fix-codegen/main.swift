// fix-codegen: renders Swift from a QuickFIX-style dictionary. Run by FixCodegenPlugin at build time.
//
//   fix-codegen <dictionary.xml> <output-directory> [--runtime-module FixCodec]
import FixCodegenCore
import Foundation

var arguments = Array(CommandLine.arguments.dropFirst())
var runtimeModule: String?
if let i = arguments.firstIndex(of: "--runtime-module"), i + 1 < arguments.count {
    runtimeModule = arguments[i + 1]
    arguments.removeSubrange(i...(i + 1))
}
guard arguments.count == 2 else {
    FileHandle.standardError.write(Data("usage: fix-codegen <dictionary.xml> <output-directory> [--runtime-module NAME]\n".utf8))
    exit(64)
}
do {
    try FixCodeGenerator.run(input: URL(fileURLWithPath: arguments[0]),
                             outputDirectory: URL(fileURLWithPath: arguments[1]),
                             runtimeModule: runtimeModule)
} catch {
    // "file:line: error:" so the build log points at the XML.
    let line = (error as? FixDictionaryError)?.line.map { ":\($0)" } ?? ""
    FileHandle.standardError.write(Data("\(arguments[0])\(line): error: \(error)\n".utf8))
    exit(1)
}
