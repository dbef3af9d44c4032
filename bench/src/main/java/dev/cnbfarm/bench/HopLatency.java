package dev.cnbfarm.bench;

import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.admin.TopicAdmin;
import dev.cnbfarm.runtime.client.BuildClient;
import dev.cnbfarm.runtime.handler.HandlerContext;
import dev.cnbfarm.runtime.handler.HandlerResult;
import dev.cnbfarm.runtime.handler.PhaseHandler;
import dev.cnbfarm.runtime.loop.WorkerLoop;
import dev.cnbfarm.runtime.settings.KafkaSettings;
import dev.cnbfarm.runtime.settings.WorkerSettings;
import dev.cnbfarm.schemas.BuildRequested;
import dev.cnbfarm.schemas.BuildSpec;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Part (c) of {@code scripts/bench pipeline}: the latency of one hop between two workers, i.e.
 * from the moment worker A's handler returns its output event to the moment worker B's handler is
 * called with it. In between: A's {@link WorkerLoop} produces the event ({@code acks=all}, waits
 * for the ack), the broker appends it, B's loop fetches, decodes and dispatches it. Both loops
 * are the product's {@code WorkerLoop}, in this JVM over one broker on 127.0.0.1, with trivial
 * handlers (A passes the event on to the {@code detected} topic, B only takes the time), so the
 * figure is the pipeline's own overhead per hop; both ends are {@link System#nanoTime} of this
 * JVM. Events are submitted one at a time at a fixed pace (so the figure is a hop, not a queue);
 * the first {@value #WARMUP} are dropped. Not thread-safe.
 */
final class HopLatency {
  static final int WARMUP = 50;

  private final String bootstrap;
  private final int partitions;
  private final Map<String, Long> returned = new ConcurrentHashMap<>();
  private final List<Double> hops = java.util.Collections.synchronizedList(new ArrayList<>());

  HopLatency(String bootstrap, int partitions) {
    this.bootstrap = bootstrap;
    this.partitions = partitions;
  }

  /** The hops in milliseconds, and where the slow ones (over 50 ms) were in the run (sample numbers). */
  record Result(Quantiles hops, int slow, int firstSlow, int lastSlow) {}

  /** Measures {@code samples} hops, one event every {@code paceMs}. */
  Result run(int samples, int paceMs) {
    Map<String, String> env = Map.of(KafkaSettings.BOOTSTRAP.env(), bootstrap, KafkaSettings.TOPIC_PREFIX.env(),
        "bench-hop", KafkaSettings.TOPIC_PARTITIONS.env(), Integer.toString(partitions),
        WorkerSettings.INSTANCE.env(), "bench-hop");
    WorkerSettings settings = WorkerSettings.fromEnv(env);
    TopicAdmin.ensureTopics(settings.kafka());
    CountDownLatch all = new CountDownLatch(samples + WARMUP);
    WorkerLoop<BuildRequested> a = WorkerLoop.create(new PassOn(), Topic.REQUESTED,
        settings.kafka().groupId("hop-a"), settings, new SimpleMeterRegistry());
    WorkerLoop<BuildRequested> b = WorkerLoop.create(new Arrive(all), Topic.DETECTED,
        settings.kafka().groupId("hop-b"), settings, new SimpleMeterRegistry());
    try (a; b; BuildClient client = BuildClient.connect(bootstrap, settings.kafka().topics(), "bench-hop-client")) {
      a.start();
      b.start();
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (!a.isReady() || !b.isReady()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the hop benchmark's loops were not ready within 2 minutes");
        }
        Thread.sleep(50);
      }
      for (int i = 0; i < samples + WARMUP; i++) {
        client.submit(spec());
        Thread.sleep(paceMs);
      }
      if (!all.await(2, TimeUnit.MINUTES)) {
        throw new IllegalStateException("only " + (samples + WARMUP - all.getCount()) + " of "
            + (samples + WARMUP) + " events crossed the hop within 2 minutes");
      }
      a.shutdown();
      b.shutdown();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
    List<Double> measured;
    synchronized (hops) {
      measured = new ArrayList<>(hops.subList(WARMUP, hops.size()));
    }
    int slow = 0;
    int first = -1;
    int last = -1;
    for (int i = 0; i < measured.size(); i++) {
      if (measured.get(i) > 50) {
        slow++;
        first = first < 0 ? i + 1 : first;
        last = i + 1;
      }
    }
    return new Result(Quantiles.of(measured), slow, first, last);
  }

  private static BuildSpec spec() {
    return BuildSpec.newBuilder().setBuilderImage("oci:/nonexistent:builder").setSourceRepository("oci:/nonexistent:app")
        .setSourceDigest("sha256:" + "0".repeat(64)).setTargetImage("oci:/nonexistent:app").setTags(List.of())
        .setEnv(Map.of()).setRunImage(null).setRequestedBy("scripts/bench").setPlatformApi("0.13").build();
  }

  /** Worker A: passes the event on, noting when it returned it. */
  private final class PassOn implements PhaseHandler<BuildRequested> {
    @Override
    public String phase() {
      return "hop-a";
    }

    @Override
    public Class<BuildRequested> input() {
      return BuildRequested.class;
    }

    @Override
    public HandlerResult handle(BuildRequested event, HandlerContext context) {
      HandlerResult out = HandlerResult.of(Topic.DETECTED, event.getBuildId(), BuildRequested.newBuilder(event).build());
      returned.put(event.getBuildId(), System.nanoTime());
      return out;
    }
  }

  /** Worker B: takes the time first thing. */
  private final class Arrive implements PhaseHandler<BuildRequested> {
    private final CountDownLatch all;

    Arrive(CountDownLatch all) {
      this.all = all;
    }

    @Override
    public String phase() {
      return "hop-b";
    }

    @Override
    public Class<BuildRequested> input() {
      return BuildRequested.class;
    }

    @Override
    public HandlerResult handle(BuildRequested event, HandlerContext context) {
      long now = System.nanoTime();
      Long sent = returned.remove(event.getBuildId());
      if (sent != null) {
        hops.add((now - sent) / 1e6);
        all.countDown();
      }
      return HandlerResult.none();
    }
  }
}
