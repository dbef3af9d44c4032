package dev.cnbfarm.itests.farm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Where the JVMs of a farm come from: this JDK's {@code java} and the classpaths Maven built. */
final class JavaProcesses {
  private JavaProcesses() {}

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The itests' test classpath, written by the dependency plugin (see the pom), with our classes. */
  static String testClasspath() {
    Path file = Path.of("target", "test.classpath").toAbsolutePath();
    try {
      return Files.readString(file).trim() + ":" + Path.of("target", "test-classes").toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException("no " + file + ": run the itests through mvn verify", e);
    }
  }

  /** The CLI's jar and lib dir as {@code -am} packages them, else the test classpath (it holds the CLI). */
  static String cliClasspath() {
    Path target = Path.of("").toAbsolutePath().getParent().resolve("cli/target");
    Path jar = target.resolve("cnbfarm-cli.jar");
    if (Files.isRegularFile(jar) && Files.isDirectory(target.resolve("lib"))) {
      return jar + ":" + target.resolve("lib") + "/*";
    }
    return testClasspath();
  }

  /** Runs a short command to its end; fails with its output when it does not exit 0 in time. */
  static String run(List<String> command, Duration timeout) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(command.get(command.size() - 1) + " did not end in " + timeout);
      }
      String text = new String(out);
      if (p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command.subList(Math.max(0, command.size() - 3),
            command.size())) + " exited " + p.exitValue() + ": " + text);
      }
      return text;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Stops {@code process} and every process under it: SIGTERM, then SIGKILL after {@code grace}. */
  static void stopTree(ProcessHandle process, Duration grace) {
    List<ProcessHandle> tree = process.descendants().toList();
    process.destroy();
    try {
      process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception timedOut) {
      process.destroyForcibly();
    }
    tree.forEach(ProcessHandle::destroyForcibly);
  }
}
