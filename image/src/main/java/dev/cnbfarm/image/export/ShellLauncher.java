package dev.cnbfarm.image.export;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * cnbfarm's own launcher, {@code launcher.sh} (design.md §6): exported as {@code
 * /cnb/lifecycle/launcher} when the builder ships none. It needs {@code /bin/sh} in the run image.
 * Stateless.
 */
public final class ShellLauncher {
  /** The build metadata label's launcher source name. */
  public static final String NAME = "cnbfarm-sh";
  /** Bumped whenever launcher.sh changes behaviour; matches the script's header. */
  public static final String VERSION = "3";

  private ShellLauncher() {}

  /** The script's bytes. */
  public static byte[] script() {
    try (InputStream in = ShellLauncher.class.getResourceAsStream("launcher.sh")) {
      if (in == null) {
        throw new IllegalStateException("launcher.sh is missing from the classpath");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read launcher.sh", e);
    }
  }
}
