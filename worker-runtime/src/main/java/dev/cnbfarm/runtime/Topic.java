package dev.cnbfarm.runtime;

/**
 * The pipeline's topics (design.md §2), without their prefix. Every record is keyed by the build
 * id (UTF-8), so one build's events stay in order on one partition; each input topic has a {@code
 * .dlq} twin for poison records. Immutable.
 */
public enum Topic {
  REQUESTED("build.requested.v1"),
  DETECTED("build.detected.v1"),
  BUILT("build.built.v1"),
  RUN_READY("run.ready.v1"),
  EXPORTED("build.exported.v1"),
  FAILED("build.failed.v1"),
  LOGS("build.logs.v1");

  private final String suffix;

  Topic(String suffix) {
    this.suffix = suffix;
  }

  /** The topic's name under {@code prefix} ({@code cnbfarm} by default). */
  public String name(String prefix) {
    return prefix + "." + suffix;
  }

  /** The name of its dead-letter twin under {@code prefix}. */
  public String dlq(String prefix) {
    return name(prefix) + ".dlq";
  }
}
