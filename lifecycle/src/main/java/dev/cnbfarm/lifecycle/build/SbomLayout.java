package dev.cnbfarm.lifecycle.build;

import dev.cnbfarm.lifecycle.fs.FileTrees;
import dev.cnbfarm.lifecycle.fs.ModuleFiles;
import dev.cnbfarm.lifecycle.buildpack.ModuleStore;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
