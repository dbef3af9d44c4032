package dev.cnbfarm.lifecycle.env;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import dev.cnbfarm.lifecycle.fs.ModuleFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The env-file rules of buildpack.md "Environment Variable Modification Rules": a directory of
 * files named {@code NAME[.append|.prepend|.override|.default|.delim]}, each holding a value. Used
 * for {@code <build-config>/env/} and for the {@code env/} and {@code env.build/} dirs of build
 * layers, so the rules have one implementation. Stateless and thread-safe.
 */
public final class EnvFiles {
  private EnvFiles() {}

  /** The regular files of {@code dir} by name (sorted); an absent dir is empty. */
  public static Map<String, String> read(Path dir) {
    return read(dir, false);
  }

  /**
   * The env files of a dir a buildpack wrote ({@code <layer>/env}...): as {@link #read}, but a
   * symlink (to the dir or to a file) is refused, never followed (issue 12).
   */
  public static Map<String, String> readWritten(Path dir) {
    return read(dir, true);
  }

  private static Map<String, String> read(Path dir, boolean moduleWritten) {
    Map<String, String> out = new TreeMap<>();
    if (moduleWritten && Files.isSymbolicLink(dir)) {
      throw new UncheckedIOException(new IOException(dir + ": is a symbolic link; files a buildpack writes are"
          + " read without following links"));
    }
    if (!Files.isDirectory(dir)) {
      return out;
    }
    DirectoryStream.Filter<Path> filter = moduleWritten ? p -> !ModuleFiles.isDirectory(p) : Files::isRegularFile;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, filter)) {
      for (Path f : files) {
        out.put(f.getFileName().toString(), moduleWritten ? ModuleFiles.readString(f)
            : ModuleFiles.TextFiles.readUtf8(f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read env dir " + dir + ": " + e.getMessage(), e);
    }
    return out;
  }

  /**
   * Applies a build layer's env files to {@code env}: a file without a suffix overrides
   * (Buildpack API ≥ 0.5); {@code .append}/{@code .prepend} join with the {@code NAME.delim}
   * file's content, or with nothing when there is none.
   */
  public static void apply(Map<String, String> env, Map<String, String> files) {
    apply(env, files, "override");
  }

  /**
   * Applies {@code <build-config>/env/} files: there a file without a suffix is a default (RFC
   * 0109; the reference lifecycle's {@code WithOverrides}), so the user's {@code <platform>/env}
   * value wins over it and only {@code NAME.override} overrides.
   */
  public static void applyBuildConfig(Map<String, String> env, Map<String, String> files) {
    apply(env, files, "default");
  }

  private static void apply(Map<String, String> env, Map<String, String> files, String plainAction) {
    files.forEach((file, value) -> {
      int dot = file.lastIndexOf('.');
      String name = dot < 0 ? file : file.substring(0, dot);
      String action = dot < 0 ? plainAction : file.substring(dot + 1);
      String delim = files.getOrDefault(name + ".delim", "");
      switch (action) {
        case "override" -> env.put(name, value);
        // as the reference: an empty value counts as unset
        case "default" -> env.compute(name, (k, old) -> old == null || old.isEmpty() ? value : old);
        case "append" -> env.merge(name, value, (old, v) -> old + delim + v);
        case "prepend" -> env.merge(name, value, (old, v) -> v + delim + old);
        case "delim" -> { }
        default -> env.put(file, value); // a dot that is not an action is part of the name
      }
    });
  }
}
