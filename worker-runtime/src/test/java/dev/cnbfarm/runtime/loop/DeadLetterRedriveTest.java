package dev.cnbfarm.runtime.loop;

import static dev.cnbfarm.runtime.loop.LoopFixture.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.dlq.DeadLetter;
import dev.cnbfarm.runtime.dlq.DeadLetterQueue;
import dev.cnbfarm.runtime.dlq.Redrive;
import dev.cnbfarm.runtime.dlq.Selection;
import dev.cnbfarm.runtime.settings.KafkaSettings;
import dev.cnbfarm.runtime.testing.TestBroker;
import dev.cnbfarm.schemas.BuildExported;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Dead-letter records listed and re-driven to a real worker loop (cnbfarm dlq list / redrive). */
class DeadLetterRedriveTest {
  private static TestBroker broker;
  private LoopFixture farm;

  @BeforeAll
  static void startBroker() {
    broker = TestBroker.start();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    broker.close();
  }

  @AfterEach
  void stopFarm() throws Exception {
    farm.close();
  }

  @Test
  void aDeadLetteredRecordIsListedRedrivenOnceAndHandledWhilePoisonComesBack() {
    farm = new LoopFixture(broker);
    // a bug on the first call only: BuildFailed (INTERNAL) and a DLQ copy; the re-driven record then succeeds
    ScriptedHandler handler = new ScriptedHandler((e, c) -> {
      throw new IllegalStateException("a bug fixed by the next release");
    }, ScriptedHandler::exported);
    farm.start(handler);
    farm.submit("b1");
    broker.send(farm.topics.name(Topic.REQUESTED), "junk", new byte[] {1, 2, 3});
    eventually().until(() -> farm.committed() == 2);
    KafkaSettings kafka = farm.settings(Map.of()).kafka();
    String dlq = farm.topics.dlq(Topic.REQUESTED);

    try (DeadLetterQueue queue = DeadLetterQueue.connect(kafka, "dlq-test")) {
      List<String> topics = queue.topics(Optional.of(farm.topics.name(Topic.REQUESTED)));
      assertThat(topics).containsExactly(dlq);
      List<DeadLetter> listed = queue.list(topics);
      assertThat(listed).extracting(DeadLetter::buildId).containsExactly("b1", "junk");
      DeadLetter bug = listed.get(0);
      assertThat(bug.origin()).isEqualTo(farm.topics.name(Topic.REQUESTED) + "-0@0");
      assertThat(bug.stage()).isEqualTo("handle");
      assertThat(bug.category()).isEqualTo("INTERNAL");
      assertThat(bug.message()).contains("a bug fixed by the next release");
      assertThat(bug.attempts()).contains(1);
      assertThat(bug.poison()).isFalse();
      assertThat(bug.redriven()).isFalse();
      assertThat(listed.get(1).stage()).isEqualTo("decode");
      assertThat(listed.get(1).poison()).isTrue();

      // a dry run sends nothing
      assertThat(queue.redrive(topics, Selection.all(), true)).extracting(Redrive::action)
          .containsExactly(Redrive.Action.WOULD_REDRIVE, Redrive.Action.WOULD_REDRIVE);
      assertThat(farm.records(farm.topics.name(Topic.REQUESTED))).hasSize(2);

      List<Redrive> first = queue.redrive(topics, new Selection(Optional.of("b1"), List.of()), false);
      assertThat(first).extracting(Redrive::action).containsExactly(Redrive.Action.REDRIVEN);
      assertThat(first.get(0).to()).isEqualTo(farm.topics.name(Topic.REQUESTED) + "-0@2");
      eventually().until(() -> farm.events(Topic.EXPORTED).size() == 1);
      assertThat(((BuildExported) farm.events(Topic.EXPORTED).get(0)).getBuildId()).isEqualTo("b1");
      assertThat(handler.calls("b1")).isEqualTo(2);
      assertThat(LoopFixture.header(farm.records(farm.topics.name(Topic.REQUESTED)).get(2),
          DeadLetterQueue.REDRIVEN_FROM)).isEqualTo(dlq + "-0@0");

      // a second re-drive does not send b1 again; the poison record goes back to the DLQ
      List<Redrive> second = queue.redrive(topics, Selection.all(), false);
      assertThat(second).extracting(Redrive::action)
          .containsExactly(Redrive.Action.ALREADY_REDRIVEN, Redrive.Action.REDRIVEN);
      eventually().until(() -> queue.list(topics).size() == 3);
      List<DeadLetter> after = queue.list(topics);
      assertThat(after).extracting(DeadLetter::redriven).containsExactly(true, true, false);
      assertThat(after.get(2).buildId()).isEqualTo("junk");
      assertThat(after.get(2).poison()).isTrue();
      assertThat(after.get(2).redrivenFrom()).isEqualTo(dlq + "-0@1");
      eventually().until(() -> farm.committed() == 4);
      assertThat(handler.calls("b1")).isEqualTo(2);
      assertThat(farm.events(Topic.EXPORTED)).hasSize(1);
    }
  }
}
