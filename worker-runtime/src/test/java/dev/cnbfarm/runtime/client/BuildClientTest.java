package dev.cnbfarm.runtime.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.runtime.EventIds;
import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.Topics;
import dev.cnbfarm.runtime.broker.EmbeddedBroker;
import dev.cnbfarm.runtime.failure.FailureEvents;
import dev.cnbfarm.runtime.join.SampleEvents;
import dev.cnbfarm.runtime.join.TopicRecords;
import dev.cnbfarm.schemas.BuildFailed;
import dev.cnbfarm.schemas.BuildLog;
import dev.cnbfarm.schemas.BuildRequested;
import dev.cnbfarm.schemas.BuildSpec;
import dev.cnbfarm.schemas.LogStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BuildClientTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String DIGEST = "sha256:" + "c".repeat(64);
  private static final AtomicLong PREFIXES = new AtomicLong();
  private static EmbeddedBroker broker;
  private static TopicRecords records;

  private Topics topics;
  private BuildClient client;

  @BeforeAll
  static void startBroker() {
    broker = EmbeddedBroker.start();
    records = new TopicRecords(broker.bootstrap());
  }

  @AfterAll
  static void stopBroker() {
    records.close();
    broker.close();
  }

  @AfterEach
  void closeClient() {
    if (client != null) {
      client.close();
    }
  }

  @Test
  void submitThenFollowSeesTheWorkersEventsInOrderAndReturnsExported() throws Exception {
    givenFarm(3);
    String id = client.submit(SampleEvents.spec());
    worker(Topic.DETECTED, id, SampleEvents.detected(id, 1)); // before follow: from the backlog

    List<BuildEvent> seen = new CopyOnWriteArrayList<>();
    CompletableFuture<BuildEvent> end = CompletableFuture.supplyAsync(() -> client.follow(id, seen::add, WAIT));
    worker(Topic.BUILT, id, SampleEvents.built(id, 1));
    worker(Topic.RUN_READY, id, SampleEvents.runReady(id, 1));
    worker(Topic.LOGS, id, log(id, "exporting"));
    worker(Topic.EXPORTED, id, SampleEvents.exported(id, 1, DIGEST));

    BuildEvent terminal = end.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(terminal).isInstanceOf(BuildEvent.Exported.class);
    assertThat(seen).extracting(BuildEvent::topic).containsExactly(Topic.REQUESTED, Topic.DETECTED, Topic.BUILT,
        Topic.RUN_READY, Topic.LOGS, Topic.EXPORTED);
    assertThat(seen).extracting(BuildEvent::timestamp).isSorted();
    BuildRequested requested = ((BuildEvent.Requested) seen.get(0)).event();
    assertThat(requested.getAttempt()).isEqualTo(1);
    assertThat(requested.getEventId()).isEqualTo(EventIds.of(id, "requested", 1));
    assertThat(requested.getProducer()).isEqualTo("cli-test");
    assertThat(requested.getSpec()).isEqualTo(SampleEvents.spec());
  }

  @Test
  void followReturnsTheFailureOrTheEndOfTheHighestAttempt() throws Exception {
    givenFarm(2);
    worker(Topic.REQUESTED, "f1", requested("f1", 1));
    worker(Topic.FAILED, "f1", failed("f1", 1));
    worker(Topic.REQUESTED, "f2", requested("f2", 1));
    worker(Topic.FAILED, "f2", failed("f2", 1));
    worker(Topic.DETECTED, "f2", SampleEvents.detected("f2", 2));
    worker(Topic.EXPORTED, "f2", SampleEvents.exported("f2", 2, DIGEST));

    worker(Topic.REQUESTED, "f3", requested("f3", 1));
    worker(Topic.FAILED, "f3", failed("f3", 1));
    worker(Topic.DETECTED, "f3", SampleEvents.detected("f3", 2)); // a re-drive is under way

    BuildEvent f1 = client.follow("f1", e -> {}, WAIT);
    BuildEvent f2 = client.follow("f2", e -> {}, WAIT);
    CountDownLatch redriveSeen = new CountDownLatch(1);
    CompletableFuture<BuildEvent> f3 = CompletableFuture.supplyAsync(() -> client.follow("f3", e -> {
      if (e.attempt() == 2) {
        redriveSeen.countDown();
      }
    }, WAIT));
    assertThat(redriveSeen.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    worker(Topic.EXPORTED, "f3", SampleEvents.exported("f3", 2, DIGEST)); // only now: live

    assertThat(f1).isInstanceOf(BuildEvent.Failed.class);
    assertThat(((BuildEvent.Failed) f1).event().getMessage()).isEqualTo("push denied");
    assertThat(f2).isInstanceOf(BuildEvent.Exported.class);
    assertThat(f2.attempt()).isEqualTo(2);
    BuildEvent third = f3.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(third).isInstanceOf(BuildEvent.Exported.class);
    assertThat(third.attempt()).isEqualTo(2);
  }

  @Test
  void followSeesOnlyItsOwnBuildWhenBuildsShareAPartition() throws Exception {
    givenFarm(1);
    for (String id : List.of("mine", "other")) {
      worker(Topic.REQUESTED, id, requested(id, 1));
      worker(Topic.DETECTED, id, SampleEvents.detected(id, 1));
    }
    worker(Topic.EXPORTED, "other", SampleEvents.exported("other", 1, DIGEST));
    worker(Topic.EXPORTED, "mine", SampleEvents.exported("mine", 1, DIGEST));

    List<BuildEvent> seen = new CopyOnWriteArrayList<>();
    client.follow("mine", seen::add, WAIT);

    assertThat(seen).extracting(BuildEvent::buildId).containsOnly("mine");
    assertThat(seen).hasSize(3);
  }

  @Test
  void followGivesUpWithAClearMessageWhenTheBuildDoesNotEnd() throws Exception {
    givenFarm(1);
    worker(Topic.REQUESTED, "slow", requested("slow", 1));
    worker(Topic.DETECTED, "slow", SampleEvents.detected("slow", 1));

    assertThatThrownBy(() -> client.follow("slow", e -> {}, Duration.ofSeconds(2)))
        .isInstanceOf(FollowTimeoutException.class)
        .hasMessage("build slow did not finish within 2 s (last: detected of attempt 1)");
  }

  @Test
  void statusTellsThePhaseReachedAndTheOutcome() throws Exception {
    givenFarm(2);
    worker(Topic.REQUESTED, "s1", requested("s1", 1));
    worker(Topic.DETECTED, "s1", SampleEvents.detected("s1", 1));
    worker(Topic.REQUESTED, "s2", requested("s2", 1));
    worker(Topic.EXPORTED, "s2", SampleEvents.exported("s2", 1, DIGEST));
    worker(Topic.REQUESTED, "s3", requested("s3", 1));
    worker(Topic.FAILED, "s3", failed("s3", 1));

    BuildStatus s1 = client.status("s1").orElseThrow();
    assertThat(s1.phase()).isEqualTo(Topic.DETECTED);
    assertThat(s1.outcome()).isEqualTo(BuildStatus.Outcome.RUNNING);
    BuildStatus s2 = client.status("s2").orElseThrow();
    assertThat(s2.outcome()).isEqualTo(BuildStatus.Outcome.SUCCEEDED);
    assertThat(s2.imageDigest()).contains(DIGEST);
    BuildStatus s3 = client.status("s3").orElseThrow();
    assertThat(s3.outcome()).isEqualTo(BuildStatus.Outcome.FAILED);
    assertThat(s3.failure().orElseThrow().getExitCode()).isEqualTo(62);
    assertThat(client.status("nobody")).isEmpty();
  }

  @Test
  void historyGroupsEventsByBuildInOrderSinceATime() throws Exception {
    givenFarm(2);
    Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
    at(t0, Topic.REQUESTED, "old", requested("old", 1));
    at(t0.plusSeconds(5), Topic.EXPORTED, "old", SampleEvents.exported("old", 1, DIGEST));
    at(t0.plusSeconds(3600), Topic.REQUESTED, "new", requested("new", 1));
    at(t0.plusSeconds(3602), Topic.BUILT, "new", SampleEvents.built("new", 1));
    at(t0.plusSeconds(3601), Topic.DETECTED, "new", SampleEvents.detected("new", 1));

    List<BuildHistory> all = client.history(Optional.empty(), Optional.empty());
    List<BuildHistory> recent = client.history(Optional.empty(), Optional.of(t0.plusSeconds(1800)));
    List<BuildHistory> old = client.history(Optional.of("old"), Optional.empty());

    assertThat(all).extracting(BuildHistory::buildId).containsExactly("old", "new");
    assertThat(recent).extracting(BuildHistory::buildId).containsExactly("new");
    BuildHistory newer = recent.get(0);
    assertThat(newer.events()).extracting(BuildEvent::topic)
        .containsExactly(Topic.REQUESTED, Topic.DETECTED, Topic.BUILT);
    assertThat(newer.group()).extracting(m -> m.getId()).containsExactly("samples/hello", "samples/curl");
    assertThat(newer.dockerfiles()).hasSize(1);
    assertThat(old).hasSize(1);
    assertThat(old.get(0).exported().orElseThrow().getImageDigest()).isEqualTo(DIGEST);

    String json = HistoryJson.write(all);
    assertThat(json).contains("\"buildId\" : \"old\"", "\"imageDigest\" : \"" + DIGEST + "\"",
        "\"timestamp\" : \"2026-12-01T11:00:01Z\"", "\"text\" : \"FROM busybox\\nRUN echo hi\\n\"",
        "\"runImage\" : null", "\"occurredAt\" : \"2026-12-02T01:00:00Z\"");
  }

  @Test
  void replaySubmitsTheSameSpecAgainAsANewBuildThatNamesTheOldOne() throws Exception {
    givenFarm(2);
    String first = client.submit(SampleEvents.spec());

    String second = client.replay(first);

    assertThat(second).isNotEqualTo(first);
    BuildRequested replayed = client.history(Optional.of(second), Optional.empty()).get(0).requested().orElseThrow();
    assertThat(replayed.getSpec().getReplayOf()).isEqualTo(first);
    assertThat(BuildSpec.newBuilder(replayed.getSpec()).setReplayOf(null).build()).isEqualTo(SampleEvents.spec());
    assertThatThrownBy(() -> client.replay("nobody")).isInstanceOf(UnknownBuildException.class)
        .hasMessage("no build nobody in the event log");
  }

  private void givenFarm(int partitions) {
    topics = new Topics("c" + PREFIXES.incrementAndGet() + "x" + System.nanoTime() % 100000);
    client = BuildClient.connect(broker.bootstrap(), topics, "cli-test");
    client.createTopics(partitions, (short) 1);
    client.createTopics(partitions, (short) 1); // existing topics are fine
  }

  private void worker(Topic topic, String key, SpecificRecord event) throws Exception {
    records.send(topics.name(topic), key, event);
  }

  private void at(Instant when, Topic topic, String key, SpecificRecord event) throws Exception {
    int partitions = 2;
    int partition = Topics.partitionOf(key, partitions);
    records.sendAt(topics.name(topic), partition, when.toEpochMilli(), key, event);
  }

  private static BuildRequested requested(String id, int attempt) {
    return BuildRequested.newBuilder().setEventId(EventIds.of(id, "requested", attempt)).setBuildId(id)
        .setAttempt(attempt).setOccurredAt(SampleEvents.AT).setProducer("t").setSpec(SampleEvents.spec()).build();
  }

  private static BuildFailed failed(String id, int attempt) {
    return FailureEvents.of(new FailureEvents.Envelope("e", id, attempt), "export", FailureCode.EXPORT_ERROR,
        Category.USER, "push denied", "", 0, "export-1", Clock.systemUTC());
  }

  private static BuildLog log(String id, String line) {
    return BuildLog.newBuilder().setEventId(EventIds.of(id, "log/export/0", 1)).setBuildId(id).setAttempt(1)
        .setOccurredAt(SampleEvents.AT).setProducer("export-1").setPhase("export").setStream(LogStream.STDOUT)
        .setLine(line).setSequence(0).build();
  }
}
