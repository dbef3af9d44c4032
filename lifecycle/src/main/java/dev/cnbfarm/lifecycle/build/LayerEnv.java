package dev.cnbfarm.lifecycle.build;

import dev.cnbfarm.lifecycle.env.EnvFiles;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The env that the build layers of earlier buildpacks give later ones (buildpack.md "Environment
 * Variables" > "Buildpack-Provided Variables"): for each layer with {@code build = true}, in the
 * order added, its {@code bin}, {@code lib}, {@code include} and {@code pkgconfig} dirs are
 * prepended to their path lists, then its {@code env/} and {@code env.build/} files apply with
 * the {@link EnvFiles} rules. Files are read when a layer is added. Not thread-safe.
 */
final class LayerEnv {
  /** Root dir to the variables it is prepended to (POSIX Build Layer Environment). */
  private static final Map<String, List<String>> ROOT_DIRS = Map.of(
      "bin", List.of("PATH"),
      "lib", List.of("LD_LIBRARY_PATH", "LIBRARY_PATH"),
      "include", List.of("CPATH"),
      "pkgconfig", List.of("PKG_CONFIG_PATH"));
  private static final List<String> ROOT_ORDER = List.of("bin", "lib", "include", "pkgconfig");

  private final List<Contribution> contributions = new ArrayList<>();

  void add(Path layerDir) {
    List<Path> roots = new ArrayList<>();
    for (String name : ROOT_ORDER) {
      if (Files.isDirectory(layerDir.resolve(name))) {
        roots.add(layerDir.resolve(name));
      }
    }
    contributions.add(new Contribution(roots, EnvFiles.readWritten(layerDir.resolve("env")),
        EnvFiles.readWritten(layerDir.resolve("env.build"))));
  }

  /** Replays every contribution, oldest first, over {@code env}. */
  void applyTo(Map<String, String> env) {
    for (Contribution c : contributions) {
      for (Path root : c.roots()) {
        for (String var : ROOT_DIRS.get(root.getFileName().toString())) {
          env.merge(var, root.toString(), (old, dir) -> old.isEmpty() ? dir : dir + File.pathSeparator + old);
        }
      }
      EnvFiles.apply(env, c.env());
      EnvFiles.apply(env, c.envBuild());
    }
  }

  private record Contribution(List<Path> roots, Map<String, String> env, Map<String, String> envBuild) {}
}
