package dev.cnbfarm.lifecycle.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cnbfarm.lifecycle.failure.FailureCode;
import dev.cnbfarm.lifecycle.failure.LifecycleException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code runImage} part of an app image's {@code io.buildpacks.lifecycle.metadata} label, as
 * the rebaser and inspect read and rewrite it (extensions.md §4.4, §8.5). Rewriting keeps every
 * other field of the label as it was. Immutable.
 *
 * @param topLayer diffID of the run image's top layer: the rebase seam ("" if the run image had none)
 * @param reference the digest reference of the run image the app sits on
 * @param image the run image name
 * @param mirrors its mirrors
 */
public record RunImageMetadata(String topLayer, String reference, String image, List<String> mirrors) {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  public RunImageMetadata {
    Objects.requireNonNull(topLayer, "topLayer");
    Objects.requireNonNull(reference, "reference");
    Objects.requireNonNull(image, "image");
    mirrors = List.copyOf(mirrors);
  }

  /**
   * Reads {@code runImage} from the label value; a label without {@code runImage.topLayer} is an
   * INVALID_INPUT error. The legacy {@code stack.runImage} supplies image and mirrors when
   * {@code runImage} lacks them.
   */
  public static RunImageMetadata parse(String labelJson) {
    JsonNode root = LabelJson.read(labelJson, LifecycleMetadata.LABEL);
    JsonNode run = root.path("runImage");
    if (!run.path("topLayer").isTextual()) {
      throw new LifecycleException(FailureCode.INVALID_INPUT,
          "label " + LifecycleMetadata.LABEL + " has no runImage.topLayer");
    }
    JsonNode stack = root.path("stack").path("runImage");
    String image = run.path("image").asText(stack.path("image").asText(""));
    JsonNode mirrorNode = run.has("mirrors") ? run.path("mirrors") : stack.path("mirrors");
    List<String> mirrors = new ArrayList<>();
    mirrorNode.forEach(m -> mirrors.add(m.asText()));
    return new RunImageMetadata(run.path("topLayer").asText(), run.path("reference").asText(""), image, mirrors);
  }

  /** Whether {@code name} is the run image name or one of its mirrors. */
  public boolean names(String name) {
    return image.equals(name) || mirrors.contains(name);
  }

  /**
   * The label value with {@code runImage} (and the legacy {@code stack.runImage}) replaced by this,
   * every other field kept; compact JSON, keys sorted.
   */
  public String writeInto(String labelJson) {
    ObjectNode root = (ObjectNode) LabelJson.read(labelJson, LifecycleMetadata.LABEL).deepCopy();
    ObjectNode run = root.putObject("runImage");
    run.put("topLayer", topLayer);
    run.put("reference", reference);
    run.put("image", image);
    ArrayNode m = run.putArray("mirrors");
    mirrors.forEach(m::add);
    ObjectNode stackRun = root.putObject("stack").putObject("runImage");
    stackRun.put("image", image);
    stackRun.set("mirrors", m.deepCopy());
    return LabelJson.write(MAPPER.convertValue(root, Map.class));
  }
}
