package dev.cnbfarm.image.sandbox;

/**
 * Receives a sandboxed process's output one line at a time, without the line terminator, as it is
 * produced. Called from a pump thread owned by the sandbox (one per stream); implementations must
 * be thread-safe if shared between stdout and stderr, and should not block for long.
 */
@FunctionalInterface
public interface LineSink {

  void line(String line);

  /** A sink that drops everything. */
  static LineSink discard() {
    return line -> {};
  }
}
