package dev.cnbfarm.cli.console;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import java.io.PrintStream;
import java.util.Optional;

/**
 * What a command tells the one failure mapper ({@link Failures}): where its {@code ERROR:} lines go,
 * its exit codes, and how it words a usage error. Commands that do not implement it print to the
 * standard output, with exit 3 for a usage error and 1 for a failure.
 */
public interface FailurePolicy {
  /** Where this command prints its {@code ERROR:} lines. */
  PrintStream errors();

  /** The command as "{@code <name> failed: ...}" names it. */
  String name();

  /** The exit code of a failure that is not a {@code LifecycleException} (a bug, an I/O or store error). */
  int failureExit();

  /** The exit code of a usage error (an unknown flag, a missing or extra argument). */
  default int usageExit() {
    return FailureCode.INVALID_ARGS.exitCode();
  }

  /** When present, every failure prints as {@code <context>: <message>} with {@link #failureExit()}. */
  default Optional<String> context() {
    return Optional.empty();
  }

  /** Runs before the {@code ERROR:} line is printed (a phase prints its held debug lines). */
  default void beforeError() {}

  /** The message for a flag this command does not define. */
  default String unknownFlag(String arg) {
    return "unknown flag " + arg;
  }

  /** The message for a flag given without its value. */
  default String needsValue(String flag) {
    return flag + " needs a value";
  }
}
