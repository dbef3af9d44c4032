package dev.cnbfarm.lifecycle.exec;

/**
 * Runs a module executable ({@code /bin/detect}, {@code /bin/generate}, {@code /bin/build}). The
 * phase command runs them on this machine; workers run them in the image sandbox. Implementations
 * must be thread-safe: detect runs the elements of a group concurrently.
 */
public interface BinaryRunner {
  Execution run(Invocation invocation);
}
