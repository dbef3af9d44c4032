package dev.cnbfarm.image.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.platform.GroupEntry;
import dev.cnbfarm.lifecycle.testing.RecordingReporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The restorer's record of what it unpacked: an untouched layer is known by its cached diffID
 * without a tar; every kind of change a buildpack can make (one made the very moment after the
 * restore, keeping size and mtime, included) makes the layer unknown again, so it is tarred; and
 * the exporter's cache step then adds the changed layer rather than reusing the stale copy.
 */
class RestoredLayersTest {
  static final List<GroupEntry> GROUP = List.of(new GroupEntry("acme/deps", "1.0", "0.10", ""));

  @TempDir Path dir;
  Path built;
  Path fresh;
  Digest diffId;
  final RecordingReporter reporter = new RecordingReporter();

  @BeforeEach
  void cacheALayerAndRestoreIt() throws IOException {
    built = dir.resolve("built");
    Path dep = Files.createDirectories(built.resolve("acme_deps/dep/bin"));
    Files.writeString(dep.resolve("dep"), "#!/bin/sh\necho dep 1\n");
    Files.setPosixFilePermissions(dep.resolve("dep"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createSymbolicLink(dep.resolve("current"), Path.of("dep"));
    Files.writeString(built.resolve("acme_deps/dep.toml"), "[types]\nlaunch = true\ncache = true\n");
    Files.createDirectories(dir.resolve("cache"));
    new CacheExport(reporter).write(open(), built, GROUP, 1000, 1000, Optional.empty());
    diffId = Digest.parse(open().metadata().layersOf("acme/deps").get("dep").sha());
    fresh = dir.resolve("layers");
    Files.createDirectories(fresh.resolve("acme_deps"));
    Files.writeString(fresh.resolve("acme_deps/dep.toml"), "[types]\nlaunch = true\ncache = true\n");
    open().restore(diffId, fresh, "acme_deps", "dep");
  }

  private VolumeCache open() {
    return VolumeCache.open(dir.resolve("cache"), FailureCode.EXPORT_ERROR);
  }

  @Test
  void anUntouchedRestoredLayerIsKnownByItsCachedDiffId() {
    assertThat(RestoredLayers.unchanged(fresh, "acme_deps", "dep", 1000, 1000)).contains(diffId);
  }

  @Test
  void anotherOwnerThanTheCachedTarsIsNotTheSameTar() {
    assertThat(RestoredLayers.unchanged(fresh, "acme_deps", "dep", 1001, 1000)).isEmpty();
    assertThat(RestoredLayers.unchanged(fresh, "acme_deps", "dep", 1000, 0)).isEmpty();
  }

  @Test
  void aLayerTheRestorerDidNotUnpackHasNoRecord() {
    assertThat(RestoredLayers.unchanged(built, "acme_deps", "dep", 1000, 1000)).isEmpty();
    RestoredLayers.clear(fresh);
    assertThat(RestoredLayers.unchanged(fresh, "acme_deps", "dep", 1000, 1000)).isEmpty();
  }

  @Test
  void anUnreadableRecordIsNoRecord() throws IOException {
    Files.writeString(RestoredLayers.file(fresh, "acme_deps", "dep"), "{not json");
    assertThat(RestoredLayers.unchanged(fresh, "acme_deps", "dep", 1000, 1000)).isEmpty();
  }

  /** What a buildpack may do to a restored layer. */
  enum Change {
    SAME_SIZE_REWRITE_KEEPING_MTIME {
      @Override
      void apply(Path layer) throws IOException {
        Path file = layer.resolve("bin/dep");
        FileTime mtime = Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS);
        Files.writeString(file, "#!/bin/sh\necho dep 2\n");
        Files.setLastModifiedTime(file, mtime);
      }
    },
    APPEND {
      @Override
      void apply(Path layer) throws IOException {
        Files.writeString(layer.resolve("bin/dep"), "echo more\n", java.nio.file.StandardOpenOption.APPEND);
      }
    },
    CHMOD {
      @Override
      void apply(Path layer) throws IOException {
        Files.setPosixFilePermissions(layer.resolve("bin/dep"), PosixFilePermissions.fromString("rwx------"));
      }
    },
    NEW_FILE {
      @Override
      void apply(Path layer) throws IOException {
        Files.writeString(layer.resolve("bin/other"), "x");
      }
    },
    DELETED_FILE {
      @Override
      void apply(Path layer) throws IOException {
        Files.delete(layer.resolve("bin/current"));
      }
    },
    RETARGETED_SYMLINK {
      @Override
      void apply(Path layer) throws IOException {
        Files.delete(layer.resolve("bin/current"));
        Files.createSymbolicLink(layer.resolve("bin/current"), Path.of("dip"));
      }
    },
    LAYER_DIR_RECREATED {
      @Override
      void apply(Path layer) throws IOException {
        Path moved = layer.resolveSibling("dep.old");
        Files.move(layer, moved);
        Files.createDirectories(layer.resolve("bin"));
        Files.copy(moved.resolve("bin/dep"), layer.resolve("bin/dep"));
        Files.createSymbolicLink(layer.resolve("bin/current"), Path.of("dep"));
      }
    };

    abstract void apply(Path layer) throws IOException;
  }

  @ParameterizedTest
  @EnumSource(Change.class)
  void anyChangeMakesTheLayerUnknownSoItIsTarredAgain(Change change) throws IOException {
    change.apply(fresh.resolve("acme_deps/dep"));
    assertThat(RestoredLayers.unchanged(fresh, "acme_deps", "dep", 1000, 1000)).isEmpty();
  }

  @Test
  void theCacheStepAddsALayerChangedRightAfterTheRestoreKeepingItsSizeAndMtime() throws IOException {
    Change.SAME_SIZE_REWRITE_KEEPING_MTIME.apply(fresh.resolve("acme_deps/dep"));
    reporter.clear();
    CacheExport.Result result = new CacheExport(reporter).write(open(), fresh, GROUP, 1000, 1000, Optional.empty());
    assertThat(reporter.lines()).containsExactly("Adding cache layer 'acme/deps:dep'");
    assertThat(result.layers().get(0).put().diffId()).isNotEqualTo(diffId);
  }

  @Test
  void theCacheStepReusesAnUntouchedRestoredLayer() {
    reporter.clear();
    CacheExport.Result result = new CacheExport(reporter).write(open(), fresh, GROUP, 1000, 1000, Optional.empty());
    assertThat(reporter.lines()).containsExactly("Reusing cache layer 'acme/deps:dep'");
    assertThat(result.layers().get(0).put().diffId()).isEqualTo(diffId);
  }
}
