package dev.cnbfarm.image.builder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cnbfarm.image.ref.ImageRef;
import dev.cnbfarm.image.store.Image;
import dev.cnbfarm.image.store.ImageStore;
import dev.cnbfarm.lifecycle.builder.BuilderLabels;
import dev.cnbfarm.lifecycle.builder.ModuleLayer;
import dev.cnbfarm.lifecycle.buildpack.ModuleDescriptor;
import dev.cnbfarm.lifecycle.buildpack.ModuleKind;
import dev.cnbfarm.lifecycle.buildpack.ModuleRef;
import dev.cnbfarm.lifecycle.export.LabelJson;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.util.List;
import java.util.Objects;

/**
 * A buildpack or extension added on top of a builder ({@code pack build --buildpack/--extension}):
 * a module directory, or a buildpackage image whose module layers are copied as they are. Its
 * {@link #ref()} is the element of the one order group it joins. Immutable.
 */
public sealed interface AddedModule permits AddedModule.Dir, AddedModule.Package {
  /** The label of a buildpackage (pack's buildpackage format): its top module's id and version. */
  String PACKAGE_METADATA = "io.buildpacks.buildpackage.metadata";

  ModuleKind kind();

  /** The order group element: the module's id and version, required. */
  ModuleRef ref();

  /** A module directory with its parsed {@code buildpack.toml} or {@code extension.toml}. */
  record Dir(ModuleDescriptor descriptor) implements AddedModule {
    public Dir {
      Objects.requireNonNull(descriptor, "descriptor");
      if (descriptor.isComposite()) {
        throw new LifecycleException(FailureCode.INVALID_INPUT, descriptor.dir().resolve("buildpack.toml")
            + ": buildpack " + descriptor.coordinates() + " is composite; add it as a buildpackage image instead");
      }
    }

    @Override
    public ModuleKind kind() {
      return descriptor.kind();
    }

    @Override
    public ModuleRef ref() {
      return new ModuleRef(descriptor.kind(), descriptor.id(), descriptor.version(), false);
    }
  }

  /**
   * A buildpackage image: its top module ({@value #PACKAGE_METADATA}) and the module layers its
   * {@code io.buildpacks.buildpack.layers} (or {@code io.buildpacks.extension.layers}) label lists.
   */
  record Package(ModuleKind kind, Image image, String id, String version, List<ModuleLayer> layers)
      implements AddedModule {
    public Package {
      layers = List.copyOf(layers);
    }

    /** Reads {@code ref} and its package labels; an image that is not a buildpackage fails with INVALID_INPUT. */
    public static Package read(ImageStore store, ImageRef ref, ModuleKind kind) {
      Image image = store.read(ref);
      String metadata = image.config().labels().get(PACKAGE_METADATA);
      if (metadata == null || metadata.isBlank()) {
        throw new LifecycleException(FailureCode.INVALID_INPUT, "image " + ref + " is not a " + kind.label()
            + " package: no label " + PACKAGE_METADATA);
      }
      JsonNode top = LabelJson.read(metadata, PACKAGE_METADATA);
      String id = top.path("id").asText("");
      String version = top.path("version").asText("");
      if (id.isEmpty()) {
        throw new LifecycleException(FailureCode.INVALID_INPUT, "image " + ref + ": label " + PACKAGE_METADATA
            + " has no id");
      }
      String label = kind == ModuleKind.EXTENSION ? BuilderLabels.EXTENSION_LAYERS : BuilderLabels.BUILDPACK_LAYERS;
      String json = image.config().labels().get(label);
      List<ModuleLayer> layers = json == null || json.isBlank() ? List.of() : BuilderLabels.parseLayers(json, label);
      if (layers.stream().noneMatch(l -> l.id().equals(id) && l.version().equals(version))) {
        throw new LifecycleException(FailureCode.INVALID_INPUT, "image " + ref + ": label " + label
            + " does not list its own " + kind.label() + " " + id + "@" + version);
      }
      return new Package(kind, image, id, version, layers);
    }

    @Override
    public ModuleRef ref() {
      return new ModuleRef(kind, id, version, false);
    }
  }
}
