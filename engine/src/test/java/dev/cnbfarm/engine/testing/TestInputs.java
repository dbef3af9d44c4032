package dev.cnbfarm.engine.testing;

import dev.cnbfarm.engine.PlatformDirectory;
import dev.cnbfarm.engine.build.BuildInputs;
import dev.cnbfarm.engine.detect.DetectInputs;
import dev.cnbfarm.engine.extend.ExtendInputs;
import dev.cnbfarm.engine.extend.ExtendSettings;
import dev.cnbfarm.engine.extend.ExtendWorkspace;
import dev.cnbfarm.engine.extend.ExtenderPhase;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.report.Reporter;
import java.time.Clock;
import dev.cnbfarm.lifecycle.api.ApiVersion;
import dev.cnbfarm.lifecycle.extend.ExtendKind;
import dev.cnbfarm.lifecycle.phase.GoDuration;
import dev.cnbfarm.lifecycle.phase.PhaseFlag;
import dev.cnbfarm.lifecycle.phase.PhaseInputs;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The engine tests' way to give a phase its typed inputs from flags and env, through the same
 * {@link PhaseFlag} table the {@code cnbfarm lifecycle} commands use (the commands' resolver lives
 * in {@code cli}, which the engine cannot see). Stateless.
 */
public final class TestInputs {
  private final PhaseInputs in;

  private TestInputs(PhaseInputs in) {
    this.in = in;
  }

  public static TestInputs of(Map<String, String> flags, Map<String, String> env, ApiVersion platformApi) {
    return new TestInputs(new PhaseInputs(flags, env, platformApi));
  }

  public DetectInputs detect() {
    PhaseFlag.BUILD_CONFIG.requireApi(in);
    PhaseFlag.RUN.requireApi(in);
    PhaseFlag.SYSTEM.requireApi(in);
    return new DetectInputs(in.platformApi(), PhaseFlag.APP.path(in), PhaseFlag.BUILDPACKS.path(in),
        PhaseFlag.EXTENSIONS.path(in), PhaseFlag.ORDER.path(in), PhaseFlag.PLATFORM.path(in),
        PhaseFlag.BUILD_CONFIG.path(in), PhaseFlag.RUN.path(in), in.env("CNB_EXPERIMENTAL_MODE", ""),
        in.environment(), PhaseFlag.SYSTEM.path(in));
  }

  public BuildInputs build() {
    PhaseFlag.BUILD_CONFIG.requireApi(in);
    return new BuildInputs(in.platformApi(), PhaseFlag.APP.path(in), PhaseFlag.BUILDPACKS.path(in),
        PhaseFlag.EXTENSIONS.path(in), PhaseFlag.LAYERS.path(in), PhaseFlag.PLATFORM.path(in),
        PhaseFlag.BUILD_CONFIG.path(in), in.environment());
  }

  public ExtendInputs extend() {
    ExtendKind kind = ExtendKind.parse(PhaseFlag.KIND.value(in));
    return new ExtendInputs(in.platformApi(), kind, PhaseFlag.APP.path(in), PhaseFlag.LAYERS.path(in),
        PhaseFlag.PLATFORM.path(in), PhaseFlag.BUILDPACKS.path(in), PhaseFlag.EXTENSIONS.path(in),
        PhaseFlag.BUILD_CONFIG.path(in), PhaseFlag.BUILD_IMAGE.explicit(in), number(PhaseFlag.UID),
        number(PhaseFlag.GID), in.env("CNB_EXPERIMENTAL_MODE", ""));
  }

  /** Extend settings with this step limit, the {@code -kaniko-cache-ttl} of the flags and {@code CNBFARM_LAYER_CACHE_REPO}. */
  public ExtendSettings extendSettings(Duration stepTimeout) {
    return new ExtendSettings(stepTimeout, GoDuration.parse(PhaseFlag.KANIKO_CACHE_TTL.value(in)),
        Optional.of(in.env("CNBFARM_LAYER_CACHE_REPO", "")).filter(v -> !v.isEmpty())
            .map(dev.cnbfarm.image.ref.ImageRef::parse));
  }

  /** Runs the real extender phase with these inputs, as {@code cnbfarm lifecycle extender} does. */
  public ExtenderPhase.Outcome runExtender(ImageStore store, ExtendWorkspace workspace, Reporter reporter,
      Duration stepTimeout) {
    ExtendInputs inputs = extend();
    return new ExtenderPhase(store, workspace, files(), reporter, Clock.systemUTC(), extendSettings(stepTimeout))
        .run(inputs);
  }

  public PlatformDirectory files() {
    return new PlatformDirectory(PhaseFlag.GROUP.path(in), PhaseFlag.PLAN.path(in), PhaseFlag.ANALYZED.path(in),
        PhaseFlag.GENERATED.path(in), PhaseFlag.EXTENDED.path(in), PhaseFlag.REPORT.path(in));
  }

  private OptionalInt number(PhaseFlag flag) {
    return flag.explicit(in).map(v -> OptionalInt.of(Integer.parseInt(v))).orElse(OptionalInt.empty());
  }
}
