package dev.cnbfarm.cli.console;

import picocli.CommandLine.Option;

/** {@code -h} / {@code --help} for every command: print its usage and exit 0 (a picocli mixin). */
public final class HelpFlag {
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this help and exit")
  boolean help;
}
