package dev.cnbfarm.itests.pipeline;

import dev.cnbfarm.image.ref.ImageRef;
import java.nio.file.Path;

/** Where a test's images live: an OCI layout dir ({@code oci:}) or the farm's registry. */
enum Target {
  OCI,
  REGISTRY;

  /** The reference of image {@code name} (a tag) of this kind. */
  ImageRef ref(Farm farm, Path dir, String name) {
    return ImageRef.parse(this == OCI ? "oci:" + dir.resolve("images") + ":" + name
        : farm.registry.host() + "/itests/" + name + ":1");
  }
}
