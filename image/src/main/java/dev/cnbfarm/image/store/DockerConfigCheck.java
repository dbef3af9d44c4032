package dev.cnbfarm.image.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads the docker {@code config.json} before Jib does: Jib skips a malformed file with a log line
 * (so a typo silently drops every credential) and fails on an {@code auth} without {@code :} with
 * {@code begin 0, end -1}. Here either is an {@link ImageStoreUnauthorizedException} naming the
 * file, the line or the entry. A missing file is fine (no credentials). Stateless.
 */
final class DockerConfigCheck {
  private DockerConfigCheck() {}

  static void check(Path file) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      throw new ImageStoreUnauthorizedException("cannot read docker config " + file + ": " + e.getMessage(), e);
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw new ImageStoreUnauthorizedException("docker config " + file + (line > 0 ? " line " + line : "")
          + ": not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ImageStoreUnauthorizedException("cannot read docker config " + file + ": " + e.getMessage(), e);
    }
    if (root == null || root.isMissingNode()) {
      return;
    }
    if (!root.isObject()) {
      throw new ImageStoreUnauthorizedException("docker config " + file + ": not a JSON object");
    }
    JsonNode auths = root.path("auths");
    for (Iterator<Map.Entry<String, JsonNode>> it = auths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      JsonNode auth = entry.getValue().path("auth");
      if (!auth.isMissingNode() && !auth.isNull()) {
        checkAuth(file, entry.getKey(), auth.asText());
      }
    }
  }

  private static void checkAuth(Path file, String registry, String auth) {
    if (auth.isEmpty()) {
      return;
    }
    String where = "docker config " + file + ": auths.\"" + registry + "\".auth";
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ImageStoreUnauthorizedException(where + " is not base64", e);
    }
    if (decoded.indexOf(':') < 0) {
      throw new ImageStoreUnauthorizedException(where + " is not base64 of user:password (no ':')");
    }
  }
}
