package dev.cnbfarm.detect;

import dev.cnbfarm.engine.detect.DetectSettings;
import dev.cnbfarm.engine.extend.ExtendWorkspace;
import dev.cnbfarm.image.rootfs.LocalCache;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The detect worker's composition (style.md §4 "Main"), without Kafka: the one place its handler
 * is built from the process's adapters, for {@code cnbfarm worker detect} and the one-shot build.
 * Its settings are the ones {@code cnbfarm lifecycle detector} reads, with the same defaults
 * ({@link #settings(Map)}). Stateless.
 */
public final class DetectWorker {
  /** How many {@code /bin/detect} run at once for one build. */
  public static final String PARALLELISM = "CNBFARM_DETECT_PARALLELISM";

  /** The limit of one {@code /bin/detect} or {@code /bin/generate}, an ISO-8601 duration. */
  public static final String TIMEOUT = "CNBFARM_DETECT_TIMEOUT";

  static final int DEFAULT_PARALLELISM = 8;
  static final String DEFAULT_TIMEOUT = "PT10M";

  private DetectWorker() {}

  /** The handler over {@code store} and the process's rootfs cache. */
  public static DetectHandler handler(ImageStore store, LocalCache cache, Path workRoot, DetectSettings settings) {
    return handler(store, new ExtendWorkspace(cache), workRoot, settings);
  }

  /**
   * The handler over {@code store} and {@code workspace} (whose rootfs cache holds the builders'
   * unpacked layers).
   *
   * @param workRoot this worker's dir for per-build work dirs and extracted builder trees; only a
   *     cache (deleting it loses nothing but time), not shared with another worker kind
   */
  public static DetectHandler handler(ImageStore store, ExtendWorkspace workspace, Path workRoot,
      DetectSettings settings) {
    return new DetectHandler(store, workspace, workRoot, settings);
  }

  /**
   * {@value #PARALLELISM} (default 8) and {@value #TIMEOUT} (default {@code PT10M}) from {@code
   * env}; every bad value is named at once (INVALID_ARGS, exit 3).
   */
  public static DetectSettings settings(Map<String, String> env) {
    List<String> bad = new ArrayList<>();
    int parallelism = DEFAULT_PARALLELISM;
    String p = env.getOrDefault(PARALLELISM, Integer.toString(DEFAULT_PARALLELISM));
    try {
      parallelism = Integer.parseInt(p.trim());
    } catch (NumberFormatException e) {
      parallelism = 0;
    }
    if (parallelism < 1) {
      bad.add(PARALLELISM + "='" + p + "' is not a positive integer");
    }
    Duration timeout = null;
    String t = env.getOrDefault(TIMEOUT, DEFAULT_TIMEOUT);
    try {
      timeout = Duration.parse(t.trim());
      if (timeout.isNegative() || timeout.isZero()) {
        bad.add(TIMEOUT + "='" + t + "' is not a positive duration");
      }
    } catch (DateTimeParseException e) {
      bad.add(TIMEOUT + "='" + t + "' is not an ISO-8601 duration like PT30M");
    }
    if (!bad.isEmpty()) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, String.join("; ", bad));
    }
    return new DetectSettings(parallelism, timeout);
  }
}
