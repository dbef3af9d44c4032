package dev.cnbfarm.extend;

import dev.cnbfarm.engine.build.BuildSettings;
import dev.cnbfarm.engine.extend.ExtendSettings;
import dev.cnbfarm.engine.extend.ExtendWorkspace;
import dev.cnbfarm.image.rootfs.LocalCache;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.runtime.handler.PhaseHandler;
import dev.cnbfarm.schemas.BuildDetected;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * The extend worker's composition (no Kafka): either role's handler from the image store, the
 * process's local cache, a work root and the operator's settings, for {@code cnbfarm worker extend
 * --role build|run} and the one-shot build, whose composition roots read the settings and start
 * the loop. The two roles consume {@code detected} in separate consumer groups (design.md §2), so
 * a process runs one role per loop; the one-shot build runs both over one cache. Immutable.
 *
 * @param store where images and blobs are read and pushed
 * @param workspace the process's local caches (unpacked layers, step scratch, layer cache)
 * @param workRoot where each build's work dir is made and deleted
 * @param builderCache where builders' {@code /cnb} trees are extracted, once per builder digest
 * @param extend the extend settings (step timeout, layer cache TTL, shared layer cache)
 * @param build the build settings (the limit of one {@code /bin/build})
 */
public record ExtendWorker(ImageStore store, ExtendWorkspace workspace, Path workRoot, Path builderCache,
    ExtendSettings extend, BuildSettings build) {
  /** The two roles; their names are the {@code --role} values. */
  public enum Role {
    BUILD,
    RUN;

    /** {@code build} or {@code run}; anything else is exit 3 naming the value. */
    public static Role parse(String text) {
      String name = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
      return switch (name) {
        case "build" -> BUILD;
        case "run" -> RUN;
        default -> throw new LifecycleException(FailureCode.INVALID_ARGS,
            "--role '" + text + "' is not one of build, run");
      };
    }

    /** The handler's phase name: {@code extend-build} or {@code extend-run}. */
    public String phase() {
      return this == BUILD ? BuildRoleHandler.PHASE : RunRoleHandler.PHASE;
    }
  }

  public ExtendWorker {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(workspace, "workspace");
    workRoot = workRoot.toAbsolutePath().normalize();
    builderCache = builderCache.toAbsolutePath().normalize();
    Objects.requireNonNull(extend, "extend");
    Objects.requireNonNull(build, "build");
  }

  /**
   * The worker over the process's cache: builds' work dirs in its own locked dir (deleted when the
   * cache closes, swept by the next open after a crash, so a killed worker leaves no work dir
   * behind), builders' trees in {@code <cache dir>/builders}.
   */
  public static ExtendWorker of(ImageStore store, LocalCache cache, ExtendSettings extend, BuildSettings build) {
    ExtendWorkspace workspace = new ExtendWorkspace(cache);
    return new ExtendWorker(store, workspace, workspace.root().resolve("work"), cache.root().resolve("builders"),
        extend, build);
  }

  public BuildRoleHandler buildRole() {
    return new BuildRoleHandler(store, workspace, workRoot, builderCache, extend, build);
  }

  public RunRoleHandler runRole() {
    return new RunRoleHandler(store, workspace, workRoot, extend);
  }

  /** The handler of {@code role}. */
  public PhaseHandler<BuildDetected> handler(Role role) {
    return role == Role.BUILD ? buildRole() : runRole();
  }
}
