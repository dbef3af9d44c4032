package dev.cnbfarm.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each schema against its released copy, both ways (style.md §8): a consumer on the released
 * schema reads what a producer on the current one writes (an unknown enum symbol reads as the
 * enum's default), and the current consumer reads old records.
 */
class SchemaCompatibilityTest {
  @ParameterizedTest
  @ValueSource(strings = {"FailureCode", "BuildSpec", "GroupModule", "LayerDescriptor", "BuildRequested",
      "BuildDetected", "BuildBuilt", "RunImageReady", "BuildExported", "BuildFailed", "BuildLog"})
  void currentAndReleasedSchemasReadEachOther(String name) {
    Schema released = ReleasedSchemas.read().getTypes().get("dev.cnbfarm.schemas." + name);
    Schema current = ReleasedSchemas.current().getTypes().get("dev.cnbfarm.schemas." + name);

    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(released, current).getType())
        .as("a released reader of %s reads current records", name).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    assertThat(SchemaCompatibility.checkReaderWriterCompatibility(current, released).getType())
        .as("a current reader of %s reads released records", name).isEqualTo(SchemaCompatibilityType.COMPATIBLE);
  }
}
