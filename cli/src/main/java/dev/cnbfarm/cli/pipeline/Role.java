package dev.cnbfarm.cli.pipeline;

import java.util.Locale;

/** The pipeline's worker roles (design.md §2), each a consumer group of its own. */
public enum Role {
  DETECT("detect"),
  EXTEND_BUILD("extend-build"),
  EXTEND_RUN("extend-run"),
  EXPORT("export");

  private final String phase;

  Role(String phase) {
    this.phase = phase;
  }

  /** The phase name: in events, logs, metrics and the consumer group {@code <prefix>-<phase>}. */
  public String phase() {
    return phase;
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
