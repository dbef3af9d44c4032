package dev.cnbfarm.itests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.itests.farm.BuildWatch;
import dev.cnbfarm.itests.farm.Farm;
import dev.cnbfarm.itests.farm.WorkerProcess;
import dev.cnbfarm.runtime.Topics;
import dev.cnbfarm.runtime.client.BuildEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The workers as separate processes against a standalone broker JVM (issue 9, "Must show"): one
 * detect, two extend build-role replicas, one extend run-role, one export, each its own {@code
 * cnbfarm worker} JVM. The build and run roles work on one build at the same time, and the two
 * build-role replicas share the partitions.
 */
class SeparateProcessesIT {
  /** At least this many builds; more when their keys cover fewer than 3 partitions. */
  private static final int BUILDS = 5;
  private static Farm farm;

  @BeforeAll
  static void startFarm() throws Exception {
    farm = Farm.start(Map.of());
    farm.worker("detect", "detect");
    farm.worker("build-1", "extend", "--role", "build");
    farm.worker("build-2", "extend", "--role", "build");
    farm.worker("run", "extend", "--role", "run");
    farm.worker("export", "export");
  }

  @AfterAll
  static void stopFarm() {
    if (farm != null) {
      farm.close();
    }
  }

  @Test
  void buildAndRunRolesWorkConcurrentlyBuildReplicasShareTheBuildsAndSigtermStopsEveryWorker() throws Exception {
    // both build replicas hold partitions before the builds come (a replica that joins late could find
    // every build already taken), and the builds' keys land on at least 3 of the 4 partitions: whatever
    // the assignor gives each of the two replicas (2 each), both then have work
    for (WorkerProcess w : farm.workers()) {
      if (w.name().startsWith("build-")) {
        w.awaitAssigned(Duration.ofSeconds(90));
      }
    }
    List<BuildWatch> watches = new ArrayList<>();
    Set<Integer> partitions = new HashSet<>();
    while (watches.size() < BUILDS || partitions.size() < Farm.PARTITIONS - 1) {
      String id = farm.submit(Map.of("SAMPLES_BUILD_SLEEP", "3", "SAMPLES_RUN_SLEEP", "3"));
      partitions.add(Topics.partitionOf(id, Farm.PARTITIONS));
      watches.add(farm.watch(id, Duration.ofMinutes(4)));
    }
    for (BuildWatch w : watches) {
      assertThat(w.terminal(Duration.ofMinutes(4))).as("build %s: %s", w.buildId(), w.describe())
          .isInstanceOf(BuildEvent.Exported.class);
    }

    BuildWatch first = watches.get(0);
    Interval build = phase(first, "extend-build", BuildEvent.Built.class);
    Interval run = phase(first, "extend-run", BuildEvent.RunReady.class);
    assertThat(build.overlaps(run)).as("build role %s and run role %s of build %s overlap", build, run,
        first.buildId()).isTrue();

    Set<String> producers = watches.stream().flatMap(w -> w.events().stream())
        .filter(BuildEvent.Built.class::isInstance).map(e -> ((BuildEvent.Built) e).event().getProducer())
        .collect(Collectors.toSet());
    assertThat(producers).as("producers of the built events").containsExactlyInAnyOrder("build-1", "build-2");

    // SIGTERM stops each worker gracefully, and nothing it started outlives it
    for (WorkerProcess w : farm.workers()) {
      assertThat(w.terminate()).as("%s's exit code after SIGTERM:%n%s", w, w.tail()).isIn(0, 143);
    }
  }

  /** From a phase's first log line to its output event. */
  private static Interval phase(BuildWatch watch, String phase, Class<? extends BuildEvent> output) {
    Instant start = watch.events().stream().filter(e -> e instanceof BuildEvent.Log l
        && l.event().getPhase().equals(phase)).map(BuildEvent::timestamp).min(Instant::compareTo).orElseThrow();
    Instant end = watch.events().stream().filter(output::isInstance).map(BuildEvent::timestamp).findFirst()
        .orElseThrow();
    return new Interval(start, end);
  }

  private record Interval(Instant start, Instant end) {
    boolean overlaps(Interval other) {
      return start.isBefore(other.end) && other.start.isBefore(end);
    }
  }
}
