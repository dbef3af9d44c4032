package dev.cnbfarm.engine.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.builder.BuilderImage;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SampleImagesTest {
  @TempDir Path tmp;

  @Test
  void writesTheSampleBuilderWithItsBuildpackAndThreeExtensions() throws Exception {
    OciLayoutImageStore store = new OciLayoutImageStore();

    SampleImages images = SampleImages.write(store, name -> ImageRef.parse("oci:" + tmp.resolve("images") + ":" + name),
        tmp);

    BuilderImage builder = BuilderImage.read(store, images.builder());
    assertThat(builder.buildpacks()).hasSize(1);
    assertThat(builder.extensions()).hasSize(3);
    assertThat(store.read(images.run()).config().labels()).containsEntry("io.buildpacks.rebasable", "true");
    assertThat(images.app().resolve("app.sh")).exists();
  }
}
