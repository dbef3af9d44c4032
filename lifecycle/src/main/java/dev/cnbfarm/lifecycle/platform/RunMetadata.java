package dev.cnbfarm.lifecycle.platform;

import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.toml.Toml;
import dev.cnbfarm.lifecycle.toml.TomlTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code run.toml} (PA 0.12+): the run images a builder offers, each with mirrors. Immutable.
 */
public record RunMetadata(List<RunImage> images) {
  public RunMetadata {
    images = List.copyOf(images);
  }

  /** Reads the file; absent means no images (the detector only warns with it). */
  public static RunMetadata read(Path file) {
    if (!Files.exists(file)) {
      return new RunMetadata(List.of());
    }
    TomlTable toml = Toml.read(file, FailureCode.INVALID_INPUT);
    List<RunImage> out = new ArrayList<>();
    for (TomlTable t : toml.tables("images")) {
      out.add(new RunImage(t.requireString("image"), t.strings("mirrors")));
    }
    return new RunMetadata(out);
  }

  /** True when {@code name} is an image or mirror here, ignoring any digest on either side. */
  public boolean contains(String name) {
    String want = withoutDigest(name);
    return images.stream().anyMatch(i -> withoutDigest(i.image()).equals(want)
        || i.mirrors().stream().anyMatch(m -> withoutDigest(m).equals(want)));
  }

  static String withoutDigest(String ref) {
    int at = ref.indexOf('@');
    return at < 0 ? ref : ref.substring(0, at);
  }

  /** One {@code [[images]]} entry. Immutable. */
  public record RunImage(String image, List<String> mirrors) {
    public RunImage {
      mirrors = List.copyOf(mirrors);
    }
  }
}
