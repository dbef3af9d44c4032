package dev.cnbfarm.image.layer;

import dev.cnbfarm.image.ref.Digest;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * The one streaming pass of a layer write: tar → sha256 (diffID) → gzip (deflate on every core,
 * {@link ChunkedGzipOutputStream}) → sha256 (digest) →
 * byte count → temp file, renamed onto the target by {@link #finish()}. Entries get normalised
 * metadata (fixed mtime, empty user and group names). Not thread-safe; single use.
 */
final class LayerOutput implements AutoCloseable {
  private final Path target;
  private final Path temp;
  private final FileTime mtime;
  private final MessageDigest diffIdSha = Digest.sha256();
  private final MessageDigest blobSha = Digest.sha256();
  private final CountingOutputStream counter;
  private final TarArchiveOutputStream tar;
  private boolean finished;

  private LayerOutput(Path target, Instant mtime, int level, boolean gzip) throws IOException {
    this.target = target;
    this.mtime = FileTime.from(mtime);
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    this.temp = Files.createTempFile(dir, ".layer-", ".tmp");
    this.counter = CountingOutputStream.of(new BufferedOutputStream(Files.newOutputStream(temp), 1 << 16));
    // a plain tar (the build cache dir's format) is its own blob: its digest is its diffID
    OutputStream blob = new DigestOutputStream(counter, blobSha);
    OutputStream compressed = gzip ? new ChunkedGzipOutputStream(blob, level, Runtime.getRuntime().availableProcessors())
        : blob;
    this.tar = new TarArchiveOutputStream(new DigestOutputStream(compressed, diffIdSha), 1 << 16,
        StandardCharsets.UTF_8.name());
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
  }

  static LayerOutput open(Path target, Instant mtime, int level) {
    return open(target, mtime, level, true);
  }

  /** As {@link #open(Path, Instant, int)}; {@code gzip} false writes a plain tar. */
  static LayerOutput open(Path target, Instant mtime, int level, boolean gzip) {
    try {
      return new LayerOutput(target, mtime, level, gzip);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create layer " + target, e);
    }
  }

  /** A header with normalised metadata; the caller sets type-specific fields. */
  TarArchiveEntry entry(String name, byte type, int mode, long uid, long gid) {
    TarArchiveEntry e = new TarArchiveEntry(name, type);
    e.setMode(mode & 07777);
    e.setUserId(uid);
    e.setGroupId(gid);
    e.setUserName("");
    e.setGroupName("");
    e.setModTime(mtime);
    return e;
  }

  void add(TarArchiveEntry entry) throws IOException {
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
  }

  void add(TarArchiveEntry entry, byte[] content) throws IOException {
    entry.setSize(content.length);
    tar.putArchiveEntry(entry);
    tar.write(content);
    tar.closeArchiveEntry();
  }

  void add(TarArchiveEntry entry, Path source) throws IOException {
    entry.setSize(Files.size(source));
    tar.putArchiveEntry(entry);
    try (InputStream in = Files.newInputStream(source)) {
      in.transferTo(tar);
    }
    tar.closeArchiveEntry();
  }

  /** Ends the archive and moves it onto the target. */
  LayerBlob finish() throws IOException {
    tar.finish();
    tar.close();
    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    finished = true;
    return new LayerBlob(target, Digest.ofHash(blobSha.digest()), Digest.ofHash(diffIdSha.digest()), counter.count());
  }

  @Override
  public void close() {
    if (!finished) {
      try {
        tar.close();
      } catch (IOException | RuntimeException e) {
        // the archive is being abandoned; the first failure is what the caller sees
      }
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        // best effort: a stray temp file is harmless
      }
    }
  }
}
