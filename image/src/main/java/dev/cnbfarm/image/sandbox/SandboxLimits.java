package dev.cnbfarm.image.sandbox;

import dev.cnbfarm.image.rootfs.ByteSize;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Per-step resource bounds, enforced with a cgroup per sandboxed run (see {@link StepCgroup}).
 * Immutable.
 *
 * @param pids the most processes and threads a step may have at once ({@code pids.max})
 * @param memoryBytes the memory (page cache included, no swap) a step may use; empty: unlimited
 * @param cpus CPU time per wall second, e.g. {@code 1.5}; empty: unlimited
 * @param diskBytes the most a step may add to the disk through its writable tree (the overlay's
 *     upper dir, a plain-directory root, the read-write binds), enforced by a {@link DiskWatchdog}
 *     since the host has no project quota; empty: unlimited
 */
public record SandboxLimits(
    long pids, OptionalLong memoryBytes, OptionalDouble cpus, OptionalLong diskBytes) {
  public static final String PIDS = "CNBFARM_SANDBOX_PIDS";
  public static final String MEMORY = "CNBFARM_SANDBOX_MEMORY";
  public static final String CPUS = "CNBFARM_SANDBOX_CPUS";
  public static final String DISK = "CNBFARM_SANDBOX_DISK";
  public static final long DEFAULT_PIDS = 4096;
  public static final long DEFAULT_DISK = 10L << 30;

  public static final SandboxLimits DEFAULT =
      new SandboxLimits(DEFAULT_PIDS, OptionalLong.empty(), OptionalDouble.empty());

  /** Limits with the default disk budget of {@value #DEFAULT_DISK} bytes (10g). */
  public SandboxLimits(long pids, OptionalLong memoryBytes, OptionalDouble cpus) {
    this(pids, memoryBytes, cpus, OptionalLong.of(DEFAULT_DISK));
  }

  public SandboxLimits {
    if (pids < 1) {
      throw new IllegalArgumentException("pids limit must be positive: " + pids);
    }
    if (memoryBytes == null || cpus == null || diskBytes == null) {
      throw new IllegalArgumentException("use OptionalLong/OptionalDouble.empty() for no limit");
    }
    if (diskBytes.isPresent() && diskBytes.getAsLong() < 1 << 20) {
      throw new IllegalArgumentException("disk limit below 1 MiB: " + diskBytes.getAsLong());
    }
    if (memoryBytes.isPresent() && memoryBytes.getAsLong() < 1 << 20) {
      throw new IllegalArgumentException("memory limit below 1 MiB: " + memoryBytes.getAsLong());
    }
    if (cpus.isPresent() && !(cpus.getAsDouble() >= 0.01)) {
      throw new IllegalArgumentException("cpu limit below 0.01: " + cpus.getAsDouble());
    }
  }

  /**
   * Reads {@value #PIDS} (default {@value #DEFAULT_PIDS}), {@value #MEMORY} (bytes with an optional
   * {@code k}/{@code m}/{@code g} suffix; unset: unlimited), {@value #CPUS} (unset: unlimited) and
   * {@value #DISK} (a size of at least {@code 1m}; unset: 10g; {@code 0}: unlimited).
   *
   * @throws IllegalArgumentException naming every bad setting at once
   */
  public static SandboxLimits fromEnv(Map<String, String> env) {
    List<String> bad = new ArrayList<>();
    long pids = DEFAULT_PIDS;
    OptionalLong memory = OptionalLong.empty();
    OptionalDouble cpus = OptionalDouble.empty();
    OptionalLong disk = OptionalLong.of(DEFAULT_DISK);
    String value = env.getOrDefault(PIDS, "").strip();
    if (!value.isEmpty()) {
      try {
        pids = Long.parseLong(value);
        if (pids < 1) {
          bad.add(PIDS + "=" + value + " (must be a positive number)");
        }
      } catch (NumberFormatException e) {
        bad.add(PIDS + "=" + value + " (must be a positive number)");
      }
    }
    value = env.getOrDefault(MEMORY, "").strip();
    if (!value.isEmpty()) {
      long bytes = parseBytes(value);
      if (bytes < 1 << 20) {
        bad.add(MEMORY + "=" + value + " (a size of at least 1m, e.g. 4g)");
      } else {
        memory = OptionalLong.of(bytes);
      }
    }
    value = env.getOrDefault(CPUS, "").strip();
    if (!value.isEmpty()) {
      try {
        double parsed = Double.parseDouble(value);
        if (!(parsed >= 0.01) || Double.isInfinite(parsed)) {
          bad.add(CPUS + "=" + value + " (a number of CPUs of at least 0.01)");
        } else {
          cpus = OptionalDouble.of(parsed);
        }
      } catch (NumberFormatException e) {
        bad.add(CPUS + "=" + value + " (a number of CPUs, e.g. 1.5)");
      }
    }
    value = env.getOrDefault(DISK, "").strip();
    if (!value.isEmpty()) {
      long bytes = parseBytes(value);
      if (bytes == 0) {
        disk = OptionalLong.empty();
      } else if (bytes < 1 << 20) {
        bad.add(DISK + "=" + value + " (a size of at least 1m, e.g. 10g, or 0 for no bound)");
      } else {
        disk = OptionalLong.of(bytes);
      }
    }
    if (!bad.isEmpty()) {
      throw new IllegalArgumentException("bad sandbox settings: " + String.join(", ", bad));
    }
    return new SandboxLimits(pids < 1 ? DEFAULT_PIDS : pids, memory, cpus, disk);
  }

  /** {@code 4g}, {@code 512m}, {@code 100k} or plain bytes ({@link ByteSize}); -1 if unparsable. */
  static long parseBytes(String text) {
    return ByteSize.parse(text).orElse(-1);
  }

  /** The size as written in settings, e.g. {@code 64m}. */
  static String describeBytes(long bytes) {
    if (bytes % (1L << 30) == 0) {
      return bytes / (1L << 30) + "g";
    }
    if (bytes % (1L << 20) == 0) {
      return bytes / (1L << 20) + "m";
    }
    return bytes + " bytes";
  }
}
