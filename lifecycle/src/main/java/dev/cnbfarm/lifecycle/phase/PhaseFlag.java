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
  APP("app", "CNB_APP_DIR", Default.FIXED, "/workspace", ""),
  BUILDPACKS("buildpacks", "CNB_BUILDPACKS_DIR", Default.FIXED, "/cnb/buildpacks", ""),
  EXTENSIONS("extensions", "CNB_EXTENSIONS_DIR", Default.FIXED, "/cnb/extensions", ""),
  LAYERS("layers", "CNB_LAYERS_DIR", Default.FIXED, "/layers", ""),
  PLATFORM("platform", "CNB_PLATFORM_DIR", Default.FIXED, "/platform", ""),
  BUILD_CONFIG("build-config", "CNB_BUILD_CONFIG_DIR", Default.FIXED, "/cnb/build-config", "0.11"),
  RUN("run", "CNB_RUN_PATH", Default.FIXED, "/cnb/run.toml", "0.12"),
  /** {@code <layers>/order.toml} if present, else {@code /cnb/order.toml} (platform.md "detector"). */
  ORDER("order", "CNB_ORDER_PATH", Default.ORDER, "order.toml", ""),
  GROUP("group", "CNB_GROUP_PATH", Default.IN_LAYERS, "group.toml", ""),
  PLAN("plan", "CNB_PLAN_PATH", Default.IN_LAYERS, "plan.toml", ""),
  ANALYZED("analyzed", "CNB_ANALYZED_PATH", Default.IN_LAYERS, "analyzed.toml", ""),
  GENERATED("generated", "CNB_GENERATED_DIR", Default.IN_LAYERS, "generated", ""),
  EXTENDED("extended", "CNB_EXTENDED_DIR", Default.IN_LAYERS, "extended", "0.12"),
  KIND("kind", "CNB_EXTEND_KIND", Default.FIXED, "build", "0.12"),
  /** Default: the {@code [build-image] reference} of analyzed.toml. */
  BUILD_IMAGE("build-image", "CNB_BUILD_IMAGE", Default.NONE, "", ""),
  /** Default: the build image's {@code CNB_USER_ID}, else its user. */
  UID("uid", "CNB_USER_ID", Default.NONE, "", ""),
  /** Default: the build image's {@code CNB_GROUP_ID}, else its user's group. */
  GID("gid", "CNB_GROUP_ID", Default.NONE, "", ""),
  /** The extension layer cache's TTL, a Go duration (decisions.md #16). */
  KANIKO_CACHE_TTL("kaniko-cache-ttl", "CNB_KANIKO_CACHE_TTL", Default.FIXED, "336h", ""),
  LOG_LEVEL("log-level", "CNB_LOG_LEVEL", Default.FIXED, "info", "");

  private enum Default { FIXED, IN_LAYERS, ORDER, NONE }

  private final String flag;
  private final String envVar;
  private final Default kind;
  private final String fallback;
  private final String since;

  PhaseFlag(String flag, String envVar, Default kind, String fallback, String since) {
    this.flag = flag;
    this.envVar = envVar;
    this.kind = kind;
    this.fallback = fallback;
    this.since = since;
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
      case FIXED, NONE -> fallback;
      case IN_LAYERS -> LAYERS.path(in).resolve(fallback).toString();
      case ORDER -> {
        Path inLayers = LAYERS.path(in).resolve(fallback);
        yield Files.exists(inLayers) ? inLayers.toString() : "/cnb/order.toml";
      }
    };
  }
}
