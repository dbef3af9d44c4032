package dev.cnbfarm.image.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LinePumpTest {
  private static List<String> pump(byte[] bytes) {
    List<String> lines = new ArrayList<>();
    new LinePump(new ByteArrayInputStream(bytes), lines::add).run();
    return lines;
  }

  @Test
  void splitsOnNewlinesDropsCarriageReturnsAndKeepsAnUnterminatedLastLine() {
    assertThat(pump("a\r\nb\n\nc".getBytes(StandardCharsets.UTF_8)))
        .containsExactly("a", "b", "", "c");
  }

  @Test
  void splitsOverlongLinesSoBinaryOutputCannotExhaustMemory() {
    byte[] bytes = new byte[LinePump.MAX_LINE_BYTES * 2 + 10];
    java.util.Arrays.fill(bytes, (byte) 'x');

    assertThat(pump(bytes))
        .extracting(String::length)
        .containsExactly(LinePump.MAX_LINE_BYTES, LinePump.MAX_LINE_BYTES, 10);
  }

  @Test
  void keepsDrainingAfterTheSinkFailsAndReportsTheFirstFailure() {
    List<String> seen = new ArrayList<>();
    LinePump pump =
        new LinePump(
            new ByteArrayInputStream("a\nb\nc\n".getBytes(StandardCharsets.UTF_8)),
            line -> {
              seen.add(line);
              throw new IllegalStateException("full");
            });

    pump.run();

    assertThat(seen).containsExactly("a");
    assertThat(pump.failure()).get().extracting(Throwable::getMessage).isEqualTo("full");
  }

  @Test
  void replacesMalformedUtf8() {
    assertThat(pump(new byte[] {'o', 'k', (byte) 0xff, '\n'})).containsExactly("ok\uFFFD");
  }
}
