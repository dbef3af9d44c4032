package dev.cnbfarm.itests.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnbfarm.engine.testing.SampleImages;
import dev.cnbfarm.image.ref.ImageRef;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event log as the audit trail (design.md §1, §2): after one build of the sample (all three
 * extension phases, oci: images), {@code cnbfarm history} shows each phase with its time, the
 * group, the applied Dockerfiles' text and the digest, {@code status} where it stands, and {@code
 * replay} rebuilds it from its request to the same digest.
 */
class HistoryReplayIT {
  private static final String STAMP = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z";

  @TempDir static Path dir;
  static Farm farm;
  static ImageRef target;
  static String buildId;
  static String digest;

  @BeforeAll
  static void buildTheSample() throws Exception {
    farm = Farm.start(dir);
    SampleImages samples = new FixtureBuilders(farm, dir).samples(Target.OCI);
    target = Target.OCI.ref(farm, dir, "app");
    Farm.Cli built = farm.build("--builder", samples.builder().toString(), "--app", samples.app().toString(),
        "--image", target.toString(), "--run-image", samples.run().toString(),
        "--env", "SAMPLES_RUN_TINY=" + samples.runTiny().withoutDigest());
    assertThat(built.code()).as(built.describe()).isZero();
    buildId = built.buildId();
    digest = built.digest();
  }

  @AfterAll
  static void stopFarm() {
    if (farm != null) {
      farm.close();
    }
  }

  @Test
  void historyShowsEveryPhaseWithItsTimeTheGroupTheDockerfilesAndTheDigest() {
    Farm.Cli history = farm.cli("history", buildId, "--bootstrap", farm.broker.bootstrap());

    assertThat(history.code()).as(history.describe()).isZero();
    String out = history.output();
    assertThat(out).startsWith("build " + buildId + " [succeeded]");
    for (String phase : List.of("requested \\(attempt 1\\) by ", "detected by itest-worker: group ",
        "built by itest-worker: ", "run image ready by itest-worker: ", "exported by itest-worker: ")) {
      assertThat(out).containsPattern(Pattern.compile("(?m)^  " + STAMP + "  " + phase));
    }
    assertThat(out).contains("samples/hello-extensions@0.0.1", "samples/run-tiny@0.0.1 (extension)",
        "samples/hello-tool@0.0.1 (extension)", "samples/motd@0.0.1 (extension)");
    assertThat(out).contains("build.Dockerfile of samples/hello-tool:", "run.Dockerfile of samples/motd",
        "run.Dockerfile of samples/run-tiny:", "        | RUN chown -R \"${MOTD_OWNER}\" /opt/motd",
        "        | ENV HELLO_TOOL=/usr/local/bin/hello-tool");
    assertThat(out).contains("@" + digest);
  }

  @Test
  void historyJsonHasEveryEventTheGroupTheDockerfilesAndTheDigest() throws Exception {
    Farm.Cli history = farm.cli("history", buildId, "--json", "--bootstrap", farm.broker.bootstrap());

    assertThat(history.code()).as(history.describe()).isZero();
    JsonNode builds = new ObjectMapper().readTree(history.output());
    assertThat(builds).hasSize(1);
    JsonNode build = builds.get(0);
    assertThat(build.path("buildId").asText()).isEqualTo(buildId);
    assertThat(build.path("outcome").asText()).isEqualTo("succeeded");
    assertThat(build.path("imageDigest").asText()).isEqualTo(digest);
    List<String> topics = new ArrayList<>();
    for (JsonNode e : build.path("events")) {
      topics.add(e.path("topic").asText());
      assertThat(e.path("timestamp").asText()).matches(STAMP);
      assertThat(e.path("event").path("occurredAt").asText()).matches(STAMP);
    }
    assertThat(topics).contains("requested", "detected", "built", "run.ready", "exported");
    List<String> group = new ArrayList<>();
    build.path("group").forEach(g -> group.add(g.path("id").asText()));
    assertThat(group).containsExactlyInAnyOrder("samples/hello-extensions", "samples/run-tiny", "samples/hello-tool",
        "samples/motd");
    List<String> dockerfiles = new ArrayList<>();
    build.path("dockerfiles").forEach(d -> dockerfiles.add(d.path("kind").asText() + " " + d.path("extensionId")
        .asText()));
    assertThat(dockerfiles).contains("BUILD samples/hello-tool", "RUN samples/motd", "RUN samples/run-tiny");
    assertThat(build.path("dockerfiles").findValuesAsText("text"))
        .anyMatch(t -> t.contains("COPY motd /opt/motd/motd"));
  }

  @Test
  void statusSaysTheBuildSucceededWithItsImage() {
    Farm.Cli status = farm.cli("status", buildId, "--bootstrap", farm.broker.bootstrap());

    assertThat(status.code()).as(status.describe()).isZero();
    assertThat(status.output()).contains("build:   " + buildId + " (attempt 1)", "status:  succeeded after",
        "image:   ").contains(digest);
  }

  @Test
  void replayRebuildsTheRequestAsANewBuildToTheSameDigest() {
    Farm.Cli replay = farm.cli("replay", buildId, "--bootstrap", farm.broker.bootstrap());
    assertThat(replay.code()).as(replay.describe()).isZero();
    String newId = replay.output().strip();
    assertThat(newId).isNotEqualTo(buildId).doesNotContainAnyWhitespaces();

    Farm.Cli follow = farm.cli("follow", newId, "--timeout", "PT3M", "--bootstrap", farm.broker.bootstrap());

    assertThat(follow.code()).as(follow.describe()).isZero();
    assertThat(follow.output()).contains("(replay of " + buildId + ")");
    assertThat(follow.digest()).isEqualTo(digest);
    assertThat(farm.history(newId).exported().orElseThrow().getImageDigest()).isEqualTo(digest);
    assertThat(farm.store.read(target).manifestDigest().toString()).isEqualTo(digest);
  }
}
