package dev.cnbfarm.lifecycle.build;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A process type from {@code launch.toml} {@code [[processes]]} (buildpack.md "launch.toml"), as
 * {@code metadata.toml} records it. {@code command} is the whole command array (Buildpack API ≥
 * 0.9; a string command of older APIs is one element). {@code execEnv} is the process's {@code
 * exec-env} list (Buildpack API 0.12): empty means every execution environment; the launcher of a
 * Platform API 0.15 image starts it only in one the list names (or {@code *}). Immutable.
 */
public record LaunchProcess(String type, List<String> command, List<String> args, boolean direct, boolean isDefault,
    String workingDir, String buildpackId, List<String> execEnv) {
  public LaunchProcess {
    command = List.copyOf(command);
    args = List.copyOf(args);
    workingDir = workingDir == null ? "" : workingDir;
    execEnv = execEnv == null ? List.of() : List.copyOf(execEnv);
  }

  /** A process for every execution environment. */
  public LaunchProcess(String type, List<String> command, List<String> args, boolean direct, boolean isDefault,
      String workingDir, String buildpackId) {
    this(type, command, args, direct, isDefault, workingDir, buildpackId, List.of());
  }

  LaunchProcess withDefault(boolean value) {
    return new LaunchProcess(type, command, args, direct, value, workingDir, buildpackId, execEnv);
  }

  Map<String, Object> toToml() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", type);
    m.put("command", command);
    m.put("args", args);
    m.put("direct", direct);
    if (isDefault) {
      m.put("default", true);
    }
    if (!workingDir.isEmpty()) {
      m.put("working-dir", workingDir);
    }
    m.put("buildpack-id", buildpackId);
    if (!execEnv.isEmpty()) {
      m.put("exec-env", execEnv);
    }
    return m;
  }
}
