package dev.cnbfarm.lifecycle.buildpack;

import dev.cnbfarm.lifecycle.api.ApiVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A parsed {@code buildpack.toml} or {@code extension.toml} with the directory it lives in.
 * Composite ("meta") buildpacks have an {@link #order()}; extensions never do. Immutable.
 */
public record ModuleDescriptor(
    ModuleKind kind,
    ApiVersion api,
    String id,
    String version,
    String name,
    String homepage,
    boolean clearEnv,
    List<Target> targets,
    List<OrderGroup> order,
    Path dir,
    List<String> execEnv) {

  /** The execution environment that matches every {@code CNB_EXEC_ENV} (buildpack.md "exec-env"). */
  public static final String ANY_EXEC_ENV = "*";

  public ModuleDescriptor {
    targets = List.copyOf(targets);
    execEnv = List.copyOf(execEnv);
    order = List.copyOf(order);
    name = name == null ? "" : name;
    homepage = homepage == null ? "" : homepage;
  }

  /**
   * Reads {@code buildpack.toml} or {@code extension.toml} (by {@code kind}) from {@code dir}; a bad
   * descriptor fails with INVALID_INPUT, an unsupported api with INCOMPATIBLE_BUILDPACK_API.
   */
  public static ModuleDescriptor read(ModuleKind kind, Path dir) {
    return DescriptorParser.parse(kind, dir);
  }

  /** A descriptor that declares no {@code exec-env} (every module before Buildpack API 0.12). */
  public ModuleDescriptor(ModuleKind kind, ApiVersion api, String id, String version, String name, String homepage,
      boolean clearEnv, List<Target> targets, List<OrderGroup> order, Path dir) {
    this(kind, api, id, version, name, homepage, clearEnv, targets, order, dir, List.of());
  }

  /**
   * Whether the module takes part in a build for {@code env} (platform.md 0.15 "detector"; the
   * reference's phase/detector.go): its {@code exec-env} list is honoured from Buildpack API 0.12
   * only, and an empty list or {@code "*"} matches every environment.
   */
  public boolean runsIn(String env) {
    return api.lessThan("0.12") || execEnv.isEmpty() || execEnv.contains(ANY_EXEC_ENV) || execEnv.contains(env);
  }

  public boolean isComposite() {
    return !order.isEmpty();
  }

  public boolean isExtension() {
    return kind == ModuleKind.EXTENSION;
  }

  public Path binary(String name) {
    return dir.resolve("bin").resolve(name);
  }

  /** {@code id@version}. */
  public String coordinates() {
    return id + "@" + version;
  }

  /**
   * The targets to match, inferring when none are declared: a module with executables runs on
   * linux; one without any (a static extension) runs anywhere (buildpack.md "Targets").
   */
  public List<Target> effectiveTargets() {
    if (!targets.isEmpty()) {
      return targets;
    }
    List<String> bins = isExtension() ? List.of("detect", "generate") : List.of("detect", "build");
    if (bins.stream().anyMatch(b -> Files.exists(binary(b)))) {
      return List.of(Target.of("linux", ""));
    }
    if (!isExtension() && (Files.exists(binary("build.bat")) || Files.exists(binary("build.exe")))) {
      return List.of(Target.of("windows", ""));
    }
    return List.of();
  }
}
