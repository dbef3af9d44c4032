package dev.cnbfarm.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cnbfarm.lifecycle.failure.Category;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Avro enums mirror lifecycle's: a code or category added on one side only fails here, before
 * a worker emits a symbol its readers cannot name (or the mapping from the Java enum throws).
 */
class FailureCodeMirrorTest {
  @Test
  void avroFailureCodeHasExactlyTheSymbolsOfTheJavaEnum() {
    assertThat(FailureCode.SCHEMA$.getEnumSymbols()).containsExactlyInAnyOrderElementsOf(
        names(dev.cnbfarm.lifecycle.failure.FailureCode.values()));
  }

  @Test
  void avroFailureCategoryHasExactlyTheCategoriesOfTheJavaEnum() {
    assertThat(FailureCategory.SCHEMA$.getEnumSymbols()).containsExactlyInAnyOrderElementsOf(names(Category.values()));
  }

  @Test
  void everyJavaCodeMapsToTheAvroSymbolOfTheSameName() {
    for (var code : dev.cnbfarm.lifecycle.failure.FailureCode.values()) {
      assertThat(FailureCode.valueOf(code.name()).name()).isEqualTo(code.name());
    }
    for (Category category : Category.values()) {
      assertThat(FailureCategory.valueOf(category.name()).name()).isEqualTo(category.name());
    }
  }

  @Test
  void newSymbolsAreAppendedAfterTheReleasedOnes() {
    assertThat(FailureCode.SCHEMA$.getEnumSymbols()).startsWith(
        ReleasedSchemas.read().getTypes().get("dev.cnbfarm.schemas.FailureCode").getEnumSymbols().toArray(String[]::new));
    assertThat(FailureCategory.SCHEMA$.getEnumSymbols()).startsWith(
        ReleasedSchemas.read().getTypes().get("dev.cnbfarm.schemas.FailureCategory").getEnumSymbols().toArray(String[]::new));
  }

  private static List<String> names(Enum<?>[] values) {
    return Arrays.stream(values).map(Enum::name).toList();
  }

}
