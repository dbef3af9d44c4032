package dev.cnbfarm.image.sandbox;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds the disk one step writes: the host has no project quota (ext4, overlayfs upper dirs on the
 * root filesystem), so while the step runs a daemon thread sums the size of its writable trees and
 * kills the step when the growth over the first sample passes the budget, as confirmed by {@code
 * du -scxB1} (allocated blocks, so sparse files count what they use; hard links once; no symlink
 * followed; no other filesystem entered). It also watches the free space of the filesystems, so a step
 * that fails because the host's disk filled up first says so instead of leaving only ENOSPC in its
 * output.
 *
 * <p>The interval is {@value #MIN_INTERVAL_MS} ms, stretched to ten times the last walk's duration
 * when the trees are large, so the walk takes at most about a tenth of one core. A step cannot
 * outrun the budget by more than what it writes in one interval; the final sample after the step
 * ends catches what a short step wrote between two samples. Thread-safe.
 */
final class DiskWatchdog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DiskWatchdog.class);
  static final long MIN_INTERVAL_MS = 500;
  private static final long MAX_INTERVAL_MS = 10_000;

  /** Free space below which a failed step is said to have filled the disk. */
  static final long LOW_SPACE_BYTES = 64L << 20;

  private static final String BUDGET_SUFFIX = " (" + SandboxLimits.DISK + ")";

  private final Path du;
  private final List<Path> trees;
  private final long budget;
  private final Runnable kill;
  private final Thread thread;
  private final Object lock = new Object();
  private long estimateBaseline = -1;
  private long duBaseline;
  private long peak;
  private long lowestFree = Long.MAX_VALUE;
  private String lowestFreeWhere = "";
  private volatile boolean exceeded;
  private boolean stopped;

  private DiskWatchdog(Path du, List<Path> trees, boolean fresh, long budget, Runnable kill) {
    this.du = du;
    this.duBaseline = fresh ? 0 : -1;
    this.trees = List.copyOf(trees);
    this.budget = budget;
    this.kill = kill;
    this.thread = new Thread(this::watch, "sandbox-disk-watchdog");
    thread.setDaemon(true);
  }

  /**
   * Starts watching {@code trees} (host paths; missing ones are skipped); {@code fresh}: they
   * start empty (a new upper dir), so {@code du} needs no first sample. {@code kill} ends the step
   * (called at most once, from the watchdog thread). With an empty budget only free space is
   * watched, at the end.
   */
  static DiskWatchdog start(
      Path du, List<Path> trees, boolean fresh, OptionalLong budget, Runnable kill) {
    DiskWatchdog dog =
        new DiskWatchdog(du, trees, fresh, budget.isPresent() ? budget.getAsLong() : -1, kill);
    if (dog.budget > 0 && !dog.trees.isEmpty()) {
      dog.thread.start();
    }
    return dog;
  }

  private void watch() {
    long interval = MIN_INTERVAL_MS;
    try {
      while (true) {
        long started = System.nanoTime();
        if (sample()) {
          log.debug("step wrote more than its disk budget of {} bytes, killing", budget);
          kill.run();
          return;
        }
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        interval = Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, took * 10));
        synchronized (lock) {
          if (!stopped) {
            lock.wait(interval);
          }
          if (stopped) {
            return;
          }
        }
      }
    } catch (InterruptedException e) {
      // stopped
    }
  }

  /**
   * Takes one sample; whether the budget is now exceeded. The walk in Java is an upper-bound
   * estimate (sizes rounded up to whole 4 KiB blocks, hard links counted each time); only when it
   * passes the budget does {@code du} confirm with the allocated blocks, so sparse files and hard
   * links never kill a step wrongly, and the common sample forks nothing.
   */
  private boolean sample() throws InterruptedException {
    long estimate = estimate();
    checkFreeSpace();
    long duBase;
    synchronized (lock) {
      if (estimateBaseline < 0) {
        estimateBaseline = estimate;
      }
      peak = Math.max(peak, estimate - estimateBaseline);
      duBase = duBaseline;
    }
    if (duBase < 0) {
      OptionalLong first = allocated();
      duBase = first.isPresent() ? first.getAsLong() : 0;
      synchronized (lock) {
        duBaseline = duBase;
      }
    }
    if (budget <= 0 || estimate - estimateBaseline <= budget) {
      return false;
    }
    OptionalLong used = allocated();
    if (used.isEmpty()) {
      return false;
    }
    synchronized (lock) {
      if (used.getAsLong() - duBase > budget && !exceeded) {
        exceeded = true;
        return true;
      }
      return false;
    }
  }

  /** Sum over the trees of regular files' sizes rounded up to 4 KiB and directories' sizes. */
  private long estimate() {
    long[] sum = {0};
    for (Path tree : trees) {
      try {
        Files.walkFileTree(
            tree,
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                sum[0] += attrs.size();
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                  sum[0] += (attrs.size() + 4095) & ~4095L;
                }
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE; // deleted by the step while walking
              }
            });
      } catch (IOException e) {
        log.debug("cannot walk {}: {}", tree, e.toString());
      }
    }
    return sum[0];
  }

  private OptionalLong allocated() throws InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(du.toString(), "-scxB1", "--"));
    for (Path tree : trees) {
      if (Files.exists(tree)) {
        cmd.add(tree.toString());
      }
    }
    if (cmd.size() == 3) {
      return OptionalLong.empty();
    }
    try {
      Process process =
          new ProcessBuilder(cmd)
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      String output;
      try (InputStream in = process.getInputStream()) {
        output = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
      } finally {
        process.waitFor();
      }
      // "<bytes>\ttotal" is the last line; a file vanishing mid-walk only makes du exit 1.
      String[] lines = output.strip().split("\n");
      String last = lines[lines.length - 1];
      int tab = last.indexOf('\t');
      return tab > 0 && last.endsWith("\ttotal")
          ? OptionalLong.of(Long.parseLong(last.substring(0, tab)))
          : OptionalLong.empty();
    } catch (IOException | NumberFormatException e) {
      log.debug("cannot measure the step's disk use: {}", e.toString());
      return OptionalLong.empty();
    }
  }

  private void checkFreeSpace() {
    for (Path tree : trees) {
      try {
        FileStore store = Files.getFileStore(tree);
        long free = store.getUsableSpace();
        synchronized (lock) {
          if (free < lowestFree) {
            lowestFree = free;
            lowestFreeWhere = tree.toString();
          }
        }
      } catch (IOException e) {
        // a missing tree has no free space to report
      }
    }
  }

  /**
   * Stops the watchdog and takes a last sample (against the first one, which the watchdog thread
   * takes as soon as it starts).
   *
   * @return the phrases for {@link SandboxResult#limitsExceeded()}: the budget if it was passed,
   *     and, when {@code failed}, a host disk that was nearly full
   */
  List<String> finish(boolean failed) throws InterruptedException {
    synchronized (lock) {
      stopped = true;
      lock.notifyAll();
    }
    thread.join(MAX_INTERVAL_MS);
    if (thread.getState() != Thread.State.NEW && !exceeded) {
      sample();
    } else {
      checkFreeSpace();
    }
    List<String> phrases = new ArrayList<>();
    synchronized (lock) {
      if (exceeded) {
        phrases.add(
            "wrote more than "
                + SandboxLimits.describeBytes(budget)
                + " to its layer and writable dirs"
                + BUDGET_SUFFIX);
      }
      if (failed && lowestFree < LOW_SPACE_BYTES) {
        phrases.add(
            "ran out of disk space: the filesystem of "
                + lowestFreeWhere
                + " had "
                + (lowestFree < 1 << 20 ? Math.max(0, lowestFree) + " bytes" : (lowestFree >> 20) + " MiB")
                + " free (ENOSPC)");
      }
    }
    return phrases;
  }

  /** Whether a {@link SandboxResult#limitsExceeded()} phrase is the disk budget's. */
  static boolean isBudgetPhrase(String phrase) {
    return phrase.endsWith(BUDGET_SUFFIX);
  }

  /** Peak growth over the first sample seen so far, in bytes (tests, diagnostics). */
  long peak() {
    synchronized (lock) {
      return peak;
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      stopped = true;
      lock.notifyAll();
    }
    thread.interrupt();
  }
}
