package dev.gpumem.cli;

import picocli.CommandLine.Option;

/** Options every verb has. */
public final class CommonOptions {
    @Option(names = "--debug", description = "print stack traces of errors")
    boolean debug;
}
