package dev.cnbfarm.cli.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.schemas.BuildDetected;
import dev.cnbfarm.schemas.BuildExported;
import dev.cnbfarm.schemas.BuildFailed;
import dev.cnbfarm.schemas.BuildLog;
import dev.cnbfarm.schemas.BuildRequested;
import dev.cnbfarm.schemas.BuildSpec;
import dev.cnbfarm.schemas.FailureCategory;
import dev.cnbfarm.schemas.FailureCode;
import dev.cnbfarm.schemas.GroupModule;
import dev.cnbfarm.schemas.LogStream;
import dev.cnbfarm.schemas.RunImageChoice;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildProgressTest {
  private static final Instant T0 = Instant.parse("2026-12-02T00:00:00Z");
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final BuildProgress progress = new BuildProgress(new PrintStream(bytes, true));

  static BuildSpec spec() {
    return BuildSpec.newBuilder().setBuilderImage("oci:/i:builder").setSourceRepository("oci:/i")
        .setSourceDigest("sha256:" + "a".repeat(64)).setTargetImage("oci:/i:app").setTags(List.of("oci:/i:app"))
        .build();
  }

  private static BuildLog log(String phase, String line, int attempt) {
    return BuildLog.newBuilder().setEventId("l").setBuildId("b").setAttempt(attempt).setOccurredAt(T0).setProducer("w")
        .setPhase(phase).setStream(LogStream.STDOUT).setLine(line).setSequence(0).build();
  }

  @Test
  void printsPhaseHeadersPrefixedLogLinesTimingsAndTheDigest() {
    progress.on(BuildRequested.newBuilder().setEventId("r").setBuildId("b").setAttempt(1).setOccurredAt(T0)
        .setSpec(spec()).build());
    progress.on(log("detect", "detect ran", 1));
    progress.on(BuildDetected.newBuilder().setEventId("d").setBuildId("b").setAttempt(1)
        .setOccurredAt(T0.plusMillis(1500)).setSpec(spec()).setBuilderImage("oci:/i@sha256:x")
        .setGroup(List.of(GroupModule.newBuilder().setId("bp").setVersion("1").build(),
            GroupModule.newBuilder().setId("ext").setVersion("2").setExtension(true).build()))
        .setPlanToml("").setAnalyzedToml("").setRunImage(RunImageChoice.newBuilder().setReference("oci:/i@sha256:r")
            .setName("oci:/i:run-tiny").setSwitched(true).build()).setBuildUid(1000).setBuildGid(1000).build());
    progress.on(log("extend-build", "building", 1));
    boolean done = progress.on(BuildExported.newBuilder().setEventId("e").setBuildId("b").setAttempt(1)
        .setOccurredAt(T0.plusMillis(4000)).setImage("oci:/i@sha256:abc").setImageDigest("sha256:abc")
        .setTags(List.of("oci:/i:app")).build());
    progress.on(log("export", "exporter's last line", 1));
    progress.finish();

    String text = bytes.toString();
    assertThat(done).isTrue();
    assertThat(progress.exitCode()).contains(0);
    assertThat(text).containsSubsequence("===> DETECTING", "[detector] detect ran", "[detector] Group: bp@1; extensions: ext@2",
        "Run image: oci:/i:run-tiny (switched by an extension)", "===> EXTENDING (BUILD) AND BUILDING",
        "[extender (build)] building", "===> EXPORTING", "[exporter] exporter's last line",
        "Timings: detect 1.5 s", "total 4.0 s", "Successfully built image oci:/i:app", "*** Digest: sha256:abc");
  }

  @Test
  void aFailedPhaseEndsTheBuildWithItsLifecycleExitCode() {
    boolean done = progress.on(BuildFailed.newBuilder().setEventId("f").setBuildId("b").setAttempt(1).setOccurredAt(T0)
        .setPhase("detect").setCode(FailureCode.DETECT_FAILED).setExitCode(20).setCategory(FailureCategory.OUTCOME)
        .setMessage("no buildpack group passed detection").build());
    progress.finish();

    assertThat(done).isTrue();
    assertThat(progress.exitCode()).contains(20);
    assertThat(bytes.toString()).contains("ERROR: failed to build: detect failed with exit code 20: "
        + "no buildpack group passed detection");
  }

  @Test
  void linesOfAnOlderAttemptAreNotShown() {
    progress.on(BuildRequested.newBuilder().setEventId("r").setBuildId("b").setAttempt(2).setOccurredAt(T0)
        .setSpec(spec()).build());

    progress.on(log("detect", "from attempt 1", 1));

    assertThat(bytes.toString()).doesNotContain("from attempt 1");
    assertThat(progress.exitCode()).isEmpty();
  }
}
