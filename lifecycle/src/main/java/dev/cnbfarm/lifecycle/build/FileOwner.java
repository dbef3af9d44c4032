package dev.cnbfarm.lifecycle.build;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Hands a file or directory the builder created to the user the buildpacks run as. Running
 * locally the lifecycle already is that user ({@link #NONE}); a sandboxed build as {@code
 * <uid>:<gid>} chowns (extensions.md §6.4). Implementations must be thread-safe.
 */
@FunctionalInterface
public interface FileOwner {
  void claim(Path path) throws IOException;

  /** Changes nothing. */
  FileOwner NONE = path -> { };
}
