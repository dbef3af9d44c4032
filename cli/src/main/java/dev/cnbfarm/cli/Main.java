package dev.cnbfarm.cli;

import dev.cnbfarm.cli.console.LogFormat;
import java.io.PrintStream;
import java.util.Map;

/** The {@code cnbfarm} command: runs its command tree ({@link CommandTree}). */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    // before any logger exists: the backend of CNBFARM_LOG_FORMAT (text or json)
    LogFormat.choose(System.getenv());
    // Kafka's own lines (config dumps, a shutdown's expected warnings) are not the user's; our errors say what failed
    if (System.getProperty("org.slf4j.simpleLogger.log.org.apache.kafka") == null) {
      System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
    }
    System.exit(run(args, System.getenv(), System.out));
  }

  /** Runs one command line with the given environment and output; returns its exit code. */
  public static int run(String[] args, Map<String, String> env, PrintStream out) {
    return run(args, env, out, System.err);
  }

  /** As {@link #run(String[], Map, PrintStream)}, with the error stream of {@code cnbfarm run}. */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    return CommandTree.of(env, out, err).execute(args);
  }

  public static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
