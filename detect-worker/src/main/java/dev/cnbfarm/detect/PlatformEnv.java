package dev.cnbfarm.detect;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code <platform>/env/<NAME>} files from the request's env (platform.md "Platform Directory":
 * the file's name is the variable, its content the value). A name that is not a plain file name
 * would write outside {@code env/}, so it is refused as the user's error. Stateless.
 */
final class PlatformEnv {
  private PlatformEnv() {}

  static void write(Path platform, Map<String, String> env) {
    Path dir = platform.resolve("env");
    for (Map.Entry<String, String> e : new TreeMap<>(env).entrySet()) {
      String name = e.getKey();
      if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/") || name.indexOf('\0') >= 0) {
        throw new LifecycleException(FailureCode.INVALID_INPUT, "env var name '" + name
            + "' in the request cannot be a <platform>/env file name");
      }
      try {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name), e.getValue());
      } catch (IOException ex) {
        throw new UncheckedIOException("cannot write " + dir.resolve(name) + ": " + ex.getMessage(), ex);
      }
    }
  }
}
