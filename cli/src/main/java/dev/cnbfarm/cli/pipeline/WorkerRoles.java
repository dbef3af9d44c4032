package dev.cnbfarm.cli.pipeline;

import dev.cnbfarm.detect.DetectWorker;
import dev.cnbfarm.engine.build.BuildSettings;
import dev.cnbfarm.engine.extend.ExtendSettings;
import dev.cnbfarm.engine.extend.ExtendWorkspace;
import dev.cnbfarm.export.ExportWorker;
import dev.cnbfarm.extend.ExtendWorker;
import dev.cnbfarm.cli.lifecycle.PhaseCommandRunner;
import dev.cnbfarm.cli.lifecycle.PhaseRecords;
import dev.cnbfarm.image.rootfs.LocalCache;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.phase.GoDuration;
import dev.cnbfarm.runtime.Topic;
import dev.cnbfarm.runtime.join.JoinLoop;
import dev.cnbfarm.runtime.loop.WorkerLoop;
import dev.cnbfarm.runtime.metrics.HealthServer;
import dev.cnbfarm.runtime.metrics.MeteredImageStore;
import dev.cnbfarm.runtime.settings.WorkerSettings;
import dev.cnbfarm.schemas.BuildDetected;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The composition root of worker roles in this process (style.md §4 "Main"): the one place the
 * image store, the local cache, the handlers and their loops are built, for {@code cnbfarm worker}
 * (one role, {@code --replicas} loops of it) and for the one-shot {@code cnbfarm build} (every role
 * over the embedded broker). The loops share the process's cache and image store; each loop is a
 * consumer of its role's group, so replicas in one process share the partitions like replicas in
 * many. Closing stops the loops (a running handler gets {@code CNBFARM_SHUTDOWN_GRACE}), then the
 * metrics endpoint and the cache. Not thread-safe.
 */
public final class WorkerRoles implements AutoCloseable {
  private final WorkerSettings settings;
  private final LocalCache cache;
  private final ImageStore store;
  private final Map<String, String> env;
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final List<WorkerLoop<?>> loops = new ArrayList<>();
  private final List<JoinLoop> joins = new ArrayList<>();
  private Optional<HealthServer> health = Optional.empty();

  private WorkerRoles(WorkerSettings settings, Map<String, String> env, ImageStore store) {
    this.settings = settings;
    this.env = env;
    this.store = store;
    this.cache = LocalCache.open(env);
  }

  /** Starts {@code replicas} loops of each of {@code roles}, and the metrics endpoint when its port is set. */
  public static WorkerRoles start(WorkerSettings settings, Map<String, String> env, ImageStore store, List<Role> roles,
      int replicas) {
    WorkerRoles farm = new WorkerRoles(settings, env, store);
    try {
      for (Role role : roles) {
        for (int i = 0; i < replicas; i++) {
          farm.add(role, replicas == 1 ? settings.instance() : settings.instance() + "-" + (i + 1));
        }
      }
      farm.health = HealthServer.start(settings.metricsAddress(), settings.metricsPort(), farm.registry, farm::alive,
          farm::ready);
      return farm;
    } catch (RuntimeException e) {
      farm.close();
      throw e;
    }
  }

  private void add(Role role, String instance) {
    WorkerSettings mine = new WorkerSettings(settings.kafka(), instance, settings.retry(), settings.handlerTimeout(),
        settings.shutdownGrace(), settings.metricsAddress(), settings.metricsPort());
    String group = settings.kafka().groupId(role.phase());
    // each role's registry pushes counted under its phase (cnbfarm.registry.pushed.bytes)
    ImageStore store = new MeteredImageStore(this.store, registry, role.phase());
    switch (role) {
      case DETECT -> loops.add(WorkerLoop.create(DetectWorker.handler(store, cache, workRoot("detect", instance),
          DetectWorker.settings(env)), Topic.REQUESTED, group, mine, registry));
      case EXTEND_BUILD -> loops.add(extendLoop(store, ExtendWorker.Role.BUILD, group, mine));
      case EXTEND_RUN -> loops.add(extendLoop(store, ExtendWorker.Role.RUN, group, mine));
      case EXPORT -> joins.add(JoinLoop.create(ExportWorker.handler(store), Topic.BUILT, Topic.RUN_READY,
          settings.kafka().bootstrap(), settings.kafka().topics(), instance, settings.retry(),
          workRoot("export-state", instance), settings.kafka().clientProperties(), java.time.Clock.systemUTC(),
          registry));
    }
    if (role == Role.EXPORT) {
      joins.get(joins.size() - 1).start();
    } else {
      loops.get(loops.size() - 1).start();
    }
  }

  private WorkerLoop<BuildDetected> extendLoop(ImageStore store, ExtendWorker.Role role, String group,
      WorkerSettings mine) {
    ExtendWorker worker = ExtendWorker.of(store, cache, extendSettings(env), buildSettings(env));
    return WorkerLoop.create(worker.handler(role), Topic.DETECTED, group, mine, registry);
  }

  private java.nio.file.Path workRoot(String what, String instance) {
    return new ExtendWorkspace(cache).root().resolve(what + "-" + instance);
  }

  /** The extend settings of a worker: the step limit, the layer cache's TTL and shared repository. */
  static ExtendSettings extendSettings(Map<String, String> env) {
    String ttl = env.getOrDefault("CNB_KANIKO_CACHE_TTL", "336h");
    Duration parsedTtl;
    try {
      parsedTtl = GoDuration.parse(ttl);
    } catch (IllegalArgumentException e) {
      throw new LifecycleException(FailureCode.INVALID_ARGS, "CNB_KANIKO_CACHE_TTL='" + ttl + "': " + e.getMessage());
    }
    return new ExtendSettings(PhaseCommandRunner.duration(env, "CNBFARM_STEP_TIMEOUT", "PT30M"), parsedTtl,
        PhaseRecords.sharedLayerCache(env));
  }

  static BuildSettings buildSettings(Map<String, String> env) {
    return new BuildSettings(PhaseCommandRunner.duration(env, "CNBFARM_BUILD_TIMEOUT", "PT30M"));
  }

  public boolean alive() {
    return loops.stream().allMatch(WorkerLoop::isAlive) && joins.stream().allMatch(JoinLoop::isRunning);
  }

  public boolean ready() {
    return loops.stream().allMatch(WorkerLoop::isReady) && joins.stream().allMatch(JoinLoop::isReady);
  }

  /** The metrics endpoint's port, when it runs. */
  public Optional<Integer> metricsPort() {
    return health.map(HealthServer::port);
  }

  /** Blocks until a loop stops on its own (a fatal error) or the thread is interrupted. */
  public void awaitAnyStop() throws InterruptedException {
    while (alive()) {
      Thread.sleep(500);
    }
  }

  @Override
  public void close() {
    loops.forEach(WorkerLoop::shutdown);
    for (WorkerLoop<?> loop : loops) {
      try {
        loop.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    joins.forEach(j -> j.close(settings.shutdownGrace()));
    health.ifPresent(HealthServer::close);
    cache.close();
  }
}
