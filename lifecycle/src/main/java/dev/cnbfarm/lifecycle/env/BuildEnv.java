package dev.cnbfarm.lifecycle.env;

import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The environment given to {@code /bin/detect}, {@code /bin/generate} and {@code /bin/build}
 * (buildpack.md "Environment"): a few variables of the lifecycle's own environment, then the
 * user's {@code <platform>/env/} (unless the module sets {@code clear-env}), then the operator's
 * {@code <build-config>/env/} with its {@code .append/.prepend/.override/.default/.delim} rules
 * ({@link EnvFiles}), where a file without a suffix is a default.
 * Files are read once at construction. Immutable and thread-safe.
 */
public final class BuildEnv {
  /** Variables of the lifecycle's environment passed through (the reference's include list). */
  static final Set<String> INCLUDED = Set.of("CNB_STACK_ID", "HOSTNAME", "HOME", "HTTPS_PROXY", "https_proxy",
      "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "PATH", "LD_LIBRARY_PATH", "LIBRARY_PATH", "CPATH",
      "PKG_CONFIG_PATH");

  /** Path lists: a platform value is prepended to the existing one, not substituted. */
  static final Set<String> PATH_LISTS = Set.of("PATH", "LD_LIBRARY_PATH", "LIBRARY_PATH", "CPATH", "PKG_CONFIG_PATH");

  /** {@code CNB_EXEC_ENV} when the lifecycle's environment does not set it (platform.md 0.15). */
  public static final String DEFAULT_EXEC_ENV = "production";

  private final Map<String, String> base;
  private final String execEnv;
  private final Map<String, String> platform;
  private final Map<String, String> buildConfigFiles;

  public BuildEnv(Map<String, String> processEnv, Path platformDir, Path buildConfigDir) {
    Map<String, String> b = new TreeMap<>();
    processEnv.forEach((k, v) -> {
      if (INCLUDED.contains(k)) {
        b.put(k, v);
      }
    });
    this.base = Map.copyOf(b);
    this.execEnv = execEnv(processEnv);
    this.platform = Map.copyOf(EnvFiles.read(platformDir.resolve("env")));
    this.buildConfigFiles = Map.copyOf(EnvFiles.read(buildConfigDir.resolve("env")));
  }

  /** The environment for a module; {@code clearEnv} drops the user's platform env. */
  public Map<String, String> forModule(boolean clearEnv) {
    return forModule(clearEnv, Map.of(), env -> { });
  }

  /**
   * The environment for {@code /bin/build}, in the spec's order of precedence: {@code underlay}
   * (e.g. an image's config {@code Env}) with the passed-through lifecycle variables over it, then
   * what earlier buildpacks' build layers contribute ({@code layers}), then the user's platform
   * env (unless {@code clearEnv}), then the operator's build-config env: its plain files are
   * defaults, its {@code .override}/{@code .append}/{@code .prepend} files change what is there.
   */
  public Map<String, String> forModule(boolean clearEnv, Map<String, String> underlay,
      Consumer<Map<String, String>> layers) {
    Map<String, String> env = new TreeMap<>(underlay);
    env.putAll(base);
    layers.accept(env);
    if (!clearEnv) {
      platform.forEach((k, v) -> env.put(k, PATH_LISTS.contains(k) && env.containsKey(k)
          ? v + File.pathSeparator + env.get(k) : v));
    }
    EnvFiles.applyBuildConfig(env, buildConfigFiles);
    return env;
  }

  /**
   * The execution environment ({@code CNB_EXEC_ENV}, default {@value #DEFAULT_EXEC_ENV}): the
   * reference passes it to every {@code /bin/detect} and {@code /bin/build} of Buildpack API 0.12+
   * whatever the Platform API, and only the detector's skipping of modules is a Platform API 0.15
   * feature.
   */
  public String execEnv() {
    return execEnv;
  }

  /** {@code CNB_EXEC_ENV} of the lifecycle's environment {@code processEnv}, or {@value #DEFAULT_EXEC_ENV}. */
  public static String execEnv(Map<String, String> processEnv) {
    String exec = processEnv.get("CNB_EXEC_ENV");
    return exec == null || exec.isEmpty() ? DEFAULT_EXEC_ENV : exec;
  }

  /** The env var a module of {@code api} is given for the execution environment, if any. */
  public Map<String, String> execEnvFor(dev.cnbfarm.lifecycle.api.ApiVersion api) {
    return api.atLeast("0.12") ? Map.of("CNB_EXEC_ENV", execEnv) : Map.of();
  }

  /** The user-provided platform env vars, as files in {@code <platform>/env} set them. */
  public Map<String, String> platformVariables() {
    return platform;
  }
}
