package dev.cnbfarm.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs a host program for a benchmark and waits for it: output (stdout and stderr merged) goes
 * to a log file, and a non-zero exit fails with the log's tail. Stateless.
 */
final class HostCommand {
  private HostCommand() {}

  /** Runs {@code argv}, logging to {@code log}; returns the output. */
  static String run(List<String> argv, Path log) {
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      int code;
      try {
        code = p.waitFor();
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted: " + String.join(" ", argv), e);
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      if (code != 0) {
        throw new IllegalStateException(String.join(" ", argv) + " exited " + code + ":\n" + tail(output));
      }
      return output;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + argv.get(0), e);
    }
  }

  static boolean onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  private static String tail(String output) {
    String[] lines = output.split("\n");
    int from = Math.max(0, lines.length - 30);
    return String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
  }
}
