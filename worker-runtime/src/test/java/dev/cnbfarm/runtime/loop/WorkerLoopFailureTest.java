package dev.cnbfarm.runtime.loop;

import static dev.cnbfarm.runtime.loop.LoopFixture.eventually;
import static dev.cnbfarm.runtime.loop.LoopFixture.header;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.lifecycle.failure.CancelledException;
import dev.cnbfarm.lifecycle.failure.Category;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.testing.TestBroker;
import dev.cnbfarm.schemas.BuildFailed;
import dev.cnbfarm.schemas.BuildLog;
import dev.cnbfarm.schemas.FailureCategory;
import dev.cnbfarm.schemas.LogStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The loop's failure handling (style.md §5) against a real in-process broker. */
class WorkerLoopFailureTest {
  private static final LifecycleException UNAVAILABLE = new LifecycleException(FailureCode.DETECT_ERROR,
      Category.INFRA, "registry answered 503", null);
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

  @BeforeEach
  void newFarm() {
    farm = new LoopFixture(broker);
  }

  @AfterEach
  void closeLoops() throws InterruptedException {
    farm.close();
  }

  @Test
  void aRetryableFailureIsRetriedUntilItSucceeds() {
    ScriptedHandler handler = new ScriptedHandler((e, c) -> {
      throw UNAVAILABLE;
    }, (e, c) -> {
      throw UNAVAILABLE;
    }, ScriptedHandler::exported);
    farm.start(handler);

    farm.submit("b1");

    eventually().until(() -> farm.committed() == 1);
    assertThat(handler.calls()).isEqualTo(3);
    assertThat(farm.events(Topic.EXPORTED)).hasSize(1);
    assertThat(farm.events(Topic.FAILED)).isEmpty();
    assertThat(farm.registry.get("cnbfarm.retries").tags("phase", "detect", "code", "DETECT_ERROR").counter()
        .count()).isEqualTo(2);
    eventually().until(() -> farm.events(Topic.LOGS).size() == 2);
    assertThat(farm.events(Topic.LOGS)).map(BuildLog.class::cast)
        .allSatisfy(l -> assertThat(l.getStream()).isEqualTo(LogStream.STDERR))
        .allSatisfy(l -> assertThat(l.getLine()).startsWith("retrying detect"));
  }

  @Test
  void exhaustedRetriesGiveAnInfraBuildFailedAndADeadLetterCopy() {
    ScriptedHandler handler = new ScriptedHandler((e, c) -> {
      c.log().info("pulling the builder");
      throw UNAVAILABLE;
    });
    farm.start(handler, Map.of("CNBFARM_RETRY_ATTEMPTS", "3"));

    farm.submit("b1");

    eventually().until(() -> farm.committed() == 1);
    assertThat(handler.calls()).isEqualTo(3);
    BuildFailed failed = (BuildFailed) farm.events(Topic.FAILED).get(0);
    assertThat(failed.getCategory()).isEqualTo(FailureCategory.INFRA);
    assertThat(failed.getRetries()).isEqualTo(2);
    assertThat(failed.getExitCode()).isEqualTo(22);
    assertThat(failed.getMessage()).isEqualTo("registry answered 503");
    assertThat(failed.getLogExcerpt()).contains("pulling the builder");
    List<ConsumerRecord<byte[], byte[]>> dlq = farm.records(farm.topics.dlq(Topic.REQUESTED));
    assertThat(dlq).hasSize(1);
    assertThat(dlq.get(0).value()).isEqualTo(farm.codec.encode(LoopFixture.requested("b1")));
    assertThat(new String(dlq.get(0).key())).isEqualTo("b1");
    assertThat(header(dlq.get(0), "x-cnbfarm.attempts")).isEqualTo("3");
    assertThat(header(dlq.get(0), "x-cnbfarm.stage")).isEqualTo("handle");
    assertThat(header(dlq.get(0), "x-cnbfarm.exception")).isEqualTo(LifecycleException.class.getName());
    assertThat(farm.registry.get("cnbfarm.dlq").tags("category", "INFRA").counter().count()).isEqualTo(1);
  }

  @Test
  void aUserErrorGivesABuildFailedWithoutRetryOrDeadLetter() {
    ScriptedHandler handler = new ScriptedHandler((e, c) -> {
      throw new LifecycleException(FailureCode.DETECT_ERROR, "order.toml line 3: no such buildpack");
    });
    farm.start(handler);

    farm.submit("b1");

    eventually().until(() -> farm.committed() == 1);
    BuildFailed failed = (BuildFailed) farm.events(Topic.FAILED).get(0);
    assertThat(failed.getCategory()).isEqualTo(FailureCategory.USER);
    assertThat(failed.getRetries()).isZero();
    assertThat(failed.getMessage()).isEqualTo("order.toml line 3: no such buildpack");
    assertThat(handler.calls()).isEqualTo(1);
    assertThat(farm.records(farm.topics.dlq(Topic.REQUESTED))).isEmpty();
  }

  @Test
  void aBugGivesAnInternalBuildFailedAndADeadLetterCopyWithoutRetry() {
    ScriptedHandler handler = new ScriptedHandler((e, c) -> {
      throw new NullPointerException("plan was null");
    });
    farm.start(handler);

    farm.submit("b1");

    eventually().until(() -> farm.committed() == 1);
    BuildFailed failed = (BuildFailed) farm.events(Topic.FAILED).get(0);
    assertThat(failed.getCategory()).isEqualTo(FailureCategory.INTERNAL);
    assertThat(failed.getMessage()).isEqualTo("internal error: plan was null");
    assertThat(handler.calls()).isEqualTo(1);
    List<ConsumerRecord<byte[], byte[]>> dlq = farm.records(farm.topics.dlq(Topic.REQUESTED));
    assertThat(dlq).hasSize(1);
    assertThat(header(dlq.get(0), "x-cnbfarm.exception")).isEqualTo(NullPointerException.class.getName());
    assertThat(header(dlq.get(0), "x-cnbfarm.category")).isEqualTo("INTERNAL");
  }

  @Test
  void poisonRecordsGoToTheDeadLetterTopicWithTheirOriginAndTheNextRecordIsHandled() {
    ScriptedHandler handler = ScriptedHandler.succeeding();
    farm.start(handler);
    byte[] random = new byte[64];
    new Random(7).nextBytes(random);
    byte[] unknownSchema = Arrays.copyOf(farm.codec.encode(LoopFixture.requested("b2")), 80);
    ByteBuffer.wrap(unknownSchema, 2, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(0x1234_5678_9abc_def0L);

    broker.send(farm.topics.name(Topic.REQUESTED), "b1", random, new RecordHeader("trace", "t1".getBytes()));
    broker.send(farm.topics.name(Topic.REQUESTED), "b2", unknownSchema);
    farm.submit("b3");

    eventually().until(() -> farm.committed() == 3);
    assertThat(handler.handled).containsExactly("b3");
    assertThat(farm.events(Topic.EXPORTED)).hasSize(1);
    assertThat(farm.events(Topic.FAILED)).isEmpty();
    List<ConsumerRecord<byte[], byte[]>> dlq = farm.records(farm.topics.dlq(Topic.REQUESTED));
    assertThat(dlq).hasSize(2);
    ConsumerRecord<byte[], byte[]> first = dlq.get(0);
    assertThat(first.value()).isEqualTo(random);
    assertThat(new String(first.key())).isEqualTo("b1");
    assertThat(header(first, "trace")).isEqualTo("t1");
    assertThat(header(first, "x-cnbfarm.origin.topic")).isEqualTo(farm.topics.name(Topic.REQUESTED));
    assertThat(header(first, "x-cnbfarm.origin.partition")).isEqualTo("0");
    assertThat(header(first, "x-cnbfarm.origin.offset")).isEqualTo("0");
    assertThat(header(first, "x-cnbfarm.worker")).isEqualTo("test-worker");
    assertThat(header(first, "x-cnbfarm.stage")).isEqualTo("decode");
    assertThat(header(first, "x-cnbfarm.attempts")).isEqualTo("0");
    assertThat(header(first, "x-cnbfarm.exception")).endsWith("UndecodableEventException");
    assertThat(header(first, "x-cnbfarm.message")).contains("no C3 01 marker");
    assertThat(header(dlq.get(1), "x-cnbfarm.origin.offset")).isEqualTo("1");
    assertThat(header(dlq.get(1), "x-cnbfarm.message")).contains("unknown schema fingerprint");
    assertThat(dlq.get(1).value()).isEqualTo(unknownSchema);
  }

  @Test
  void aHandlerOverItsTimeoutIsInterruptedAndCountsAsRetryable() {
    ScriptedHandler handler = new ScriptedHandler((e, c) -> {
      Thread.sleep(30_000);
      return ScriptedHandler.exported(e, c);
    });
    farm.start(handler, Map.of("CNBFARM_HANDLER_TIMEOUT", "300ms", "CNBFARM_RETRY_ATTEMPTS", "2"));

    farm.submit("b1");

    eventually().until(() -> farm.committed() == 1);
    BuildFailed failed = (BuildFailed) farm.events(Topic.FAILED).get(0);
    assertThat(failed.getCategory()).isEqualTo(FailureCategory.INFRA);
    assertThat(failed.getRetries()).isEqualTo(1);
    assertThat(failed.getMessage()).contains("longer than 300 ms (CNBFARM_HANDLER_TIMEOUT)");
    assertThat(handler.calls()).isEqualTo(2);
  }

  @Test
  void aCancelledHandlerStopsTheLoopWithoutCommitting() {
    ScriptedHandler handler = new ScriptedHandler((e, c) -> {
      throw new CancelledException("registry pull", new InterruptedException());
    });
    WorkerLoop<?> loop = farm.start(handler);

    farm.submit("b1");

    eventually().until(() -> !loop.isAlive());
    assertThat(farm.committed()).isZero();
    assertThat(farm.events(Topic.FAILED)).isEmpty();
    assertThat(farm.records(farm.topics.dlq(Topic.REQUESTED))).isEmpty();
  }
}
