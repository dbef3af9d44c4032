package dev.cnbfarm.image.layer;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One explicitly described layer entry, for generated files (launcher, config files, SBOMs).
 * Paths are inside the image, with or without a leading '/'; parents are not added implicitly.
 * Implementations are immutable (a {@link GeneratedFile} keeps a private copy of its bytes).
 */
public sealed interface LayerEntry
    permits LayerEntry.Directory, LayerEntry.GeneratedFile, LayerEntry.CopiedFile, LayerEntry.Symlink,
        LayerEntry.Whiteout {

  /** The path inside the image, normalised to no leading '/'. */
  String path();

  /** A directory root-owned with mode 0755. */
  static Directory directory(String path) {
    return new Directory(path, 0755, 0, 0);
  }

  /** A root-owned file holding {@code content}. */
  static GeneratedFile file(String path, byte[] content, int mode) {
    return new GeneratedFile(path, content, mode, 0, 0);
  }

  /** A root-owned file whose content is streamed from {@code source} when the layer is written. */
  static CopiedFile file(String path, Path source, int mode) {
    return new CopiedFile(path, source, mode, 0, 0);
  }

  /** A root-owned symbolic link to {@code target} (stored as is, never resolved). */
  static Symlink symlink(String path, String target) {
    return new Symlink(path, target, 0, 0);
  }

  /** A directory. */
  record Directory(String path, int mode, int uid, int gid) implements LayerEntry {
    public Directory {
      path = EntryPaths.normalise(path);
    }
  }

  /** A small file generated in memory. */
  record GeneratedFile(String path, byte[] content, int mode, int uid, int gid) implements LayerEntry {
    public GeneratedFile {
      path = EntryPaths.normalise(path);
      content = content.clone();
    }

    @Override
    public byte[] content() {
      return content.clone();
    }
  }

  /** A file copied from the local filesystem. */
  record CopiedFile(String path, Path source, int mode, int uid, int gid) implements LayerEntry {
    public CopiedFile {
      path = EntryPaths.normalise(path);
      Objects.requireNonNull(source, "source");
    }
  }

  /** A symbolic link. */
  record Symlink(String path, String target, int uid, int gid) implements LayerEntry {
    public Symlink {
      path = EntryPaths.normalise(path);
      if (target.isEmpty()) {
        throw new IllegalArgumentException("empty symlink target for " + path);
      }
    }
  }

  /** Deletes {@code path} from the layers below; written as {@code .wh.<name>}. */
  record Whiteout(String path) implements LayerEntry {
    public Whiteout {
      path = EntryPaths.normalise(path);
    }
  }
}
