package dev.cnbfarm.lifecycle.report;

/**
 * Where phase logic sends its human-readable progress lines. The lifecycle never logs: callers
 * decide what to print (the CLI prints by level; workers forward to the logs topic).
 * Implementations must be thread-safe: detect calls it from several threads.
 */
public interface Reporter {
  void debug(String line);

  void info(String line);

  void warn(String line);

  /** Discards everything. */
  Reporter NONE =
      new Reporter() {
        @Override
        public void debug(String line) {}

        @Override
        public void info(String line) {}

        @Override
        public void warn(String line) {}
      };
}
