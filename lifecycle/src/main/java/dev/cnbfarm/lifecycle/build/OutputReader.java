package dev.cnbfarm.lifecycle.build;

import dev.cnbfarm.lifecycle.buildpack.ModuleDescriptor;
import dev.cnbfarm.lifecycle.exec.Execution;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import dev.cnbfarm.lifecycle.platform.Plan;
import dev.cnbfarm.lifecycle.report.Reporter;
import dev.cnbfarm.lifecycle.toml.Toml;
import dev.cnbfarm.lifecycle.toml.TomlTable;
import java.io.IOException;
import dev.cnbfarm.lifecycle.fs.ModuleFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads and checks what a buildpack wrote into {@code <layers>/<escaped-id>/} (buildpack.md
 * "Phase #3: Build" > "Outputs"): {@code <layer>.toml} files, {@code launch.toml}, {@code
 * build.toml}, SBOM files and {@code exec.d} dirs. Anything malformed fails with {@link
 * FailureCode#BUILD_ERROR} naming the file (and line or key). Stateless and thread-safe.
 */
final class OutputReader {
  /** buildpack.md "launch.toml": process types are restricted to these characters. */
  private static final Pattern PROCESS_TYPE = Pattern.compile("[A-Za-z0-9_.-]+");
  private static final Set<String> SBOM_FORMATS = Set.of("cdx", "spdx", "syft");
  private static final Set<String> NOT_LAYERS = Set.of("launch.toml", "build.toml", "store.toml");

  private OutputReader() {}

  /** The reference's warning for a legacy {@code [[bom]]} table (buildpack/bom.go validateBOM). */
  static final String BOM_DEPRECATED = "BOM table is deprecated in this buildpack api version, though it remains"
      + " supported for backwards compatibility. Buildpack authors should write BOM information to"
      + " <layer>.sbom.<ext>, launch.sbom.<ext>, or build.sbom.<ext>.";

  static BuildpackOutput read(ModuleDescriptor bp, Path dir, List<Plan.Require> plan, Execution execution,
      Reporter reporter) {
    List<Layer> layers = new ArrayList<>();
    List<Path> sboms = new ArrayList<>();
    for (Path file : files(dir)) {
      String name = file.getFileName().toString();
      Matcher sbom = SbomLayout.FILE.matcher(name);
      if (sbom.matches()) {
        if (!SBOM_FORMATS.contains(sbom.group(2))) {
          throw error(file + ": unsupported SBOM format '" + sbom.group(2) + "' (expected cdx, spdx or syft)");
        }
        sboms.add(file);
      } else if (name.endsWith(".toml") && !NOT_LAYERS.contains(name)) {
        layers.add(layer(file));
      }
    }
    List<Path> execDirs = layers.stream().filter(Layer::launch).map(l -> l.dir().resolve("exec.d"))
        .filter(ModuleFiles::isDirectory).toList();
    Path launchFile = dir.resolve("launch.toml");
    TomlTable launch = exists(launchFile) ? Toml.readWritten(launchFile, FailureCode.BUILD_ERROR)
        : Toml.parse("", launchFile.toString(), FailureCode.BUILD_ERROR);
    Path buildFile = dir.resolve("build.toml");
    List<Map<String, Object>> buildBom = exists(buildFile)
        ? checkBom(Toml.readWritten(buildFile, FailureCode.BUILD_ERROR), sboms, reporter) : List.of();
    List<Map<String, Object>> launchBom = checkBom(launch, sboms, reporter);
    return new BuildpackOutput(bp.id(), bp.version(), execution, layers, processes(bp, launch, reporter),
        labels(launch), slices(launch), unmet(buildFile, plan), sboms, execDirs, launchBom, buildBom);
  }

  /**
   * The legacy {@code [[bom]]} table of launch.toml or build.toml, which every supported Buildpack
   * API (0.7+) deprecates but still accepts, as the reference does (buildpack/bom.go): a warning
   * unless the buildpack also wrote SBOM files (its migration path), and an entry with a
   * top-level {@code version} is an error (it belongs in {@code metadata.version}). Returns the
   * entries ({@code name}, {@code metadata}) for the builder's {@code sbom.legacy.json} files.
   */
  private static List<Map<String, Object>> checkBom(TomlTable toml, List<Path> sboms, Reporter reporter) {
    List<TomlTable> bom = toml.tables("bom");
    if (bom.isEmpty()) {
      return List.of();
    }
    if (sboms.isEmpty()) {
      reporter.warn(BOM_DEPRECATED);
    }
    for (TomlTable entry : bom) {
      if (entry.has("version")) {
        throw entry.error("version", "bom entry '" + entry.string("name", "") + "' has a top level version which"
            + " is not allowed. The buildpack should instead set metadata.version");
      }
    }
    List<Map<String, Object>> entries = new ArrayList<>();
    for (TomlTable entry : bom) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("name", entry.string("name", ""));
      e.put("metadata", entry.table("metadata").map(TomlTable::asMap).orElse(null));
      entries.add(e);
    }
    return entries;
  }

  private static Layer layer(Path file) {
    String name = file.getFileName().toString();
    name = name.substring(0, name.length() - ".toml".length());
    TomlTable toml = Toml.readWritten(file, FailureCode.BUILD_ERROR);
    for (String flag : List.of("launch", "build", "cache")) {
      if (toml.has(flag)) {
        throw toml.error(flag, "the launch, build and cache flags belong in the [types] table");
      }
    }
    TomlTable types = toml.table("types").orElse(Toml.parse("", file.toString(), FailureCode.BUILD_ERROR));
    boolean launch = types.bool("launch", false);
    boolean build = types.bool("build", false);
    boolean cache = types.bool("cache", false);
    Path dir = file.resolveSibling(name);
    if (!launch && !build && !cache) {
      dir = ignore(dir);
    }
    return new Layer(name, dir, launch, build, cache, toml.rawTable("metadata"));
  }

  /**
   * A layer of no type is renamed {@code <layer>.ignore}, as the reference does (buildpack/build.go
   * renameLayerDirIfNeeded), so no later buildpack, exporter or cache sees its contents.
   */
  private static Path ignore(Path dir) {
    Path ignored = dir.resolveSibling(dir.getFileName() + ".ignore");
    if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return ignored;
    }
    try {
      FileTrees.deleteQuietly(ignored);
      Files.move(dir, ignored);
    } catch (IOException e) {
      throw error("cannot rename " + dir + " to " + ignored.getFileName() + ": " + e.getMessage());
    }
    return ignored;
  }

  private static List<LaunchProcess> processes(ModuleDescriptor bp, TomlTable launch, Reporter reporter) {
    List<LaunchProcess> out = new ArrayList<>();
    String firstDefault = "";
    for (TomlTable p : launch.tables("processes")) {
      String type = p.requireString("type");
      if (!PROCESS_TYPE.matcher(type).matches()) {
        throw p.error("type", "process type '" + type + "' may only contain letters, digits, '.', '_' and '-'");
      }
      // Below Buildpack API 0.9 a command is one string (run by a shell unless direct); from 0.9
      // an array (buildpack/files.go DecodeLaunchTOML decodes only the form of the API).
      boolean stringCommand = bp.api().lessThan("0.9");
      Object raw = p.asMap().get("command");
      if (raw != null && stringCommand != raw instanceof String) {
        throw p.error("command", "process type '" + type + "': the command must be " + (stringCommand
            ? "a string" : "an array of strings") + " at Buildpack API " + bp.api());
      }
      List<String> command = stringCommand ? List.of(p.string("command", "")) : p.strings("command");
      if (command.isEmpty() || command.get(0).isEmpty()) {
        throw p.error("command", "process type '" + type + "' has no command");
      }
      boolean isDefault = p.bool("default", false);
      if (isDefault && !firstDefault.isEmpty()) {
        throw p.error("default", "process types '" + firstDefault + "' and '" + type
            + "' are both marked default; a buildpack may mark at most one");
      }
      firstDefault = isDefault ? type : firstDefault;
      // Buildpack API 0.9 dropped `direct` (every process runs without a shell); the reference
      // refuses the key there (buildpack/files.go DecodeLaunchTOML), so a shell process is never
      // silently turned into a direct one.
      if (bp.api().atLeast("0.9") && p.has("direct")) {
        throw p.error("direct", "process type '" + type + "': 'direct' is not supported at Buildpack API "
            + bp.api() + " (every process is direct since 0.9)");
      }
      boolean direct = bp.api().atLeast("0.9") || p.bool("direct", false);
      String workingDir = p.string("working-dir", "");
      if (bp.api().lessThan("0.8") && !workingDir.isEmpty()) {
        // Buildpack API 0.8 added working-dir; the reference warns and drops it (buildpack/build.go).
        reporter.warn("Warning: process working directory isn't supported in this buildpack api version."
            + " Ignoring working directory for process '" + type + "'");
        workingDir = "";
      }
      // Buildpack API 0.12 added a process's exec-env (buildpack/files.go; the launcher filters by it
      // from Platform API 0.15); older buildpacks' processes are for every environment.
      List<String> execEnv = bp.api().atLeast("0.12") ? p.strings("exec-env") : List.of();
      out.add(new LaunchProcess(type, command, p.strings("args"), direct, isDefault, workingDir, bp.id(), execEnv));
    }
    return out;
  }

  private static List<Label> labels(TomlTable launch) {
    return launch.tables("labels").stream().map(l -> new Label(l.requireString("key"), l.string("value", ""))).toList();
  }

  private static List<Slice> slices(TomlTable launch) {
    return launch.tables("slices").stream().map(s -> new Slice(s.strings("paths"))).toList();
  }

  /** {@code [[unmet]]} names; each must name an entry of the buildpack's own plan. */
  private static List<String> unmet(Path file, List<Plan.Require> plan) {
    if (!exists(file)) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (TomlTable u : Toml.readWritten(file, FailureCode.BUILD_ERROR).tables("unmet")) {
      String name = u.requireString("name");
      if (plan.stream().noneMatch(r -> r.name().equals(name))) {
        throw u.error("name", "'" + name + "' is not an entry of this buildpack's plan " + plan.stream()
            .map(Plan.Require::name).distinct().toList());
      }
      out.add(name);
    }
    return out;
  }

  /** Every entry but directories, symlinks included: reading one refuses it with a clear error. */
  private static List<Path> files(Path dir) {
    if (!ModuleFiles.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> !ModuleFiles.isDirectory(p)).sorted().toList();
    } catch (IOException e) {
      throw error("cannot list " + dir + ": " + e.getMessage());
    }
  }

  private static boolean exists(Path p) {
    return Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
  }

  private static LifecycleException error(String message) {
    return new LifecycleException(FailureCode.BUILD_ERROR, message);
  }
}
