package dev.cnbfarm.lifecycle.env;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The environment given to {@code /bin/detect}, {@code /bin/generate} and {@code /bin/build}
 * (buildpack.md "Environment"): a few variables of the lifecycle's own environment, then the
 * user's {@code <platform>/env/} (unless the module sets {@code clear-env}), then the operator's
 * {@code <build-config>/env/} with its {@code .append/.prepend/.override/.default/.delim} rules.
 * Files are read once at construction. Immutable and thread-safe.
 */
public final class BuildEnv {
  /** Variables of the lifecycle's environment passed through (the reference's include list). */
  static final Set<String> INCLUDED = Set.of("CNB_STACK_ID", "HOSTNAME", "HOME", "HTTPS_PROXY", "https_proxy",
      "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy", "PATH", "LD_LIBRARY_PATH", "LIBRARY_PATH", "CPATH",
      "PKG_CONFIG_PATH");

  /** Path lists: a platform value is prepended to the existing one, not substituted. */
  static final Set<String> PATH_LISTS = Set.of("PATH", "LD_LIBRARY_PATH", "LIBRARY_PATH", "CPATH", "PKG_CONFIG_PATH");

  private final Map<String, String> base;
  private final Map<String, String> platform;
  private final Map<String, String> buildConfigFiles;

  public BuildEnv(Map<String, String> processEnv, Path platformDir, Path buildConfigDir) {
    Map<String, String> b = new TreeMap<>();
    processEnv.forEach((k, v) -> {
      if (INCLUDED.contains(k)) {
        b.put(k, v);
      }
    });
    this.base = Map.copyOf(b);
    this.platform = Map.copyOf(readDir(platformDir.resolve("env")));
    this.buildConfigFiles = Map.copyOf(readDir(buildConfigDir.resolve("env")));
  }

  /** The environment for a module; {@code clearEnv} drops the user's platform env. */
  public Map<String, String> forModule(boolean clearEnv) {
    Map<String, String> env = new TreeMap<>(base);
    if (!clearEnv) {
      platform.forEach((k, v) -> env.put(k, PATH_LISTS.contains(k) && env.containsKey(k)
          ? v + File.pathSeparator + env.get(k) : v));
    }
    applyModifiers(env, buildConfigFiles);
    return env;
  }

  /** The user-provided platform env vars, as files in {@code <platform>/env} set them. */
  public Map<String, String> platformVariables() {
    return platform;
  }

  /** Applies env files named {@code NAME[.action]} (buildpack.md "Environment Variable Modification Rules"). */
  static void applyModifiers(Map<String, String> env, Map<String, String> files) {
    files.forEach((file, value) -> {
      int dot = file.lastIndexOf('.');
      String name = dot < 0 ? file : file.substring(0, dot);
      String action = dot < 0 ? "override" : file.substring(dot + 1);
      String delim = files.getOrDefault(name + ".delim", "");
      switch (action) {
        case "override" -> env.put(name, value);
        case "default" -> env.putIfAbsent(name, value);
        case "append" -> env.merge(name, value, (old, v) -> old + delim + v);
        case "prepend" -> env.merge(name, value, (old, v) -> v + delim + old);
        case "delim" -> { }
        default -> env.put(file, value); // a dot that is not an action is part of the name
      }
    });
  }

  private static Map<String, String> readDir(Path dir) {
    Map<String, String> out = new TreeMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, Files::isRegularFile)) {
      for (Path f : files) {
        out.put(f.getFileName().toString(), Files.readString(f, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read env dir " + dir, e);
    }
    return out;
  }
}
