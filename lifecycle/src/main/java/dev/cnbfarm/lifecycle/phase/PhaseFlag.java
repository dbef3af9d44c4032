package dev.cnbfarm.lifecycle.phase;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The one table of the phase commands' inputs (platform.md "Inputs" of each phase): each flag, its
 * {@code CNB_*} env var, its default and the Platform API that introduced it. A flag wins over its
 * env var, which wins over the default; {@code <layers>}-relative defaults follow {@code -layers}.
 * Only the composition root (the {@code cnbfarm lifecycle} commands) resolves them, into the
 * engine's typed inputs; phases never see flags. Immutable.
 */
public enum PhaseFlag {
  APP("app", "CNB_APP_DIR", Default.FIXED, "/workspace", "", "the application directory"),
  BUILDPACKS("buildpacks", "CNB_BUILDPACKS_DIR", Default.FIXED, "/cnb/buildpacks", "", "the buildpacks directory"),
  EXTENSIONS("extensions", "CNB_EXTENSIONS_DIR", Default.FIXED, "/cnb/extensions", "", "the extensions directory"),
  LAYERS("layers", "CNB_LAYERS_DIR", Default.FIXED, "/layers", "", "the layers directory"),
  PLATFORM("platform", "CNB_PLATFORM_DIR", Default.FIXED, "/platform", "", "the platform directory"),
  BUILD_CONFIG("build-config", "CNB_BUILD_CONFIG_DIR", Default.FIXED, "/cnb/build-config", "0.11",
      "the build config directory"),
  RUN("run", "CNB_RUN_PATH", Default.FIXED, "/cnb/run.toml", "0.12", "run.toml"),
  /** The builder's system buildpacks (platform.md 0.15); an absent file means none. */
  SYSTEM("system", "CNB_SYSTEM_PATH", Default.FIXED, "/cnb/system.toml", "0.15", "system.toml"),
  /** {@code <layers>/order.toml} if present, else {@code /cnb/order.toml} (platform.md "detector"). */
  ORDER("order", "CNB_ORDER_PATH", Default.ORDER, "order.toml", "", "order.toml"),
  GROUP("group", "CNB_GROUP_PATH", Default.IN_LAYERS, "group.toml", "", "group.toml"),
  PLAN("plan", "CNB_PLAN_PATH", Default.IN_LAYERS, "plan.toml", "", "plan.toml"),
  ANALYZED("analyzed", "CNB_ANALYZED_PATH", Default.IN_LAYERS, "analyzed.toml", "", "analyzed.toml"),
  GENERATED("generated", "CNB_GENERATED_DIR", Default.IN_LAYERS, "generated", "",
      "the generated Dockerfiles directory"),
  EXTENDED("extended", "CNB_EXTENDED_DIR", Default.IN_LAYERS, "extended", "0.12", "the extended layers directory"),
  KIND("kind", "CNB_EXTEND_KIND", Default.FIXED, "build", "0.12", "build or run"),
  BUILD_IMAGE("build-image", "CNB_BUILD_IMAGE", Default.NONE, "[build-image] reference of analyzed.toml", "",
      "the build image, cnbfarm's flag"),
  UID("uid", "CNB_USER_ID", Default.NONE, "extender: the build image's CNB_USER_ID, else its user; exporter: "
      + "required", "", "the CNB user id"),
  GID("gid", "CNB_GROUP_ID", Default.NONE, "extender: the build image's CNB_GROUP_ID, else its user's group; "
      + "exporter: required", "", "the CNB group id"),
  /** A Go duration (decisions.md #16). */
  KANIKO_CACHE_TTL("kaniko-cache-ttl", "CNB_KANIKO_CACHE_TTL", Default.FIXED, "336h", "",
      "TTL of cnbfarm's extension layer cache"),
  /** The builder's launcher when the file exists, else cnbfarm's sh launcher. */
  LAUNCHER("launcher", "CNB_LAUNCHER_PATH", Default.FIXED, "/cnb/lifecycle/launcher", "",
      "the launcher (cnbfarm's sh launcher when the file is absent)"),
  PROJECT_METADATA("project-metadata", "CNB_PROJECT_METADATA_PATH", Default.IN_LAYERS, "project-metadata.toml", "",
      "project-metadata.toml"),
  REPORT("report", "CNB_REPORT_PATH", Default.IN_LAYERS, "report.toml", "", "report.toml"),
  // the analyzer's (platform.md "analyzer"); booleans and repeatable flags: PhaseFlags
  PREVIOUS_IMAGE("previous-image", "CNB_PREVIOUS_IMAGE", Default.NONE, "the output image", "",
      "the previous app image, whose layer metadata and SBOMs are reused"),
  RUN_IMAGE("run-image", "CNB_RUN_IMAGE", Default.NONE, "run.toml's first image, or its mirror in the output's "
      + "registry", "", "the run image"),
  TAG("tag", "", Default.NONE, "none; repeatable", "", "another tag of the output image"),
  /** The build cache as a dir (the reference's volume cache); {@link #CACHE_IMAGE} wins when both are set. */
  CACHE_DIR("cache-dir", "CNB_CACHE_DIR", Default.NONE, "none (no cache dir)", "", "the build cache dir"),
  CACHE_IMAGE("cache-image", "CNB_CACHE_IMAGE", Default.NONE, "none (no cache image)", "",
      "the build cache image (registry or oci:)"),
  /** A boolean: given without a value it is true. */
  SKIP_LAYERS("skip-layers", "CNB_SKIP_LAYERS", Default.FIXED, "false", "",
      "do not restore layer metadata or the previous image's SBOMs"),
  LAUNCH_CACHE("launch-cache", "CNB_LAUNCH_CACHE_DIR", Default.NONE, "none; only with -daemon", "",
      "the launch cache directory"),
  LAYOUT("layout", "CNB_USE_LAYOUT", Default.FIXED, "false", "0.12", "read and write images as OCI layouts"),
  LAYOUT_DIR("layout-dir", "CNB_LAYOUT_DIR", Default.NONE, "none; required with -layout", "0.12",
      "the root of the OCI layouts"),
  INSECURE_REGISTRY("insecure-registry", "CNB_INSECURE_REGISTRIES", Default.NONE, "none; repeatable, or "
      + "comma-separated in the env var", "0.13", "a registry reached over plain HTTP"),
  DAEMON("daemon", "CNB_USE_DAEMON", Default.FIXED, "false", "", "refused: cnbfarm has no Docker daemon"),
  /** cnbfarm's, as pack's {@code --sbom-output-dir}: the reference exporter has none. */
  SBOM_OUTPUT_DIR("sbom-output-dir", "CNBFARM_SBOM_OUTPUT_DIR", Default.NONE, "none", "",
      "copy <layers>/sbom/{launch,build,cache} here after the export, cnbfarm's flag"),
  LOG_LEVEL("log-level", "CNB_LOG_LEVEL", Default.FIXED, "info", "", "debug, info, warn or error");

  private enum Default { FIXED, IN_LAYERS, ORDER, NONE }

  private final String flag;
  private final String envVar;
  private final Default kind;
  private final String fallback;
  private final String since;
  private final String about;

  /**
   * @param fallback the default: a value, a name under {@code <layers>}, or for {@link Default#NONE}
   *     the words that say where the default comes from (the value itself is then empty)
   * @param about what the input is, for the commands' help
   */
  PhaseFlag(String flag, String envVar, Default kind, String fallback, String since, String about) {
    this.flag = flag;
    this.envVar = envVar;
    this.kind = kind;
    this.fallback = fallback;
    this.since = since;
    this.about = about;
  }

  /** The one-line help of the flag: what it is, its env var, its default and the Platform API it needs. */
  public String help() {
    String byDefault = switch (kind) {
      case FIXED -> "default " + fallback;
      case IN_LAYERS -> "default <layers>/" + fallback;
      case ORDER -> "default <layers>/order.toml if present, else /cnb/order.toml";
      case NONE -> "default: " + fallback;
    };
    return about + " (" + (envVar.isEmpty() ? "" : envVar + "; ") + byDefault + (since.isEmpty() ? "" : "; Platform API " + since + "+") + ")";
  }

  /** The flag's name, without its dash. */
  public String flag() {
    return flag;
  }

  public String envVar() {
    return envVar;
  }

  /** The Platform API that introduced the flag, if later than the first one we support. */
  public Optional<String> since() {
    return since.isEmpty() ? Optional.empty() : Optional.of(since);
  }

  /** Exits 3 (as the reference's "flag provided but not defined") when the flag is newer than the Platform API. */
  public void requireApi(PhaseInputs in) {
    if (!since.isEmpty()) {
      in.requireApi(flag, since);
    }
  }

  /** The flag, else its env var, else the default; empty when neither is set and there is no default. */
  public String value(PhaseInputs in) {
    return in.value(flag, envVar, defaultValue(in));
  }

  /** The value as an absolute, normalised path. */
  public Path path(PhaseInputs in) {
    return Path.of(value(in)).toAbsolutePath().normalize();
  }

  /** The flag or env var only, when set: for inputs whose default comes from an image or a file. */
  public Optional<String> explicit(PhaseInputs in) {
    return Optional.of(in.value(flag, envVar, "")).filter(v -> !v.isEmpty());
  }

  private String defaultValue(PhaseInputs in) {
    return switch (kind) {
      case FIXED -> fallback;
      case NONE -> "";
      case IN_LAYERS -> LAYERS.path(in).resolve(fallback).toString();
      case ORDER -> {
        Path inLayers = LAYERS.path(in).resolve(fallback);
        yield Files.exists(inLayers) ? inLayers.toString() : "/cnb/order.toml";
      }
    };
  }
}
