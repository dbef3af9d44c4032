package dev.cnbfarm.cli;

import dev.cnbfarm.cli.bench.DetectBenchmark;
import dev.cnbfarm.cli.bench.ExportBenchmark;
import dev.cnbfarm.cli.bench.ExtendBenchmark;
import dev.cnbfarm.cli.bench.RssProbe;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;

/** The {@code cnbfarm} command: runs its command tree ({@link CommandTree}). */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out));
  }

  /** Runs one command line with the given environment and output; returns its exit code. */
  public static int run(String[] args, Map<String, String> env, PrintStream out) {
    return run(args, env, out, System.err);
  }

  /** As {@link #run(String[], Map, PrintStream)}, with the error stream of {@code cnbfarm run}. */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    if (args.length > 0 && args[0].equals("bench")) {
      return bench(Arrays.copyOfRange(args, 1, args.length), out);
    }
    return CommandTree.of(env, out, err).execute(args);
  }

  private static int bench(String[] rest, PrintStream out) {
    if (rest.length > 0 && rest[0].equals("detect")) {
      return new DetectBenchmark(out).run(Arrays.copyOfRange(rest, 1, rest.length));
    }
    if (rest.length > 0 && rest[0].equals("extend")) {
      return new ExtendBenchmark(out).run(Arrays.copyOfRange(rest, 1, rest.length));
    }
    if (rest.length > 0 && rest[0].equals("export")) {
      return new ExportBenchmark(out).run(Arrays.copyOfRange(rest, 1, rest.length));
    }
    if (rest.length > 0 && rest[0].equals("extend-rss")) {
      // hidden: the child JVM of bench extend's peak-RSS measurement
      return RssProbe.child(Arrays.copyOfRange(rest, 1, rest.length), out);
    }
    out.println("ERROR: usage: cnbfarm bench detect|extend|export [flags]");
    return 3;
  }

  static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
