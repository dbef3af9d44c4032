package dev.cnbfarm.lifecycle.export;

import dev.cnbfarm.lifecycle.platform.RunMetadata;
import java.util.List;
import java.util.Objects;

/**
 * The run image name and mirrors the app image's labels record (extensions.md §5.5). Immutable.
 *
 * @param image the run image name ("" when run.toml has none and nothing else is known)
 * @param mirrors its mirrors, possibly empty
 */
public record RunImageLabel(String image, List<String> mirrors) {
  public RunImageLabel {
    Objects.requireNonNull(image, "image");
    mirrors = List.copyOf(mirrors);
  }

  /**
   * The run.toml entry whose image or a mirror is {@code analyzedImage} (image and mirrors); else,
   * if extensions were used, just {@code analyzedImage} (an extension-chosen image, no mirrors);
   * else the first run.toml entry; else {@code analyzedImage} alone.
   */
  public static RunImageLabel choose(RunMetadata run, String analyzedImage, boolean extensionsUsed) {
    for (RunMetadata.RunImage entry : run.images()) {
      if (entry.contains(analyzedImage)) {
        return new RunImageLabel(entry.image(), entry.mirrors());
      }
    }
    if (extensionsUsed || run.images().isEmpty()) {
      return new RunImageLabel(withoutDigest(analyzedImage), List.of());
    }
    RunMetadata.RunImage first = run.images().get(0);
    return new RunImageLabel(first.image(), first.mirrors());
  }

  private static String withoutDigest(String ref) {
    int at = ref.indexOf('@');
    return at < 0 ? ref : ref.substring(0, at);
  }
}
