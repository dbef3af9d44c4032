package dev.cnbfarm.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;

/** The schemas as released ({@code src/test/resources/released/}) and as now ({@code src/main/avro/}). */
final class ReleasedSchemas {
  /** In dependency order: a named type is parsed before the schemas that use it. */
  static final List<String> FILES = List.of("FailureCode.avsc", "BuildSpec.avsc", "GroupModule.avsc",
      "LayerDescriptor.avsc", "BuildRequested.avsc", "BuildDetected.avsc", "BuildBuilt.avsc", "RunImageReady.avsc",
      "BuildExported.avsc", "BuildFailed.avsc", "BuildLog.avsc");

  private ReleasedSchemas() {}

  /** A parser holding every released schema. */
  static Schema.Parser read() {
    Schema.Parser parser = new Schema.Parser();
    for (String file : FILES) {
      try (InputStream in = ReleasedSchemas.class.getResourceAsStream("/released/" + file)) {
        parser.parse(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return parser;
  }

  /** A parser holding every current schema. */
  static Schema.Parser current() {
    Schema.Parser parser = new Schema.Parser();
    for (String file : FILES) {
      try {
        parser.parse(Files.readString(Path.of("src/main/avro", file)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return parser;
  }
}
