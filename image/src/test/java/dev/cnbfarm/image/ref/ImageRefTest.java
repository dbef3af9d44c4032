package dev.cnbfarm.image.ref;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageRefTest {
  private static final String HEX = "0123456789abcdef".repeat(4);

  @ParameterizedTest
  @CsvSource({
    "busybox, registry-1.docker.io/library/busybox:latest",
    "busybox:1.36, registry-1.docker.io/library/busybox:1.36",
    "docker.io/busybox, registry-1.docker.io/library/busybox:latest",
    "index.docker.io/paketo/builder:base, registry-1.docker.io/paketo/builder:base",
    "paketobuildpacks/run-jammy-base, registry-1.docker.io/paketobuildpacks/run-jammy-base:latest",
    "ghcr.io/a/b/c:v1.2-rc_3, ghcr.io/a/b/c:v1.2-rc_3",
    "localhost/app, localhost/app:latest",
    "127.0.0.1:5000/app, 127.0.0.1:5000/app:latest",
    "127.0.0.1:5000/my-app/x__y:tag, 127.0.0.1:5000/my-app/x__y:tag",
    "[::1]:5000/app:1, [::1]:5000/app:1",
  })
  void normalisesRegistryReferences(String input, String expected) {
    ImageRef ref = ImageRef.parse(input);
    assertThat(ref).isInstanceOf(RegistryRef.class);
    assertThat(ref.toString()).isEqualTo(expected);
    assertThat(ImageRef.parse(ref.toString())).isEqualTo(ref);
  }

  @Test
  void keepsDigestAndTagTogether() {
    RegistryRef ref = RegistryRef.parse("reg.example:443/app:1@sha256:" + HEX);
    assertThat(ref.registry()).isEqualTo("reg.example:443");
    assertThat(ref.repository()).isEqualTo("app");
    assertThat(ref.tag()).contains("1");
    assertThat(ref.digest()).contains(Digest.parse("sha256:" + HEX));
    assertThat(ref.qualifier()).isEqualTo("sha256:" + HEX);
    assertThat(ImageRef.parse(ref.toString())).isEqualTo(ref);
  }

  @Test
  void digestOnlyReferenceHasNoDefaultTag() {
    RegistryRef ref = RegistryRef.parse("busybox@sha256:" + HEX);
    assertThat(ref.tag()).isEmpty();
    assertThat(ref.toString()).isEqualTo("registry-1.docker.io/library/busybox@sha256:" + HEX);
    assertThat(ref.withoutDigest().toString()).isEqualTo("registry-1.docker.io/library/busybox:latest");
  }

  @Test
  void withDigestPinsAndKeepsTag() {
    Digest d = Digest.of("x".getBytes());
    ImageRef ref = ImageRef.parse("127.0.0.1:5000/app:1").withDigest(d);
    assertThat(ref.toString()).isEqualTo("127.0.0.1:5000/app:1@" + d);
    assertThat(ref.withoutDigest()).isEqualTo(ImageRef.parse("127.0.0.1:5000/app:1"));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "", "UPPER/case", "app:", "app:-bad", "a//b", "ghcr.io/", "app@sha256:123", "app@md5:" + "00",
    "host_name:5000/app", "app:" + "t" + "0123456789012345678901234567890123456789012345678901234567890123456789"
        + "0123456789012345678901234567890123456789012345678901234567890", "-app", "app-", "a/b/",
  })
  void rejectsInvalidRegistryReferences(String input) {
    assertThatThrownBy(() -> ImageRef.parse(input)).isInstanceOf(InvalidImageRefException.class);
  }

  @ParameterizedTest
  @CsvSource({
    "localhost:5000/a, true",
    "127.0.0.1/a, true",
    "127.1.2.3:80/a, true",
    "[::1]:5000/a, true",
    "ghcr.io/a, false",
    "busybox, false",
    "localhost.example.com/a, false",
    "127.evil.com/a, false",
    "127.0.0.1.nip.io/a, false",
    "127.0.0.1.evil.com:5000/a, false",
    "127.256.0.1/a, false",
    "127.0.0/a, false",
    "[::ffff:127.0.0.1]/a, true",
    "[0:0:0:0:0:0:0:1]:5000/a, true",
    "[::2]/a, false",
  })
  void knowsLoopbackRegistriesByAddressNotByNamePrefix(String input, boolean loopback) {
    assertThat(ImageRef.parse(input).isLoopback()).isEqualTo(loopback);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
    "oci:/tmp/layout|/tmp/layout|",
    "oci:/tmp/layout:latest|/tmp/layout|latest",
    "oci:rel/dir:v1.0|rel/dir|v1.0",
    "oci:/a:b/c|/a:b/c|",
  })
  void parsesLayoutReferences(String input, String dir, String tag) {
    ImageRef ref = ImageRef.parse(input);
    assertThat(ref).isInstanceOf(LayoutRef.class);
    LayoutRef layout = (LayoutRef) ref;
    assertThat(layout.directory()).isEqualTo(Path.of(dir));
    assertThat(layout.tag()).isEqualTo(Optional.ofNullable(tag));
    assertThat(layout.isLoopback()).isTrue();
    assertThat(ImageRef.parse(ref.toString())).isEqualTo(ref);
  }

  @Test
  void layoutReferenceRoundTripsWithDigest() {
    Digest d = Digest.of(new byte[0]);
    LayoutRef ref = LayoutRef.of(Path.of("/x/y"), "1").withDigest(d);
    assertThat(ref.toString()).isEqualTo("oci:/x/y:1@" + d);
    assertThat(ImageRef.parse(ref.toString())).isEqualTo(ref);
    assertThat(ref.withoutDigest()).isEqualTo(LayoutRef.of(Path.of("/x/y"), "1"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"oci:", "oci::tag", "oci:/dir:bad tag", "oci:/dir@sha256:zz"})
  void rejectsInvalidLayoutReferences(String input) {
    assertThatThrownBy(() -> ImageRef.parse(input)).isInstanceOf(InvalidImageRefException.class);
  }
}
