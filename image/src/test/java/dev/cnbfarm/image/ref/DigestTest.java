package dev.cnbfarm.image.ref;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DigestTest {
  @Test
  void hashesBytes() {
    assertThat(Digest.of("abc".getBytes(StandardCharsets.UTF_8)).value())
        .isEqualTo("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void exposesHexAndAlgorithm() {
    Digest d = Digest.of(new byte[0]);
    assertThat(d.algorithm()).isEqualTo("sha256");
    assertThat(d.hex()).hasSize(64).isEqualTo(d.value().substring(7));
    assertThat(Digest.parse(d.toString())).isEqualTo(d);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "sha256:", "sha256:ABCDEF" + "0000000000000000000000000000000000000000000000000000000000",
      "sha512:" + "00000000000000000000000000000000000000000000000000000000000000000", "sha256:abc"})
  void rejectsMalformedDigests(String value) {
    assertThatThrownBy(() -> Digest.parse(value)).isInstanceOf(IllegalArgumentException.class);
  }
}
