package dev.cnbfarm.detect;

import dev.cnbfarm.runtime.EventIds;
import dev.cnbfarm.schemas.BuildRequested;
import dev.cnbfarm.schemas.BuildSpec;
import java.time.Instant;
import java.util.Map;

/** Build requests for the handler tests. Stateless. */
final class Requests {
  private Requests() {}

  static BuildRequested of(String buildId, String builder, String sourceRepository, String sourceDigest,
      String runImage, Map<String, String> env) {
    return BuildRequested.newBuilder()
        .setEventId(EventIds.of(buildId, "requested", 1))
        .setBuildId(buildId)
        .setAttempt(1)
        .setOccurredAt(Instant.parse("2026-12-02T02:59:00Z"))
        .setProducer("test")
        .setSpec(BuildSpec.newBuilder()
            .setBuilderImage(builder)
            .setSourceRepository(sourceRepository)
            .setSourceDigest(sourceDigest)
            .setTargetImage(sourceRepository)
            .setEnv(env)
            .setRunImage(runImage)
            .setPlatformApi("0.13")
            .build())
        .build();
  }
}
