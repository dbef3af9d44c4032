package dev.cnbfarm.cli.pipeline;

import dev.cnbfarm.cli.console.FailurePolicy;
import java.io.PrintStream;

/** What the pipeline commands share: failures print on {@code out} as {@code ERROR: <name> failed: ...}, exit 1. */
abstract class PipelineCommand implements FailurePolicy {
  protected final PrintStream out;
  private final String name;

  PipelineCommand(PrintStream out, String name) {
    this.out = out;
    this.name = name;
  }

  @Override
  public PrintStream errors() {
    return out;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int failureExit() {
    return 1;
  }
}
