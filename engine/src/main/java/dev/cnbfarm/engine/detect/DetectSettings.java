package dev.cnbfarm.engine.detect;

import java.time.Duration;

/**
 * The operator's settings for detect ({@code CNBFARM_DETECT_PARALLELISM}, {@code
 * CNBFARM_DETECT_TIMEOUT}), read once by the composition root. Immutable.
 *
 * @param parallelism how many {@code /bin/detect} run at once
 * @param timeout the limit of one {@code /bin/detect} or {@code /bin/generate}
 */
public record DetectSettings(int parallelism, Duration timeout) {
  public DetectSettings {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be positive, got " + parallelism);
    }
  }
}
