package dev.cnbfarm.image.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the restorer unpacked from the build cache, so the exporter need not tar an unchanged layer
 * again (the rebuild's biggest cost: a 100 MB dependency re-read, re-hashed and re-gzipped only to
 * find the diffID it had). For each restored layer a record under {@code
 * <layers>/.cnbfarm/restored/<escaped-id>/<name>.json} holds its diffID and a fingerprint of its
 * tree: every entry's path, type, mode, owner, size, mtime, ctime, inode and link target, as
 * {@code stat} gives them, and the mode and owner of the {@code layers/} and {@code
 * layers/<escaped-id>/} entries the tar carried.
 *
 * <p>A layer is {@linkplain #unchanged unchanged} only when its tree stats exactly as recorded and
 * the tar's owners are the ones this export writes; then its tar would be the cached one, whose
 * diffID is recorded. Any write, chmod, chown, rename, new or deleted entry changes some entry's
 * ctime (which no unprivileged process can set back) or the listing, so a changed layer is always
 * tarred again. {@link #record} waits until the filesystem clock has moved past the newest ctime it
 * recorded, so a change made right after it cannot share that ctime (the "racy" case git's index
 * guards against). Stateless.
 */
public final class RestoredLayers {
  private static final String DIR = ".cnbfarm/restored";
  private static final int VERSION = 1;
  private static final Duration CLOCK_WAIT = Duration.ofSeconds(1);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ATTRIBUTES = "unix:mode,uid,gid,size,ino,ctime,lastModifiedTime";

  private RestoredLayers() {}

  /** The mode and owner a restored tar gave one of a layer's parent entries ({@code layers/...}). */
  record Parent(int mode, int uid, int gid) {}

  /** Forgets every record: the restorer starts a new set. */
  public static void clear(Path layersDir) {
    try {
      FileTrees.deleteRecursively(layersDir.resolve(DIR));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear " + layersDir.resolve(DIR), e);
    }
  }

  /**
   * Records the layer just restored at {@code <layersDir>/<escapedId>/<name>} as the contents of
   * {@code diffId}, its tar having given {@code layers} and {@code buildpackDir} ({@code
   * layers/<escaped-id>}) their mode and owner. No record is written when the filesystem clock does
   * not move within a second or the record cannot be written: the layer is then simply tarred
   * again at export.
   */
  static void record(Path layersDir, String escapedId, String name, Digest diffId, Parent layers,
      Parent buildpackDir) {
    Path file = file(layersDir, escapedId, name);
    try {
      Files.deleteIfExists(file);
      Tree tree = Tree.of(layersDir.resolve(escapedId).resolve(name));
      if (tree.owner().isEmpty() || !clockPassed(layersDir, tree.newestCtime())) {
        return;
      }
      ObjectNode node = JSON.createObjectNode();
      node.put("version", VERSION);
      node.put("diffId", diffId.value());
      node.put("uid", tree.owner().get()[0]);
      node.put("gid", tree.owner().get()[1]);
      node.set("layers", parent(layers));
      node.set("buildpackDir", parent(buildpackDir));
      node.put("entries", tree.entries());
      node.put("fingerprint", tree.fingerprint());
      Files.createDirectories(file.getParent());
      Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
      Files.writeString(temp, JSON.writeValueAsString(node), StandardCharsets.UTF_8);
      Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      FileTrees.deleteQuietly(file);
    }
  }

  /**
   * The diffID of the layer at {@code <layersDir>/<escapedId>/<name>} when it is exactly as the
   * restorer left it and its tar, written with owner {@code uid}:{@code gid} (the {@code layers/}
   * entry root's, 0755), would be the cached one; empty when there is no record or anything differs.
   */
  public static Optional<Digest> unchanged(Path layersDir, String escapedId, String name, int uid, int gid) {
    Path file = file(layersDir, escapedId, name);
    JsonNode node;
    try {
      node = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty(); // an unreadable record is no record: tar the layer
    }
    if (node.path("version").asInt() != VERSION || node.path("uid").asInt(-1) != uid
        || node.path("gid").asInt(-1) != gid || !parentIs(node.path("layers"), 0755, 0, 0)
        || !parentIs(node.path("buildpackDir"), 0755, uid, gid)) {
      return Optional.empty();
    }
    Path dir = layersDir.resolve(escapedId).resolve(name);
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try {
      Tree tree = Tree.of(dir);
      if (tree.entries() != node.path("entries").asLong(-1)
          || !tree.fingerprint().equals(node.path("fingerprint").asText())) {
        return Optional.empty();
      }
      return Optional.of(Digest.parse(node.path("diffId").asText()));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  static Path file(Path layersDir, String escapedId, String name) {
    return layersDir.resolve(DIR).resolve(escapedId).resolve(name + ".json");
  }

  private static ObjectNode parent(Parent p) {
    ObjectNode node = JSON.createObjectNode();
    node.put("mode", p.mode());
    node.put("uid", p.uid());
    node.put("gid", p.gid());
    return node;
  }

  private static boolean parentIs(JsonNode node, int mode, int uid, int gid) {
    return node.path("mode").asInt(-1) == mode && node.path("uid").asInt(-1) == uid
        && node.path("gid").asInt(-1) == gid;
  }

  /** The mode (permission bits) and owner of {@code path}. */
  static Parent parentOf(Path path) throws IOException {
    Map<String, Object> a = Files.readAttributes(path, "unix:mode,uid,gid", LinkOption.NOFOLLOW_LINKS);
    return new Parent((Integer) a.get("mode") & 07777, (Integer) a.get("uid"), (Integer) a.get("gid"));
  }

  /**
   * Touches a probe file until its ctime is past {@code newest}: from then on, any change to the
   * layer gets a later ctime than the record holds. The kernel's file clock ticks every few ms.
   */
  private static boolean clockPassed(Path layersDir, FileTime newest) throws IOException {
    Path probe = layersDir.resolve(DIR).resolve(".clock");
    Files.createDirectories(probe.getParent());
    long deadline = System.nanoTime() + CLOCK_WAIT.toNanos();
    try {
      do {
        Files.write(probe, new byte[0]);
        FileTime now = (FileTime) Files.getAttribute(probe, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
        if (now.compareTo(newest) > 0) {
          return true;
        }
        Thread.sleep(1);
      } while (System.nanoTime() < deadline);
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      Files.deleteIfExists(probe);
    }
  }

  /** A layer tree's stat fingerprint: entry count, SHA-256 of the sorted listing, newest ctime, one owner. */
  private record Tree(long entries, String fingerprint, FileTime newestCtime, Optional<int[]> owner) {
    static Tree of(Path root) throws IOException {
      MessageDigest sha = Digest.sha256();
      long count = 0;
      FileTime newest = FileTime.fromMillis(0);
      int[] owner = null;
      boolean oneOwner = true;
      try (Stream<Path> walk = Files.walk(root)) {
        for (Path p : walk.sorted().toList()) {
          Map<String, Object> a = Files.readAttributes(p, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
          int uid = (Integer) a.get("uid");
          int gid = (Integer) a.get("gid");
          if (owner == null) {
            owner = new int[] {uid, gid};
          } else if (owner[0] != uid || owner[1] != gid) {
            oneOwner = false;
          }
          FileTime ctime = (FileTime) a.get("ctime");
          if (ctime.compareTo(newest) > 0) {
            newest = ctime;
          }
          String link = Files.isSymbolicLink(p) ? Files.readSymbolicLink(p).toString() : "";
          String line = String.join("\0", root.relativize(p).toString(), Integer.toString((Integer) a.get("mode")),
              Integer.toString(uid), Integer.toString(gid), a.get("size").toString(), a.get("ino").toString(),
              nanos((FileTime) a.get("lastModifiedTime")), nanos(ctime), link) + "\n";
          sha.update(line.getBytes(StandardCharsets.UTF_8));
          count++;
        }
      }
      return new Tree(count, Digest.ofHash(sha.digest()).value(), newest,
          oneOwner && owner != null ? Optional.of(owner) : Optional.empty());
    }

    private static String nanos(FileTime t) {
      var i = t.toInstant();
      return i.getEpochSecond() + "." + i.getNano();
    }
  }
}
