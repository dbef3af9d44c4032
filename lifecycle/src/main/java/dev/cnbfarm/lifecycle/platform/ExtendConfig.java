package dev.cnbfarm.lifecycle.platform;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.toml.Toml;
import dev.cnbfarm.lifecycle.toml.TomlTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An extension's {@code extend-config.toml}: extra build args for its build.Dockerfile
 * ({@code [[build.args]]}) and run.Dockerfile ({@code [[run.args]]}, BP 0.10+). The lifecycle's own
 * args ({@code build_id}, {@code user_id}, {@code group_id}) may not be set here; {@code base_image}
 * is always the lifecycle's. Immutable.
 */
public record ExtendConfig(List<BuildArg> buildArgs, List<BuildArg> runArgs) {
  /** Names an extension may not set (extensions.md §3.4). */
  public static final Set<String> RESERVED = Set.of("build_id", "user_id", "group_id");

  public ExtendConfig {
    buildArgs = List.copyOf(buildArgs);
    runArgs = List.copyOf(runArgs);
  }

  public static ExtendConfig none() {
    return new ExtendConfig(List.of(), List.of());
  }

  /** Reads and validates the file; a missing file means no args. Errors exit 92. */
  public static ExtendConfig read(Path file) {
    if (!Files.exists(file)) {
      return none();
    }
    TomlTable toml = Toml.read(file, FailureCode.GENERATE_ERROR);
    return new ExtendConfig(args(toml, "build"), args(toml, "run"));
  }

  private static List<BuildArg> args(TomlTable toml, String kind) {
    List<BuildArg> out = new ArrayList<>();
    Optional<TomlTable> table = toml.table(kind);
    if (table.isEmpty()) {
      return out;
    }
    for (TomlTable a : table.get().tables("args")) {
      String name = a.requireString("name");
      if (RESERVED.contains(name)) {
        throw new LifecycleException(FailureCode.GENERATE_ERROR, toml.file() + ": " + kind
            + ".args: invalid content: arg with name '" + name + "' is not allowed (it is provided by the lifecycle)");
      }
      out.add(new BuildArg(name, a.string("value", "")));
    }
    return out;
  }

  public List<BuildArg> argsFor(String kind) {
    return kind.equals("run") ? runArgs : buildArgs;
  }

  /** One {@code name = value} build arg. Immutable. */
  public record BuildArg(String name, String value) {}
}
