package dev.cnbfarm.image.builder;

import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.builder.BuilderLabels;
import dev.cnbfarm.lifecycle.builder.BuilderMetadata;
import dev.cnbfarm.lifecycle.builder.ModuleLayer;
import dev.cnbfarm.lifecycle.buildpack.ModuleKind;
import dev.cnbfarm.lifecycle.buildpack.OrderGroup;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A builder image understood through its labels, whether pack or {@code cnbfarm builder create}
 * made it (design.md §6): metadata, buildpack and extension layers, and both orders. An image
 * without {@code io.buildpacks.builder.metadata} is not a builder (INVALID_INPUT). Immutable.
 *
 * @param image the image as read
 * @param metadata {@code io.buildpacks.builder.metadata}
 * @param buildpacks {@code io.buildpacks.buildpack.layers}, by id then version
 * @param extensions {@code io.buildpacks.extension.layers} (empty when absent), by id then version
 * @param order {@code io.buildpacks.buildpack.order}
 * @param orderExtensions {@code io.buildpacks.buildpack.order-extensions} (empty when absent)
 */
public record BuilderImage(Image image, BuilderMetadata metadata, List<ModuleLayer> buildpacks,
    List<ModuleLayer> extensions, List<OrderGroup> order, List<OrderGroup> orderExtensions) {

  public BuilderImage {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(metadata, "metadata");
    buildpacks = List.copyOf(buildpacks);
    extensions = List.copyOf(extensions);
    order = List.copyOf(order);
    orderExtensions = List.copyOf(orderExtensions);
  }

  /** Reads {@code ref} from {@code store} and parses its builder labels. */
  public static BuilderImage read(ImageStore store, ImageRef ref) {
    return of(store.read(ref));
  }

  /** Parses the builder labels of an image already read. */
  public static BuilderImage of(Image image) {
    Map<String, String> labels = image.config().labels();
    String metadata = labels.get(BuilderLabels.METADATA);
    if (metadata == null || metadata.isBlank()) {
      throw new LifecycleException(FailureCode.INVALID_INPUT,
          "image " + image.ref() + " is not a builder: no label " + BuilderLabels.METADATA);
    }
    return new BuilderImage(image, BuilderLabels.parseMetadata(metadata),
        layers(labels, BuilderLabels.BUILDPACK_LAYERS), layers(labels, BuilderLabels.EXTENSION_LAYERS),
        order(labels, BuilderLabels.ORDER, ModuleKind.BUILDPACK),
        order(labels, BuilderLabels.ORDER_EXTENSIONS, ModuleKind.EXTENSION));
  }

  private static List<ModuleLayer> layers(Map<String, String> labels, String label) {
    String json = labels.get(label);
    return json == null || json.isBlank() ? List.of() : BuilderLabels.parseLayers(json, label);
  }

  private static List<OrderGroup> order(Map<String, String> labels, String label, ModuleKind kind) {
    String json = labels.get(label);
    return json == null || json.isBlank() || json.equals("null") ? List.of() : BuilderLabels.parseOrder(json, label, kind);
  }
}
