package dev.cnbfarm.engine.extend;

import dev.cnbfarm.image.ref.ImageRef;
import java.time.Duration;
import java.util.Optional;

/**
 * The operator's settings for extend, read once by the composition root. Immutable.
 *
 * @param stepTimeout the limit of one RUN step and of one {@code /bin/build} ({@code CNBFARM_STEP_TIMEOUT})
 * @param layerCacheTtl how long a cached extension layer stays valid ({@code -kaniko-cache-ttl},
 *     {@code CNB_KANIKO_CACHE_TTL}; decisions.md #16)
 * @param sharedLayerCache the registry repository or {@code oci:} layout every worker shares as the
 *     layer cache ({@code CNBFARM_LAYER_CACHE_REPO}); empty: a local cache in the workspace
 */
public record ExtendSettings(Duration stepTimeout, Duration layerCacheTtl, Optional<ImageRef> sharedLayerCache) {}
