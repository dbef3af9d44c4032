package dev.cnbfarm.engine.build;

import java.time.Duration;

/**
 * The operator's settings for the build ({@code CNBFARM_BUILD_TIMEOUT}), read once by the
 * composition root. Immutable.
 *
 * @param timeout the limit of one {@code /bin/build}
 */
public record BuildSettings(Duration timeout) {}
