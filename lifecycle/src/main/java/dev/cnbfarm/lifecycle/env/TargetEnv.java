package dev.cnbfarm.lifecycle.env;

import dev.cnbfarm.lifecycle.buildpack.Target;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code CNB_TARGET_*} variables describing the run image (RFC 0096). Stateless. */
public final class TargetEnv {
  private TargetEnv() {}

  /** Only set values are exported; optional ones are omitted when unknown. */
  public static Map<String, String> of(Target target) {
    Map<String, String> env = new LinkedHashMap<>();
    put(env, "CNB_TARGET_OS", target.os());
    put(env, "CNB_TARGET_ARCH", target.arch());
    put(env, "CNB_TARGET_ARCH_VARIANT", target.variant());
    target.distros().stream().findFirst().ifPresent(d -> {
      put(env, "CNB_TARGET_DISTRO_NAME", d.name());
      put(env, "CNB_TARGET_DISTRO_VERSION", d.version());
    });
    return env;
  }

  private static void put(Map<String, String> env, String key, String value) {
    if (!value.isEmpty() && !value.equals("*")) {
      env.put(key, value);
    }
  }
}
