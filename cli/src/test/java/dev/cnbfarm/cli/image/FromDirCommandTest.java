package dev.cnbfarm.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.image.store.OciLayoutImageStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FromDirCommandTest {
  @TempDir Path dir;

  @Test
  void theLayerHistoryCarriesTheNormalisedImageTimeOfImgutil() throws IOException {
    Path root = Files.createDirectories(dir.resolve("root/etc"));
    Files.writeString(root.resolve("hostname"), "box\n");
    ImageRef ref = ImageRef.parse("oci:" + dir.resolve("out") + ":base");
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    int exit = new FromDirCommand(new PrintStream(out, true, StandardCharsets.UTF_8))
        .run(new String[] {"-user", "cnb", dir.resolve("root").toString(), ref.toString()});

    assertThat(exit).as(out.toString(StandardCharsets.UTF_8)).isZero();
    Image image = new OciLayoutImageStore().read(ref);
    assertThat(image.config().history()).extracting(ImageConfig.History::created)
        .containsExactly("1980-01-01T00:00:01Z");
    assertThat(image.config().user()).contains("cnb");
  }
}
