package dev.cnbfarm.image.rootfs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The one size reading that the cache budget and the sandbox limits share. */
class ByteSizeTest {
  @Test
  void readsBytesAndBinaryUnitsInAnyCase() {
    assertThat(ByteSize.parse("512").getAsLong()).isEqualTo(512);
    assertThat(ByteSize.parse("100k").getAsLong()).isEqualTo(100L << 10);
    assertThat(ByteSize.parse(" 64M ").getAsLong()).isEqualTo(64L << 20);
    assertThat(ByteSize.parse("3G").getAsLong()).isEqualTo(3L << 30);
    assertThat(ByteSize.parse("0").getAsLong()).isZero();
  }

  @Test
  void refusesWhatIsNotASizeOrDoesNotFit() {
    for (String bad : new String[] {"", "ten", "-5m", "+5m", "1t", "1.5g", "5 g", "9223372036854775807k", "999999999999999999g",
        "99999999999999999999"}) {
      assertThat(ByteSize.parse(bad)).as(bad).isEmpty();
    }
    assertThat(ByteSize.looksLikeSize("9223372036854775807k")).isTrue();
    assertThat(ByteSize.looksLikeSize("1t")).isFalse();
  }
}
