package dev.cnbfarm.image.layer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.zip.Deflater;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes reproducible gzipped layer tars in one streaming pass, from a directory tree (an overlay
 * upperdir: 0:0 character devices become {@code .wh.} entries, opaque directories get a {@code
 * .wh..wh..opq} entry) or from explicit {@link LayerEntry entries}. Entries are sorted by path,
 * mtimes are fixed, user and group names are empty; modes, uid/gid, symlinks and hardlinks are
 * kept. Immutable and thread-safe; each write is independent.
 */
public final class LayerWriter {
  /** Every entry's mtime: {@link NormalisedTime#LAYER_MTIME}. */
  public static final Instant NORMALISED_MTIME = NormalisedTime.LAYER_MTIME;

  private final Instant mtime;
  private final Predicate<String> ignored;
  private final int level;

  private LayerWriter(Instant mtime, Predicate<String> ignored, int level) {
    this.mtime = Objects.requireNonNull(mtime);
    this.ignored = Objects.requireNonNull(ignored);
    this.level = level;
  }

  /** A writer with {@link #NORMALISED_MTIME}, {@link IgnoredPaths#PLATFORM} and default gzip. */
  public static LayerWriter of() {
    return new LayerWriter(NORMALISED_MTIME, IgnoredPaths.PLATFORM, Deflater.DEFAULT_COMPRESSION);
  }

  /** The same writer stamping every entry with {@code newMtime}. */
  public LayerWriter withMtime(Instant newMtime) {
    return new LayerWriter(newMtime, ignored, level);
  }

  /**
   * The same writer skipping every path {@code newIgnored} accepts (paths are absolute inside the
   * image, e.g. {@code /workspace}); an ignored directory is skipped with all its content.
   */
  public LayerWriter ignoring(Predicate<String> newIgnored) {
    return new LayerWriter(mtime, newIgnored, level);
  }

  /** The same writer with gzip level {@code newLevel} (0–9, or -1 for zlib's default). */
  public LayerWriter withCompressionLevel(int newLevel) {
    if (newLevel < -1 || newLevel > 9) {
      throw new IllegalArgumentException("gzip level must be -1..9: " + newLevel);
    }
    return new LayerWriter(mtime, ignored, newLevel);
  }

  /** Writes the tree under {@code root} (root itself is not an entry) to {@code target}. */
  public LayerBlob writeTree(Path root, Path target) {
    try (LayerOutput out = LayerOutput.open(target, mtime, level)) {
      new TreeWalk(root, ignored, out).run();
      return out.finish();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write layer of " + root + " to " + target, e);
    }
  }

  /** Writes {@code entries}, sorted by path, to {@code target}. */
  public LayerBlob writeEntries(List<? extends LayerEntry> entries, Path target) {
    return writeEntries(entries, target, true);
  }

  /**
   * Writes {@code entries} as a plain, uncompressed tar (the reference build cache dir keeps its
   * layers so): the same tar bytes as {@link #writeEntries}, so the same diffID, which is also the
   * returned blob's digest.
   */
  public LayerBlob writeEntriesAsTar(List<? extends LayerEntry> entries, Path target) {
    return writeEntries(entries, target, false);
  }

  private LayerBlob writeEntries(List<? extends LayerEntry> entries, Path target, boolean gzip) {
    List<? extends LayerEntry> sorted =
        entries.stream().sorted(Comparator.comparing(LayerEntry::path)).toList();
    try (LayerOutput out = LayerOutput.open(target, mtime, level, gzip)) {
      for (LayerEntry entry : sorted) {
        if (!ignored.test("/" + entry.path())) {
          write(entry, out);
        }
      }
      return out.finish();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write layer to " + target, e);
    }
  }

  private static void write(LayerEntry entry, LayerOutput out) throws IOException {
    if (entry instanceof LayerEntry.Directory d) {
      out.add(out.entry(d.path() + "/", TarConstants.LF_DIR, d.mode(), d.uid(), d.gid()));
    } else if (entry instanceof LayerEntry.GeneratedFile f) {
      out.add(out.entry(f.path(), TarConstants.LF_NORMAL, f.mode(), f.uid(), f.gid()), f.content());
    } else if (entry instanceof LayerEntry.CopiedFile f) {
      out.add(out.entry(f.path(), TarConstants.LF_NORMAL, f.mode(), f.uid(), f.gid()), f.source());
    } else if (entry instanceof LayerEntry.Symlink s) {
      TarArchiveEntry e = out.entry(s.path(), TarConstants.LF_SYMLINK, 0777, s.uid(), s.gid());
      e.setLinkName(s.target());
      out.add(e);
    } else if (entry instanceof LayerEntry.Whiteout w) {
      String name = EntryPaths.join(EntryPaths.parent(w.path()), Whiteouts.PREFIX + EntryPaths.name(w.path()));
      out.add(out.entry(name, TarConstants.LF_NORMAL, 0644, 0, 0), new byte[0]);
    }
  }
}
