package dev.cnbfarm.image.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.ImageStoreException;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import dev.cnbfarm.image.ref.Digest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeBlobsTest {
  @TempDir Path tmp;

  @Test
  void aTreeRoundTripsThroughTheStoreAndIsUploadedOnce() throws Exception {
    Path app = Files.createDirectories(tmp.resolve("app/sub"));
    Files.writeString(app.resolve("x.txt"), "hello");
    Files.writeString(tmp.resolve("app/layers"), "not ignored");
    ImageRef repo = ImageRef.parse("oci:" + tmp.resolve("store"));
    TreeBlobs blobs = new TreeBlobs(new OciLayoutImageStore(), tmp.resolve("scratch"));

    TreeBlobs.Pushed first = blobs.push(repo, tmp.resolve("app"));
    TreeBlobs.Pushed again = blobs.push(repo, tmp.resolve("app"));
    blobs.pull(repo, first.digest(), tmp.resolve("out"));

    assertThat(first.existed()).isFalse();
    assertThat(again.existed()).isTrue();
    assertThat(again.digest()).isEqualTo(first.digest());
    assertThat(blobs.diffIdOf(tmp.resolve("app"))).isEqualTo(first.diffId());
    assertThat(tmp.resolve("out/sub/x.txt")).hasContent("hello");
    assertThat(tmp.resolve("out/layers")).hasContent("not ignored");
    assertThat(tmp.resolve("scratch")).isEmptyDirectory();
  }

  @Test
  void aMissingBlobIsAClearStoreError() {
    ImageRef repo = ImageRef.parse("oci:" + tmp.resolve("store"));
    TreeBlobs blobs = new TreeBlobs(new OciLayoutImageStore(), tmp.resolve("scratch"));

    assertThatThrownBy(() -> blobs.pull(repo, Digest.of(new byte[] {1}), tmp.resolve("out")))
        .isInstanceOf(ImageStoreException.class);
  }
}
