package dev.cnbfarm.image.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** I/O failures during an unpack keep the entry and the cause in the message (issue 12 item 13). */
class UnpackFailureTest {
  @TempDir Path tmp;

  @Test
  void aFullDiskNamesTheEntryAndNoSpaceLeft() throws Exception {
    Path small = Files.createDirectory(tmp.resolve("small"));
    run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", small.toString());
    try {
      TarArchiveEntry big = new TarArchiveEntry("opt/big", TarConstants.LF_NORMAL, true);
      big.setSize(2 << 20);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
        out.putArchiveEntry(big);
        out.write(new byte[2 << 20]);
        out.closeArchiveEntry();
      }
      assertThatThrownBy(() -> LayerReader.of(LayerReader.WhiteoutMode.OVERLAY)
          .unpack(new ByteArrayInputStream(bytes.toByteArray()), small.resolve("root")))
          .hasMessageContaining("'opt/big'").hasMessageContaining("No space left on device");
    } finally {
      run("umount", small.toString());
    }
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(out).isZero();
  }
}
