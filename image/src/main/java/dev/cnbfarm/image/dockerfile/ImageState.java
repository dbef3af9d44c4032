package dev.cnbfarm.image.dockerfile;

import dev.cnbfarm.image.rootfs.LayerStack;
import dev.cnbfarm.image.store.ImageConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * An image as the Dockerfile applier sees it: its config and its layers (bottom first), each
 * unpacked on disk, so a step's root filesystem is an overlay of them — no copy. Immutable.
 */
public record ImageState(ImageConfig config, List<StateLayer> layers) {
  public ImageState {
    layers = List.copyOf(layers);
  }

  /** Layer dirs top first, as overlayfs {@code lowerdir} wants them. */
  public List<Path> lowersTopFirst() {
    List<Path> out = new ArrayList<>(layers.stream().map(StateLayer::dir).toList());
    Collections.reverse(out);
    return out;
  }

  /** The merged view of the layers, for reading files such as /etc/passwd. */
  public LayerStack stack() {
    return new LayerStack(lowersTopFirst());
  }

  public ImageState withConfig(ImageConfig newConfig) {
    return new ImageState(newConfig, layers);
  }

  public ImageState withLayer(StateLayer layer, ImageConfig newConfig) {
    List<StateLayer> out = new ArrayList<>(layers);
    out.add(layer);
    return new ImageState(newConfig, out);
  }

  /** The layers added on top of {@code base} (which must be a prefix of this state). */
  public List<StateLayer> layersAbove(ImageState base) {
    return layers.subList(base.layers.size(), layers.size());
  }
}
