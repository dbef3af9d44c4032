package dev.cnbfarm.image.layer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChunkedGzipOutputStreamTest {

  /** Random and repetitive parts, across several chunk boundaries, written in odd-sized pieces. */
  private static byte[] input(int size) {
    byte[] data = new byte[size];
    new Random(42).nextBytes(data);
    byte[] text = "apt lists and binaries compress; random bytes do not\n".getBytes(StandardCharsets.UTF_8);
    for (int i = size / 3; i < size; i++) {
      data[i] = text[i % text.length];
    }
    return data;
  }

  private static byte[] gzip(byte[] data, int level, int threads) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ChunkedGzipOutputStream gz = new ChunkedGzipOutputStream(out, level, threads)) {
      for (int off = 0; off < data.length; ) {
        int n = Math.min(data.length - off, 7919);
        gz.write(data, off, n);
        off += n;
      }
    }
    return out.toByteArray();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 17, ChunkedGzipOutputStream.CHUNK, 3 * ChunkedGzipOutputStream.CHUNK + 12345})
  void roundTripsThroughAnOrdinaryGzipReader(int size) throws IOException {
    byte[] data = input(size);
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip(data, 1, 3)))) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 4})
  void givesTheSameBytesWhateverTheThreadCount(int threads) throws IOException {
    byte[] data = input(3 * ChunkedGzipOutputStream.CHUNK + 99);
    assertThat(gzip(data, 1, threads)).isEqualTo(gzip(data, 1, 1));
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 0, 9})
  void honoursEveryLevel(int level) throws IOException {
    byte[] data = input(2 * ChunkedGzipOutputStream.CHUNK + 5);
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip(data, level, 2)))) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
  }

  @org.junit.jupiter.api.Test
  void storesRandomChunksAndDeflatesCompressibleOnes() throws IOException {
    byte[] random = new byte[ChunkedGzipOutputStream.CHUNK];
    new Random(7).nextBytes(random);
    byte[] input = input(ChunkedGzipOutputStream.CHUNK * 2);
    byte[] text = java.util.Arrays.copyOfRange(input, input.length / 2, input.length);
    assertThat(ChunkedGzipOutputStream.incompressible(random, random.length, 1, new byte[64 * 1024])).isTrue();
    assertThat(ChunkedGzipOutputStream.incompressible(text, text.length, 1, new byte[64 * 1024])).isFalse();
    byte[] both = new byte[random.length * 2];
    System.arraycopy(random, 0, both, 0, random.length);
    System.arraycopy(text, 0, both, random.length, random.length);
    byte[] gz = gzip(both, 6, 2);
    assertThat(gz.length).isLessThan(random.length + random.length / 10);
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      assertThat(in.readAllBytes()).isEqualTo(both);
    }
  }

  @org.junit.jupiter.api.Test
  void theSystemGzipDecodesAMixedMultiChunkStream(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    byte[] random = new byte[3 * ChunkedGzipOutputStream.CHUNK + 12345];
    new java.util.Random(7).nextBytes(random);
    byte[] text = "cnbfarm layer text line\n".repeat(200_000).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] both = new byte[random.length + text.length];
    System.arraycopy(text, 0, both, 0, text.length);
    System.arraycopy(random, 0, both, text.length, random.length);
    java.nio.file.Path gz = java.nio.file.Files.write(dir.resolve("x.gz"), gzip(both, 6, 3));
    java.nio.file.Path outFile = dir.resolve("x");
    Process p = new ProcessBuilder("gzip", "-dc", gz.toString()).redirectOutput(outFile.toFile()).start();
    assertThat(p.waitFor()).isZero();
    assertThat(java.nio.file.Files.readAllBytes(outFile)).isEqualTo(both);
  }
}
