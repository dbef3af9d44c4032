package dev.cnbfarm.cli.console;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.cnbfarm.runtime.settings.WorkerSettings;
import java.util.ArrayList;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The log lines' format, {@code CNBFARM_LOG_FORMAT}: {@code text} through slf4j-simple (one line
 * per event, its settings in {@code simplelogger.properties}), or {@code json} through logback
 * with its {@code JsonEncoder} ({@code logback.xml}: one JSON object per line with the MDC, so the
 * build id, phase and record of each line are fields). Both backends are on the classpath; SLF4J's
 * {@code slf4j.provider} property picks one, so it is set before the first logger is made.
 * Stateless.
 */
public final class LogFormat {
  static final String PROVIDER = "slf4j.provider";
  static final String VERBOSITY = "slf4j.internal.verbosity";
  static final String TEXT = "org.slf4j.simple.SimpleServiceProvider";
  static final String JSON = "ch.qos.logback.classic.spi.LogbackServiceProvider";

  private LogFormat() {}

  /**
   * Picks the backend {@code env} asks for, unless the JVM was given one ({@code
   * -Dslf4j.provider}); a bad value means text here, and is refused by the worker's settings.
   */
  public static void choose(Map<String, String> env) {
    // SLF4J's own line about an explicitly chosen provider is INFO: keep it off stderr (json lines only)
    if (System.getProperty(VERBOSITY) == null) {
      System.setProperty(VERBOSITY, "WARN");
    }
    if (System.getProperty(PROVIDER) == null) {
      String format = WorkerSettings.LOG_FORMAT.read(env, new ArrayList<>());
      System.setProperty(PROVIDER, format.equals("json") ? JSON : TEXT);
    }
  }

  /** Logs {@code logger}'s INFO lines, whichever backend was picked ({@code cnbfarm worker}). */
  public static void info(String logger) {
    System.setProperty("org.slf4j.simpleLogger.log." + logger, "info");
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logback) {
      logback.getLogger(logger).setLevel(Level.INFO);
    }
  }
}
