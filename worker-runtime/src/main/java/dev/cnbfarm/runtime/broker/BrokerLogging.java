package dev.cnbfarm.runtime.broker;

/**
 * Keeps the embedded broker quiet: a one-shot build prints its own progress, not the broker's
 * INFO lines. Where the JVM logs through slf4j-simple (the CLI), the broker's loggers are set to
 * ERROR and the clients' to WARN unless the user set a level for them; other backends are configured by their own files.
 * Stateless.
 */
final class BrokerLogging {
  private static final String PREFIX = "org.slf4j.simpleLogger.log.";
  /** The server's own loggers: ERROR (its WARNs, such as the first controller activation, are expected here). */
  private static final String[] SERVER = {"kafka", "state.change.logger", "org.apache.kafka.controller",
      "org.apache.kafka.raft", "org.apache.kafka.server", "org.apache.kafka.metadata", "org.apache.kafka.image",
      "org.apache.kafka.storage", "org.apache.kafka.coordinator", "org.apache.kafka.queue"};

  private BrokerLogging() {}

  static void quiet() {
    for (String logger : SERVER) {
      setIfAbsent(logger, "error");
    }
    // the clients' INFO lines (every config dump) too; their WARNs stay
    setIfAbsent("org.apache.kafka", "warn");
  }

  private static void setIfAbsent(String logger, String level) {
    if (System.getProperty(PREFIX + logger) == null) {
      System.setProperty(PREFIX + logger, level);
    }
  }
}
