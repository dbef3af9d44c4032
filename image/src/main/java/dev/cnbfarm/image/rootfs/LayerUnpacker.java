package dev.cnbfarm.image.rootfs;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes the content of one layer into an empty directory, in overlayfs form (OCI whiteouts as 0:0
 * character devices, opaque directories marked with the {@code user.overlay.opaque} xattr). The
 * real implementation lives in {@code dev.cnbfarm.image.layer}; the {@link RootfsCache} only needs
 * this port.
 */
@FunctionalInterface
public interface LayerUnpacker {

  /**
   * Unpacks the layer into {@code dest}, which exists and is empty. On failure the cache deletes
   * {@code dest}, so partial output is harmless.
   */
  void unpack(Path dest) throws IOException;
}
