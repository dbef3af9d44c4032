package dev.cnbfarm.image.export;

import dev.cnbfarm.image.layer.LayerEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The entries of one buildpack layer's tar: {@code layers/}, {@code layers/<escaped-id>/} and the
 * layer dir as {@code layers/<escaped-id>/<name>}, every file owned by the CNB user, exactly as
 * {@link BuildPublisher} tars a launch layer. The build cache tars its layers with it too, so a
 * layer that is launch and cache has one diffID in the app image and in the cache (the reference's
 * layer factory shares one tar between its export and cache steps the same way). Stateless.
 */
public final class BuildpackLayerTree {
  private BuildpackLayerTree() {}

  /** The entries of {@code dir}, buildpack layer {@code name} of the buildpack whose escaped id is {@code escapedId}. */
  public static List<LayerEntry> entries(String escapedId, String name, Path dir, int uid, int gid) {
    List<LayerEntry> entries = new ArrayList<>();
    entries.add(LayerEntry.directory("layers"));
    entries.add(new LayerEntry.Directory("layers/" + escapedId, 0755, uid, gid));
    entries.addAll(OwnedTree.entries(dir, "layers/" + escapedId + "/" + name, uid, gid));
    return entries;
  }
}
