package dev.cnbfarm.image.export;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cnbfarm.lifecycle.export.BuildMetadataLabel;
import dev.cnbfarm.lifecycle.export.LifecycleMetadata;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.util.List;

/**
 * The metadata half of a {@link PublishedBuild} as JSON, losslessly, so a build published on one
 * host is assembled on another to the same image (the pipeline's {@code built} event carries it).
 * Not the label format: the labels drop what the assembler still needs (a built-in launcher's
 * name, the buildpacks' own labels). Stateless and thread-safe.
 */
public final class PublishedBuildJson {
  private static final ObjectMapper JSON = new ObjectMapper()
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  private static final TypeReference<List<LifecycleMetadata.BuildpackLayers>> BUILDPACKS = new TypeReference<>() {};

  private PublishedBuildJson() {}

  public static String buildpacks(List<LifecycleMetadata.BuildpackLayers> buildpacks) {
    return write(buildpacks);
  }

  public static List<LifecycleMetadata.BuildpackLayers> parseBuildpacks(String json) {
    try {
      return List.copyOf(JSON.readValue(json, BUILDPACKS));
    } catch (JsonProcessingException e) {
      throw invalid("buildpacks layer metadata", e);
    }
  }

  public static String buildMetadata(BuildMetadataLabel label) {
    return write(label);
  }

  public static BuildMetadataLabel parseBuildMetadata(String json) {
    try {
      return JSON.readValue(json, BuildMetadataLabel.class);
    } catch (JsonProcessingException e) {
      throw invalid("build metadata", e);
    }
  }

  private static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write published build metadata: " + e.getOriginalMessage(), e);
    }
  }

  private static LifecycleException invalid(String what, JsonProcessingException e) {
    return new LifecycleException(FailureCode.INVALID_INPUT, "invalid " + what + " in a built event: "
        + e.getOriginalMessage(), e);
  }
}
