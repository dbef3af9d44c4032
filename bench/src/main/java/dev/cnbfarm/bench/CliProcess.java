package dev.cnbfarm.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code cnbfarm} command as its own JVM, timed as a whole process (from fork to exit, as a
 * user or a farm's scheduler sees it), with its peak RSS: {@code VmHWM} read from {@code
 * /proc/<pid>/status} every {@value #SAMPLE_MS} ms while it runs (the kernel's high-water mark
 * only grows, so the last reading misses at most the final {@value #SAMPLE_MS} ms). It runs the
 * CLI jar {@code ./cnbfarm} runs, with the same JVM flags ({@code CNBFARM_JAVA_OPTS}), but not
 * through the launcher script, whose is-the-jar-stale scan of the tree is a developer's
 * convenience, not the product. Stateless.
 */
final class CliProcess {
  private static final int SAMPLE_MS = 20;

  /** A finished command: wall time, peak RSS in kB (-1 if never read) and its output. */
  record Run(double seconds, long vmHwmKb, String output) {}

  private final Path repo;

  CliProcess(Path repo) {
    this.repo = repo;
  }

  /** The java command line of {@code cnbfarm <args>}. */
  List<String> argv(List<String> args) {
    List<String> argv = new ArrayList<>();
    argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String opt : System.getenv().getOrDefault("CNBFARM_JAVA_OPTS", "").split("\\s+")) {
      if (!opt.isEmpty()) {
        argv.add(opt);
      }
    }
    argv.add("-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.cnbfarm.schemas");
    argv.add("-cp");
    argv.add(repo.resolve("cli/target/cnbfarm-cli.jar") + ":" + repo.resolve("cli/target/lib/*"));
    argv.add("dev.cnbfarm.cli.Main");
    argv.addAll(args);
    return argv;
  }

  /** Runs {@code cnbfarm <args>} with output to {@code log}; a non-zero exit fails with the log. */
  Run run(List<String> args, Path log) {
    List<String> argv = argv(args);
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      long start = System.nanoTime();
      Process p = new ProcessBuilder(argv).directory(repo.toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      Path status = Path.of("/proc", Long.toString(p.pid()), "status");
      long hwm = -1;
      try {
        while (!p.waitFor(SAMPLE_MS, java.util.concurrent.TimeUnit.MILLISECONDS)) {
          hwm = Math.max(hwm, vmHwmKb(status));
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted: cnbfarm " + String.join(" ", args), e);
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      String output = Files.readString(log, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException("cnbfarm " + String.join(" ", args) + " exited " + p.exitValue()
            + " (log: " + log + "):\n" + tail(output));
      }
      return new Run(seconds, hwm, output);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run cnbfarm " + String.join(" ", args), e);
    }
  }

  private static long vmHwmKb(Path status) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.substring(6).replace("kB", "").strip());
        }
      }
    } catch (IOException | UncheckedIOException gone) {
      // the process exited between waitFor and the read
    }
    return -1;
  }

  private static String tail(String output) {
    String[] lines = output.split("\n");
    return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 30), lines.length));
  }
}
