package dev.cnbfarm.engine.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A static scenario from {@code src/test/resources/fixtures/<name>/}, copied into a temp dir with
 * its {@code bin/*} scripts made executable (resource copying drops the mode bits). Its
 * {@code expected/} dir holds the golden outputs. Not thread-safe.
 */
public final class StaticScenario {
  private final Path source;
  private final Path copy;

  private StaticScenario(Path source, Path copy) {
    this.source = source;
    this.copy = copy;
  }

  public static StaticScenario copy(String name, Path tempDir) {
    URL url = StaticScenario.class.getResource("/fixtures/" + name);
    if (url == null) {
      throw new IllegalArgumentException("no fixture scenario " + name);
    }
    try {
      Path source = Path.of(url.toURI());
      try (Stream<Path> walk = Files.walk(source)) {
        for (Path p : (Iterable<Path>) walk::iterator) {
          Path dest = tempDir.resolve(source.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(dest);
          } else {
            Files.copy(p, dest);
            if (dest.getParent().getFileName().toString().equals("bin")) {
              Files.setPosixFilePermissions(dest, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
          }
        }
      }
      return new StaticScenario(source, tempDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The temp copy's root. */
  public Path root() {
    return copy;
  }

  /** A golden file under {@code expected/}. */
  public Path expected(String relative) {
    return source.resolve("expected").resolve(relative);
  }

  /** The flags a detector needs to run this scenario, with outputs under the copy's layers dir. */
  public Map<String, String> flags() {
    Map<String, String> f = new TreeMap<>();
    f.put("app", copy.resolve("app").toString());
    f.put("buildpacks", copy.resolve("cnb/buildpacks").toString());
    f.put("extensions", copy.resolve("cnb/extensions").toString());
    f.put("order", copy.resolve("cnb/order.toml").toString());
    f.put("run", copy.resolve("cnb/run.toml").toString());
    f.put("layers", copy.resolve("layers").toString());
    f.put("platform", copy.resolve("platform").toString());
    f.put("build-config", copy.resolve("build-config").toString());
    return f;
  }

  /** Every regular file under {@code dir}, by path relative to it, with its content. */
  public static Map<String, String> tree(Path dir) {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
        out.put(dir.relativize(p).toString(), Files.readString(p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
