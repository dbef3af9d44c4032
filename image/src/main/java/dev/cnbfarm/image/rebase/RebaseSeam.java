package dev.cnbfarm.image.rebase;

import dev.cnbfarm.image.ref.Digest;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageConfig;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.util.List;
import java.util.Optional;

/**
 * Where the original run image ends inside an app image (extensions.md §4.4, §8.5): the layers up
 * to and including {@code runImage.topLayer}, found by diffID and position, and the history
 * entries that belong to them. Immutable.
 *
 * @param layerCount how many bottom layers are run image layers
 * @param historyCount how many bottom history entries are the run image's, or -1 when the app's
 *     history does not line up with its layers and cannot be split
 */
record RebaseSeam(int layerCount, int historyCount) {

  /**
   * Finds the seam. When the original run image can still be read ({@code oldBase}) and its
   * diffIDs are a prefix of the app's ending in {@code topLayer}, the seam is exactly its length:
   * a diffID that repeats (an empty layer, an extension layer identical to the top) cannot fool it.
   * Otherwise the seam is the first layer whose diffID is {@code topLayer}, as the reference
   * rebaser does.
   */
  static RebaseSeam find(Image app, String topLayer, Optional<Image> oldBase) {
    ImageConfig config = app.config();
    List<Digest> diffIds = config.diffIds();
    if (diffIds.size() != app.manifest().layers().size()) {
      throw new LifecycleException(FailureCode.REBASE_ERROR, "app image " + app.ref() + " has "
          + app.manifest().layers().size() + " layers but " + diffIds.size() + " diff_ids");
    }
    if (oldBase.isPresent() && isPrefix(oldBase.get().config().diffIds(), diffIds, topLayer)) {
      List<ImageConfig.History> base = oldBase.get().config().history();
      List<ImageConfig.History> all = config.history();
      boolean historyPrefix = base.size() <= all.size() && all.subList(0, base.size()).equals(base);
      int layers = oldBase.get().config().diffIds().size();
      return new RebaseSeam(layers, historyPrefix ? base.size() : historyAfter(config, layers));
    }
    if (topLayer.isEmpty()) {
      return new RebaseSeam(0, historyAfter(config, 0));
    }
    for (int i = 0; i < diffIds.size(); i++) {
      if (diffIds.get(i).value().equals(topLayer)) {
        return new RebaseSeam(i + 1, historyAfter(config, i + 1));
      }
    }
    throw new LifecycleException(FailureCode.REBASE_ERROR, "app image " + app.ref()
        + " has no layer with the run image top layer " + topLayer + " (runImage.topLayer)");
  }

  private static boolean isPrefix(List<Digest> base, List<Digest> app, String topLayer) {
    if (base.size() > app.size() || !app.subList(0, base.size()).equals(base)) {
      return false;
    }
    return base.isEmpty() ? topLayer.isEmpty() : base.get(base.size() - 1).value().equals(topLayer);
  }

  /**
   * The number of history entries up to and including the {@code layers}-th non-empty one, or -1
   * when the history's non-empty entries do not match the layers one for one.
   */
  private static int historyAfter(ImageConfig config, int layers) {
    List<ImageConfig.History> history = config.history();
    if (history.stream().filter(h -> !h.emptyLayer()).count() != config.diffIds().size()) {
      return -1;
    }
    int seen = 0;
    for (int i = 0; i < history.size() && seen < layers; i++) {
      if (!history.get(i).emptyLayer() && ++seen == layers) {
        return i + 1;
      }
    }
    return 0;
  }
}
