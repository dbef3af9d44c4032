package dev.cnbfarm.lifecycle.export;

import dev.cnbfarm.lifecycle.toml.Toml;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code report.toml} (platform.md "report.toml"): {@code [image] tags, digest, manifest-size}.
 * There is no daemon, so no {@code image-id}. Immutable.
 *
 * @param tags every reference the image was written to
 * @param digest the manifest digest
 * @param manifestSize the manifest's size in bytes
 */
public record ExportReport(List<String> tags, String digest, long manifestSize) {
  public ExportReport {
    tags = List.copyOf(tags);
    Objects.requireNonNull(digest, "digest");
  }

  public Map<String, Object> toToml() {
    Map<String, Object> image = new LinkedHashMap<>();
    image.put("tags", tags);
    image.put("digest", digest);
    image.put("manifest-size", manifestSize);
    return Map.of("image", image);
  }

  public void write(Path file) {
    Toml.write(file, toToml());
  }
}
