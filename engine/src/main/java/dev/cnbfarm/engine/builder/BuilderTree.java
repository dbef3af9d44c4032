package dev.cnbfarm.engine.builder;

import dev.cnbfarm.image.dockerfile.ImageState;
import dev.cnbfarm.image.dockerfile.StateLayer;
import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.rootfs.LayerStack;
import dev.cnbfarm.lifecycle.extend.ImageEnv;
import dev.cnbfarm.lifecycle.extend.ImageUser;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import dev.cnbfarm.lifecycle.fs.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;

/**
 * A builder image's {@code /cnb} on the host (design.md §6: builders are read the way pack writes
 * them): its buildpacks, extensions, order.toml, run.toml and launcher, merged from the image's
 * unpacked layers bottom to top (whiteouts delete, opaque dirs hide what is below), owners and
 * modes kept. The phases read descriptors from here and bind the module dirs into the sandbox
 * over the builder's rootfs. Extracted once per builder manifest digest under a cache dir, by
 * write-then-rename, so concurrent workers share one copy and a crash leaves no half tree. The
 * tree is read-only for its users. Immutable.
 */
public final class BuilderTree {
  private final Path cnb;
  private final int uid;
  private final int gid;

  private BuilderTree(Path cnb, int uid, int gid) {
    this.cnb = cnb;
    this.uid = uid;
    this.gid = gid;
  }

  /**
   * The {@code /cnb} of {@code builder} (whose manifest digest is {@code digest}) under {@code
   * cacheRoot}, extracting it if it is not there yet.
   */
  public static BuilderTree of(ImageState builder, Digest digest, Path cacheRoot) {
    Path dir = cacheRoot.resolve(digest.hex());
    if (!Files.isDirectory(dir.resolve("cnb"))) {
      extract(builder, dir);
    }
    int[] user = user(builder);
    return new BuilderTree(dir.resolve("cnb"), user[0], user[1]);
  }

  public Path cnb() {
    return cnb;
  }

  public Path buildpacks() {
    return cnb.resolve("buildpacks");
  }

  public Path extensions() {
    return cnb.resolve("extensions");
  }

  public Path order() {
    return cnb.resolve("order.toml");
  }

  public Path runToml() {
    return cnb.resolve("run.toml");
  }

  /** {@code /cnb/lifecycle/launcher} (may be absent: then cnbfarm's own launcher is exported). */
  public Path launcher() {
    return cnb.resolve("lifecycle/launcher");
  }

  /** The builder's CNB user: {@code CNB_USER_ID}, else its {@code USER}'s uid. */
  public int uid() {
    return uid;
  }

  /** The builder's CNB group: {@code CNB_GROUP_ID}, else its {@code USER}'s gid. */
  public int gid() {
    return gid;
  }

  private static int[] user(ImageState builder) {
    ImageUser fallback = ImageUser.resolve(builder.config().user().orElse(""), builder.stack()::readText);
    String uid = ImageEnv.get(builder.config().env(), "CNB_USER_ID").orElse("");
    String gid = ImageEnv.get(builder.config().env(), "CNB_GROUP_ID").orElse("");
    try {
      return new int[] {uid.isEmpty() ? fallback.uid() : Integer.parseInt(uid.trim()),
          gid.isEmpty() ? fallback.gid() : Integer.parseInt(gid.trim())};
    } catch (NumberFormatException e) {
      throw new LifecycleException(FailureCode.INVALID_INPUT, "builder CNB_USER_ID/CNB_GROUP_ID must be numbers, got '"
          + uid + "'/'" + gid + "'");
    }
  }

  private static void extract(ImageState builder, Path dir) {
    Path staging = dir.resolveSibling(dir.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      Files.createDirectories(staging);
      Path cnb = staging.resolve("cnb");
      Files.createDirectories(cnb);
      for (StateLayer layer : builder.layers()) {
        Path from = layer.dir().resolve("cnb");
        if (Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
          if (LayerStack.isOpaque(from)) {
            FileTrees.deleteQuietly(cnb);
            Files.createDirectories(cnb);
          }
          merge(from, cnb);
        } else if (Files.exists(from, LinkOption.NOFOLLOW_LINKS) && LayerStack.isWhiteout(from)) {
          FileTrees.deleteQuietly(cnb);
          Files.createDirectories(cnb);
        }
      }
      if (!Files.isRegularFile(cnb.resolve("order.toml"))) {
        throw new LifecycleException(FailureCode.INVALID_INPUT, "the builder image has no /cnb/order.toml");
      }
      try {
        Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException | AtomicMoveNotSupportedException raced) {
        // another worker extracted the same builder first: its tree is the same
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract the builder's /cnb into " + dir + ": " + e.getMessage(), e);
    } finally {
      FileTrees.deleteQuietly(staging);
    }
  }

  /** Lays one layer's {@code /cnb} over the tree built so far, as overlayfs would show it. */
  private static void merge(Path from, Path to) throws IOException {
    Files.walkFileTree(from, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Path target = to.resolve(from.relativize(dir).toString());
        if (!dir.equals(from) && LayerStack.isOpaque(dir)) {
          FileTrees.deleteQuietly(target);
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
          Files.delete(target);
        }
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectory(target);
        }
        copyOwnerAndMode(dir, target);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Path target = to.resolve(from.relativize(file).toString());
        if (!attrs.isSymbolicLink() && !attrs.isRegularFile() && LayerStack.isWhiteout(file)) {
          FileTrees.deleteQuietly(target);
          return FileVisitResult.CONTINUE;
        }
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
          FileTrees.deleteQuietly(target);
        }
        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES,
            LinkOption.NOFOLLOW_LINKS);
        if (!attrs.isSymbolicLink()) {
          copyOwnerAndMode(file, target);
        }
        return FileVisitResult.CONTINUE;
      }
    });
  }

  private static void copyOwnerAndMode(Path source, Path target) throws IOException {
    Files.setAttribute(target, "unix:uid", Files.getAttribute(source, "unix:uid", LinkOption.NOFOLLOW_LINKS),
        LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(target, "unix:gid", Files.getAttribute(source, "unix:gid", LinkOption.NOFOLLOW_LINKS),
        LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(target, "unix:mode", Files.getAttribute(source, "unix:mode", LinkOption.NOFOLLOW_LINKS),
        LinkOption.NOFOLLOW_LINKS);
  }
}
