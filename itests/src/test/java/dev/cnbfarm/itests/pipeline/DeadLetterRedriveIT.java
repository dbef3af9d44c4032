package dev.cnbfarm.itests.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnbfarm.cli.pipeline.Role;
import dev.cnbfarm.cli.pipeline.WorkerRoles;
import dev.cnbfarm.engine.testing.SampleImages;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.client.BuildEvent;
import dev.cnbfarm.runtime.settings.WorkerSettings;
import dev.cnbfarm.schemas.BuildExported;
import dev.cnbfarm.schemas.BuildFailed;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build's request dead-lettered by a misconfigured detect worker (a handler timeout no detect
 * can meet: retries exhausted, BuildFailed INFRA and a DLQ copy) is listed by {@code cnbfarm dlq
 * list}, re-driven by {@code cnbfarm dlq redrive} once a healthy detect worker runs, and built by
 * the real pipeline to an image; a second re-drive sends nothing.
 */
class DeadLetterRedriveIT {
  @TempDir static Path dir;
  static Farm farm;

  @BeforeAll
  static void startFarmWithoutDetect() {
    farm = Farm.start(dir, List.of(Role.EXTEND_BUILD, Role.EXTEND_RUN, Role.EXPORT));
  }

  @AfterAll
  static void stopFarm() {
    if (farm != null) {
      farm.close();
    }
  }

  @Test
  void aDeadLetteredBuildIsListedRedrivenAndBuilt() throws Exception {
    SampleImages samples = new FixtureBuilders(farm, dir).samples(Target.OCI);
    ImageRef target = Target.OCI.ref(farm, dir, "redriven");
    String bootstrap = farm.broker.bootstrap();
    String buildId;
    try (WorkerRoles broken = WorkerRoles.start(settings(Map.of("CNBFARM_HANDLER_TIMEOUT", "1ms",
        "CNBFARM_RETRY_ATTEMPTS", "2", "CNBFARM_RETRY_BACKOFF", "10ms")), farm.env, farm.store, List.of(Role.DETECT),
        1)) {
      Farm.Cli submitted = farm.cli("submit", "--bootstrap", bootstrap, "--builder", samples.builder().toString(),
          "--app", samples.app().toString(), "--image", target.toString(), "--run-image", samples.run().toString(),
          "--env", "SAMPLES_RUN_TINY=" + samples.runTiny().withoutDigest());
      assertThat(submitted.code()).as(submitted.describe()).isZero();
      buildId = submitted.output().strip();
      await().atMost(Duration.ofMinutes(2)).until(() -> farm.historyIfAny(buildId)
          .map(h -> h.events().stream().anyMatch(e -> e.event() instanceof BuildFailed)).orElse(false));
    }

    Farm.Cli listed = farm.cli("dlq", "list", "--json", "--bootstrap", bootstrap);
    assertThat(listed.code()).as(listed.describe()).isZero();
    JsonNode letters = new ObjectMapper().readTree(listed.output());
    assertThat(letters).hasSize(1);
    JsonNode letter = letters.get(0);
    assertThat(letter.path("buildId").asText()).isEqualTo(buildId);
    assertThat(letter.path("originTopic").asText()).isEqualTo(farm.topic(Topic.REQUESTED));
    assertThat(letter.path("stage").asText()).isEqualTo("handle");
    assertThat(letter.path("category").asText()).isEqualTo("INFRA");
    assertThat(letter.path("attempts").asInt()).isEqualTo(2);
    assertThat(letter.path("message").asText()).contains("CNBFARM_HANDLER_TIMEOUT");
    assertThat(letter.path("redriven").asBoolean()).isFalse();

    try (WorkerRoles healthy = WorkerRoles.start(farm.settings, farm.env, farm.store, List.of(Role.DETECT), 1)) {
      Farm.Cli redrive = farm.cli("dlq", "redrive", "--topic", farm.topic(Topic.REQUESTED), "--build", buildId,
          "--bootstrap", bootstrap);
      assertThat(redrive.code()).as(redrive.describe()).isZero();
      assertThat(redrive.output()).contains("redriven " + farm.dlq(Topic.REQUESTED))
          .contains("redriven 1 of 1 selected record(s)");

      await().atMost(Duration.ofMinutes(4)).until(() -> exported(buildId).size() == 1);
      assertThat(farm.store.read(target).manifestDigest().toString())
          .isEqualTo(exported(buildId).get(0).getImageDigest());

      Farm.Cli again = farm.cli("dlq", "redrive", "--all", "--bootstrap", bootstrap);
      assertThat(again.output()).contains("skipped", "re-driven before", "redriven 0 of 1 selected record(s)");
      Farm.Cli text = farm.cli("dlq", "list", "--bootstrap", bootstrap);
      assertThat(text.output()).contains(buildId + "  redriven", "1 record(s), 0 not re-driven");
    }
  }

  private static List<BuildExported> exported(String buildId) {
    return farm.history(buildId).events().stream().map(BuildEvent::event).filter(BuildExported.class::isInstance)
        .map(BuildExported.class::cast).toList();
  }

  private static WorkerSettings settings(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(farm.env);
    env.putAll(extra);
    return WorkerSettings.fromEnv(env);
  }
}
