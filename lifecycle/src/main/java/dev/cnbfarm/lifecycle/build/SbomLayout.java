package dev.cnbfarm.lifecycle.build;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import dev.cnbfarm.lifecycle.fs.ModuleFiles;
import dev.cnbfarm.lifecycle.buildpack.ModuleStore;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the builder puts the SBOM files buildpacks write (platform.md "builder" outputs, RFC 0095):
 * {@code launch.sbom.<ext>} and {@code build.sbom.<ext>} go to {@code
 * <layers>/sbom/{launch,build}/<escaped-bp-id>/sbom.<ext>}; {@code <layer>.sbom.<ext>} goes to
 * {@code <layers>/sbom/<type>/<escaped-bp-id>/<layer>/sbom.<ext>} for each of the layer's types
 * ({@code launch}, {@code build}, {@code cache}). Stateless and thread-safe.
 */
final class SbomLayout {
  /** {@code <owner>.sbom.<format>.json}: the owner is a layer name, {@code launch} or {@code build}. */
  static final Pattern FILE = Pattern.compile("(.+)\\.sbom\\.([a-z]+)\\.json");

  private static final ObjectMapper JSON = new ObjectMapper();

  private SbomLayout() {}

  /** Removes {@code <layers>/sbom}: SBOMs of an earlier build must not be exported with this one. */
  static void clear(Path layersRoot) {
    Path dir = layersRoot.resolve("sbom");
    try {
      FileTrees.deleteRecursively(dir);
    } catch (IOException e) {
      throw new LifecycleException(FailureCode.BUILD_ERROR, "cannot clear " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Copies the buildpack's SBOM files into {@code <layers>/sbom/}; returns the copies. */
  static List<Path> copy(Path layersRoot, BuildpackOutput out) {
    List<Path> copies = new ArrayList<>();
    String bp = ModuleStore.escape(out.id());
    for (Path file : out.sboms()) {
      Matcher m = FILE.matcher(file.getFileName().toString());
      if (!m.matches()) {
        continue;
      }
      String name = "sbom." + m.group(2) + ".json";
      String owner = m.group(1);
      if (owner.equals("launch") || owner.equals("build")) {
        copies.add(copy(file, layersRoot.resolve("sbom").resolve(owner).resolve(bp).resolve(name)));
        continue;
      }
      Optional<Layer> layer = out.layers().stream().filter(l -> l.name().equals(owner)).findFirst();
      for (String type : layer.map(SbomLayout::types).orElse(List.of())) {
        copies.add(copy(file, layersRoot.resolve("sbom").resolve(type).resolve(bp).resolve(owner).resolve(name)));
      }
    }
    return copies;
  }

  /**
   * The legacy {@code [[bom]]} entries of every buildpack, each with its {@code buildpack} ({@code
   * id}, {@code version}), as {@code <layers>/sbom/launch/sbom.legacy.json} and {@code
   * <layers>/sbom/build/sbom.legacy.json}, the reference builder's files for Platform API 0.9+
   * (phase/builder.go; a list with no entry is {@code null}, as Go encodes it). Unlike the
   * reference, which writes both files on every build, nothing is written when no buildpack left
   * an entry, so builds without a legacy BOM get no SBOM layer for it.
   */
  static void writeLegacy(Path layersRoot, List<BuildpackOutput> outputs) {
    List<Map<String, Object>> launch = new ArrayList<>();
    List<Map<String, Object>> build = new ArrayList<>();
    for (BuildpackOutput out : outputs) {
      Map<String, Object> bp = new LinkedHashMap<>();
      bp.put("id", out.id());
      bp.put("version", out.version());
      out.launchBom().forEach(e -> launch.add(withBuildpack(e, bp)));
      out.buildBom().forEach(e -> build.add(withBuildpack(e, bp)));
    }
    if (launch.isEmpty() && build.isEmpty()) {
      return;
    }
    writeJson(layersRoot.resolve("sbom").resolve("launch").resolve("sbom.legacy.json"), launch);
    writeJson(layersRoot.resolve("sbom").resolve("build").resolve("sbom.legacy.json"), build);
  }

  private static Map<String, Object> withBuildpack(Map<String, Object> entry, Map<String, Object> bp) {
    Map<String, Object> e = new LinkedHashMap<>(entry);
    e.put("buildpack", bp);
    return e;
  }

  private static void writeJson(Path file, List<Map<String, Object>> entries) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, (entries.isEmpty() ? "null" : JSON.writeValueAsString(entries)) + "\n",
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new LifecycleException(FailureCode.BUILD_ERROR, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private static List<String> types(Layer l) {
    List<String> types = new ArrayList<>();
    if (l.launch()) {
      types.add("launch");
    }
    if (l.build()) {
      types.add("build");
    }
    if (l.cache()) {
      types.add("cache");
    }
    return types;
  }

  private static Path copy(Path from, Path to) {
    try {
      Files.createDirectories(to.getParent());
      // Never Files.copy: it follows a link the buildpack planted to a host file (issue 12).
      ModuleFiles.copyFile(from, to);
      return to;
    } catch (IOException e) {
      throw new LifecycleException(FailureCode.BUILD_ERROR, "cannot copy " + from + " to " + to + ": " + e.getMessage(), e);
    }
  }
}
