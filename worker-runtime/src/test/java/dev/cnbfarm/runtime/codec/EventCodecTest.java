package dev.cnbfarm.runtime.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cnbfarm.schemas.BuildExported;
import dev.cnbfarm.schemas.BuildRequested;
import dev.cnbfarm.schemas.BuildSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventCodecTest {
  private final EventCodec codec = new EventCodec();

  static BuildRequested requested() {
    return BuildRequested.newBuilder().setEventId("e1").setBuildId("b1").setAttempt(1)
        .setOccurredAt(Instant.ofEpochMilli(1_700_000_000_000L)).setProducer("test")
        .setSpec(BuildSpec.newBuilder().setBuilderImage("oci:/b:builder").setSourceRepository("oci:/t")
            .setSourceDigest("sha256:" + "a".repeat(64)).setTargetImage("oci:/t:app").setTags(List.of())
            .setEnv(Map.of("K", "V")).setRequestedBy("me").build())
        .build();
  }

  @Test
  void roundTripsWithTheSingleObjectHeader() {
    byte[] bytes = codec.encode(requested());

    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    assertThat(EventCodec.fingerprint(bytes)).contains(EventCodec.fingerprintOf(BuildRequested.class));
    assertThat(codec.decode(bytes, BuildRequested.class)).isEqualTo(requested());
  }

  @Test
  void refusesBytesWithoutTheMarker() {
    assertThatThrownBy(() -> codec.decode("{\"buildId\":\"b1\"}".getBytes()))
        .isInstanceOf(UndecodableEventException.class).hasMessageContaining("no C3 01 marker");
  }

  @Test
  void refusesAnUnknownFingerprint() {
    byte[] bytes = codec.encode(requested());
    bytes[5] ^= 0x55; // a fingerprint byte

    assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOf(UndecodableEventException.class)
        .hasMessageContaining("unknown schema fingerprint");
  }

  @Test
  void refusesATruncatedBody() {
    byte[] bytes = codec.encode(requested());
    byte[] cut = java.util.Arrays.copyOf(bytes, 14);

    assertThatThrownBy(() -> codec.decode(cut)).isInstanceOf(UndecodableEventException.class)
        .hasMessageContaining("corrupt BuildRequested");
  }

  @Test
  void refusesAnotherEventThanTheTopicCarries() {
    byte[] bytes = codec.encode(requested());

    assertThatThrownBy(() -> codec.decode(bytes, BuildExported.class))
        .isInstanceOf(UndecodableEventException.class).hasMessageContaining("expected a BuildExported");
  }
}
