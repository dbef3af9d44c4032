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
    return of(Toml.read(file, FailureCode.INVALID_INPUT));
  }

  /**
   * Parses run.toml text carried by an event ({@code label} names it in error messages); empty
   * text means no images, as an absent file does.
   */
  public static RunMetadata parse(String text, String label) {
    return of(Toml.parse(text, label, FailureCode.INVALID_INPUT));
  }

  private static RunMetadata of(TomlTable toml) {
    List<RunImage> out = new ArrayList<>();
    for (TomlTable t : toml.tables("images")) {
      out.add(new RunImage(t.requireString("image"), t.strings("mirrors")));
    }
    return new RunMetadata(out);
  }

  /**
   * True when {@code name} is an image or mirror here, compared as {@link ImageNames} normalises
   * them (registry, {@code library/}, {@code :latest}; any digest ignored), as the reference does.
   */
  public boolean contains(String name) {
    return images.stream().anyMatch(i -> i.contains(name));
  }

  /** One {@code [[images]]} entry. Immutable. */
  public record RunImage(String image, List<String> mirrors) {
    public RunImage {
      mirrors = List.copyOf(mirrors);
    }

    /** True when {@code name} is this image or one of its mirrors ({@link ImageNames#same}). */
    public boolean contains(String name) {
      return ImageNames.same(image, name) || mirrors.stream().anyMatch(m -> ImageNames.same(m, name));
    }
  }
}
