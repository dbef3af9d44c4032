package dev.cnbfarm.itests.farm;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code cnbfarm worker ...} JVM ({@code dev.cnbfarm.cli.Main}, the CLI's jar and lib), its
 * output (stdout and stderr) appended to a file. Stopped by PID: {@link #terminate()} (SIGTERM, a
 * graceful stop) or {@link #kill()} (SIGKILL); both wait until the process and every process it had
 * started (the sandbox's bwrap and what runs in it) are gone. Not thread-safe.
 */
public final class WorkerProcess implements AutoCloseable {
  private static final Duration GONE = Duration.ofSeconds(30);
  private final String name;
  private final Path output;
  private final Process process;

  private WorkerProcess(String name, Path output, Process process) {
    this.name = name;
    this.output = output;
    this.process = process;
  }

  /**
   * Starts {@code cnbfarm worker <args>} with {@code env} over this JVM's env; returns once it printed
   * its start line (its loops are subscribed).
   */
  public static WorkerProcess start(String name, Path dir, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of(JavaProcesses.java(), "-Xmx384m", "-XX:TieredStopAtLevel=1",
        "-Dorg.apache.avro.SERIALIZABLE_PACKAGES=dev.cnbfarm.schemas", "-cp", JavaProcesses.cliClasspath(),
        "dev.cnbfarm.cli.Main", "worker"));
    command.addAll(List.of(args));
    // a restart under the same name gets a file of its own, so waiting for its start line waits for it
    Path output = dir.resolve(name + ".log");
    for (int n = 2; Files.exists(output); n++) {
      output = dir.resolve(name + "-" + n + ".log");
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
    builder.environment().putAll(env);
    WorkerProcess worker;
    try {
      worker = new WorkerProcess(name, output, builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      worker.awaitOutput("cnbfarm worker ", Duration.ofSeconds(60));
      return worker;
    } catch (RuntimeException e) {
      worker.close();
      throw e;
    }
  }

  /** The name it was started as (its {@code CNBFARM_INSTANCE}). */
  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** What the worker printed so far. */
  public String output() {
    try {
      return Files.exists(output) ? Files.readString(output) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Waits until the output contains {@code text}; fails early when the worker exits. */
  public void awaitOutput(String text, Duration timeout) {
    await(name + " to print '" + text + "'").atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
      if (output().contains(text)) {
        return true;
      }
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited " + process.exitValue() + ":\n" + tail());
      }
      return false;
    });
  }

  /** The last lines of the output, for a failure message. */
  /** Waits until the worker's consumer logs a non-empty partition assignment (WorkerLoop's "assigned [...]"). */
  public void awaitAssigned(Duration timeout) {
    awaitOutput("assigned [cnbfarm.", timeout);
  }

  public String tail() {
    List<String> lines = output().lines().toList();
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
  }

  /** SIGTERM: the worker finishes or gives back its record and exits; waits for it and its children. */
  public int terminate() {
    return stop(false);
  }

  /** SIGKILL, as a crash: waits until it and its children are gone. */
  public void kill() {
    stop(true);
  }

  private int stop(boolean kill) {
    List<ProcessHandle> tree = process.descendants().toList();
    if (kill) {
      process.destroyForcibly();
    } else {
      process.destroy();
    }
    try {
      if (!process.waitFor(GONE.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(name + " did not exit within " + GONE + " of SIG" + (kill ? "KILL" : "TERM"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    // a crash must take the sandbox down at once (pdeathsig), not when its step would have ended
    Duration children = kill ? Duration.ofSeconds(5) : GONE;
    await(name + "'s child processes " + tree + " to be gone").atMost(children).pollInterval(Duration.ofMillis(200))
        .until(() -> tree.stream().noneMatch(ProcessHandle::isAlive));
    return process.exitValue();
  }

  /** Kills what is still running, by PID, without asserting anything. */
  @Override
  public void close() {
    if (process.isAlive()) {
      List<ProcessHandle> tree = process.descendants().toList();
      process.destroyForcibly();
      tree.forEach(ProcessHandle::destroyForcibly);
      try {
        process.waitFor(GONE.toSeconds(), TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + ")";
  }
}
