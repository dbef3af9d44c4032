package dev.cnbfarm.lifecycle.exec;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs executables as local child processes with exactly the given env, stderr merged into stdout
 * (as the reference lifecycle does), output capped at {@link #MAX_OUTPUT} bytes, and the time limit
 * enforced by killing the process tree. Stateless and thread-safe.
 */
public final class ProcessBinaryRunner implements BinaryRunner {
  /** Output beyond this is dropped (and said so): a runaway module cannot exhaust memory. */
  public static final int MAX_OUTPUT = 1 << 20;

  @Override
  public Execution run(Invocation inv) {
    List<String> argv = new ArrayList<>();
    argv.add(inv.executable().toString());
    argv.addAll(inv.args());
    ProcessBuilder pb = new ProcessBuilder(argv).directory(inv.workDir().toFile()).redirectErrorStream(true);
    pb.environment().clear();
    pb.environment().putAll(inv.env());
    long start = System.nanoTime();
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return new Execution(-1, "", Duration.ZERO, e.getMessage());
    }
    try {
      p.getOutputStream().close();
      OutputCollector out = new OutputCollector(p.getInputStream());
      out.start();
      boolean done = p.waitFor(inv.timeout().toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor();
      }
      out.join();
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      String text = out.text() + (done ? "" : "\n[cnbfarm] killed after the time limit of " + inv.timeout());
      return new Execution(done ? p.exitValue() : -1, text, took, done ? "" : "timed out after " + inv.timeout());
    } catch (InterruptedException e) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      return new Execution(-1, "", Duration.ofNanos(System.nanoTime() - start), "interrupted");
    } catch (IOException e) {
      return new Execution(-1, "", Duration.ofNanos(System.nanoTime() - start), e.getMessage());
    }
  }

  /** Drains a stream on its own thread, keeping the first {@link #MAX_OUTPUT} bytes. */
  private static final class OutputCollector extends Thread {
    private final InputStream in;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long dropped;

    OutputCollector(InputStream in) {
      super("cnbfarm-output");
      setDaemon(true);
      this.in = in;
    }

    @Override
    public void run() {
      byte[] buf = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(buf)) >= 0) {
          int keep = Math.max(0, Math.min(n, MAX_OUTPUT - kept.size()));
          kept.write(buf, 0, keep);
          dropped += n - keep;
        }
      } catch (IOException e) {
        // the process went away; what was read is kept
      }
    }

    String text() {
      String s = kept.toString(StandardCharsets.UTF_8);
      return dropped == 0 ? s : s + "\n[cnbfarm] output truncated: " + dropped + " more bytes";
    }
  }
}
