package dev.cnbfarm.lifecycle.builder;

import dev.cnbfarm.lifecycle.buildpack.OrderGroup;
import java.util.List;
import java.util.Objects;

/**
 * One entry of the {@code io.buildpacks.buildpack.layers} or {@code io.buildpacks.extension.layers}
 * label ({@code {id: {version: {...}}}}): which layer of the builder holds the module, its api, and
 * for a composite buildpack its order. Absent strings are empty. Immutable.
 *
 * @param id the module id
 * @param version the module version
 * @param api the Buildpack API it declares
 * @param layerDiffId the diffID of the layer holding {@code /cnb/<kind>s/<escaped-id>/<version>}
 * @param name the module's name
 * @param homepage the module's homepage
 * @param order a composite buildpack's order; empty otherwise
 */
public record ModuleLayer(String id, String version, String api, String layerDiffId, String name, String homepage,
    List<OrderGroup> order) {
  public ModuleLayer {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(layerDiffId, "layerDiffId");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(homepage, "homepage");
    order = List.copyOf(order);
  }
}
