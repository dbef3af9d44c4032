package dev.cnbfarm.lifecycle.export;

import dev.cnbfarm.lifecycle.build.Layer;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.toml.Toml;
import dev.cnbfarm.lifecycle.toml.TomlTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads the layers a buildpack declared in {@code <layers>/<escaped-id>/<name>.toml} (buildpack.md
 * "Layer Types"), sorted by name, for the exporter. Stateless.
 */
public final class LayerTomls {
  private static final Set<String> NOT_LAYERS = Set.of("launch.toml", "build.toml", "store.toml");

  private LayerTomls() {}

  /** The directory of buildpack {@code id} under {@code layersDir}: '/' in the id becomes '_'. */
  public static Path buildpackDir(Path layersDir, String id) {
    return layersDir.resolve(escape(id));
  }

  /** {@code id} as a path segment: '/' becomes '_'. */
  public static String escape(String id) {
    return id.replace('/', '_');
  }

  /** Every declared layer of the buildpack at {@code dir}; none when the dir does not exist. */
  public static List<Layer> read(Path dir) {
    if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".toml"))
          .filter(f -> !NOT_LAYERS.contains(f.getFileName().toString()) && !Files.isDirectory(f, java.nio.file.LinkOption.NOFOLLOW_LINKS))
          .sorted().map(LayerTomls::layer).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  private static Layer layer(Path file) {
    String fileName = file.getFileName().toString();
    String name = fileName.substring(0, fileName.length() - ".toml".length());
    TomlTable toml = Toml.readWritten(file, FailureCode.EXPORT_ERROR);
    TomlTable types = toml.table("types").orElse(Toml.parse("", file.toString(), FailureCode.EXPORT_ERROR));
    Map<String, Object> metadata = toml.has("metadata") ? toml.rawTable("metadata") : Map.of();
    return new Layer(name, file.resolveSibling(name), types.bool("launch", false), types.bool("build", false),
        types.bool("cache", false), metadata);
  }
}
