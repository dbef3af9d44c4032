package dev.cnbfarm.image.rebase;

import dev.cnbfarm.image.ref.ImageRef;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What to rebase and onto what. Immutable.
 *
 * @param appImage the app image; the rebased image is written back to this reference's tag
 * @param runImage the new run image; empty means {@code runImage.image} of the app's label,
 *     re-resolved to its current digest
 * @param force rebase even when {@code io.buildpacks.rebasable=false}, the os/arch differ, or the
 *     run image is not the recorded one or a mirror (extensions.md §4.4, §8.5)
 * @param extraTags further references the rebased image is written to
 */
public record RebaseRequest(ImageRef appImage, Optional<ImageRef> runImage, boolean force, List<ImageRef> extraTags) {
  public RebaseRequest {
    Objects.requireNonNull(appImage, "appImage");
    Objects.requireNonNull(runImage, "runImage");
    extraTags = List.copyOf(extraTags);
  }

  /** The app image reference followed by the extra tags. */
  public List<ImageRef> targets() {
    return Stream.concat(Stream.of(appImage), extraTags.stream()).toList();
  }
}
