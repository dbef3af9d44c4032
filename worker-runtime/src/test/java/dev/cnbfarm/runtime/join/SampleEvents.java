package dev.cnbfarm.runtime.join;

import dev.cnbfarm.runtime.EventIds;
import dev.cnbfarm.schemas.AppliedDockerfile;
import dev.cnbfarm.schemas.BuildBuilt;
import dev.cnbfarm.schemas.BuildDetected;
import dev.cnbfarm.schemas.BuildExported;
import dev.cnbfarm.schemas.BuildSpec;
import dev.cnbfarm.schemas.DockerfileKind;
import dev.cnbfarm.schemas.GroupModule;
import dev.cnbfarm.schemas.RunImageChoice;
import dev.cnbfarm.schemas.RunImageReady;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Small valid pipeline events for the runtime's tests. */
public final class SampleEvents {
  public static final Instant AT = Instant.parse("2026-12-02T01:00:00Z");

  private SampleEvents() {}

  public static BuildSpec spec() {
    return BuildSpec.newBuilder().setBuilderImage("oci:/tmp/builder").setSourceRepository("oci:/tmp/store")
        .setSourceDigest("sha256:" + "a".repeat(64)).setTargetImage("oci:/tmp/out:app").setTags(List.of())
        .setEnv(Map.of("BP_X", "1")).setRequestedBy("dev@host").build();
  }

  public static BuildDetected detected(String buildId, int attempt) {
    return BuildDetected.newBuilder().setEventId(EventIds.of(buildId, "detected", attempt)).setBuildId(buildId)
        .setAttempt(attempt).setOccurredAt(AT).setProducer("detect-1").setSpec(spec()).setBuilderImage("oci:b@sha256:1")
        .setGroup(List.of(GroupModule.newBuilder().setId("samples/hello").setVersion("0.0.1").build(),
            GroupModule.newBuilder().setId("samples/curl").setVersion("0.0.2").setExtension(true).build()))
        .setPlanToml("").setAnalyzedToml("")
        .setDockerfiles(List.of(AppliedDockerfile.newBuilder().setExtensionId("samples/curl")
            .setKind(DockerfileKind.RUN).setText("FROM busybox\nRUN echo hi\n").build()))
        .setRunImage(RunImageChoice.newBuilder().setReference("oci:run@sha256:2").setName("run").build())
        .setBuildUid(1000).setBuildGid(1000).build();
  }

  public static BuildBuilt built(String buildId, int attempt) {
    return BuildBuilt.newBuilder().setEventId(EventIds.of(buildId, "built", attempt)).setBuildId(buildId)
        .setAttempt(attempt).setOccurredAt(AT).setProducer("extend-build-1").setSpec(spec()).setGroup(List.of())
        .setRepository("oci:/tmp/out").setLayers(List.of()).setBuildpacksMetadataJson("[]")
        .setBuildMetadataJson("{}").build();
  }

  public static RunImageReady runReady(String buildId, int attempt) {
    return RunImageReady.newBuilder().setEventId(EventIds.of(buildId, "run.ready", attempt)).setBuildId(buildId)
        .setAttempt(attempt).setOccurredAt(AT).setProducer("extend-run-1").setSpec(spec())
        .setRunImage("oci:run@sha256:2").setRunImageName("run").setRepository("oci:/tmp/out").build();
  }

  public static BuildExported exported(String buildId, int attempt, String digest) {
    return BuildExported.newBuilder().setEventId(EventIds.of(buildId, "exported", attempt)).setBuildId(buildId)
        .setAttempt(attempt).setOccurredAt(AT).setProducer("export-1").setImage("oci:/tmp/out@" + digest)
        .setImageDigest(digest).setRunImage("oci:run@sha256:2").build();
  }
}
