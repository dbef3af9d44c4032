package dev.cnbfarm.engine.restore;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * Writes the restorer's small files (layer tomls, {@code store.toml}) and makes them, and the
 * buildpack dirs they create, the CNB user's when {@code -uid}/{@code -gid} are given (the
 * reference chowns {@code <layers>} before it drops to that user). Failures exit 42. Stateless.
 */
final class RestoredFiles {
  private final Path layersDir;
  private final OptionalInt uid;
  private final OptionalInt gid;

  RestoredFiles(Path layersDir, OptionalInt uid, OptionalInt gid) {
    this.layersDir = layersDir;
    this.uid = uid;
    this.gid = gid;
  }

  void write(Path file, String content) {
    try {
      Path parent = file.getParent();
      if (!Files.isDirectory(parent)) {
        Files.createDirectories(parent);
        own(parent);
      }
      Files.writeString(file, content, StandardCharsets.UTF_8);
      own(file);
    } catch (IOException e) {
      throw new LifecycleException(FailureCode.RESTORE_ERROR, "cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  private void own(Path path) throws IOException {
    if (!path.startsWith(layersDir)) {
      return;
    }
    if (uid.isPresent()) {
      Files.setAttribute(path, "unix:uid", uid.getAsInt(), LinkOption.NOFOLLOW_LINKS);
    }
    if (gid.isPresent()) {
      Files.setAttribute(path, "unix:gid", gid.getAsInt(), LinkOption.NOFOLLOW_LINKS);
    }
  }
}
