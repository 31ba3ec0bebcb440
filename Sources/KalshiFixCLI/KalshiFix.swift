import ArgumentParser

/// `kalshi-fix`: the engine's command-line entry point.
@main
struct KalshiFix: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kalshi-fix",
        abstract: "A FIX-first, low-latency trading engine for Kalshi.",
        discussion: """
        Prices on the command line are cents (1-99) unless a command says otherwise; quantities \
        are contracts; times are seconds. Secrets (private keys, passphrases) are read from files \
        or environment variables and never printed.
        """,
        subcommands: [DemoCommand.self, SimCommand.self, BenchCommand.self, OrderCommand.self, BookCommand.self, DropCopyCommand.self, DecodeCommand.self],
        defaultSubcommand: nil
    )
}
