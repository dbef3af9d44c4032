package dev.cnbfarm.itests;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.cnbfarm.lifecycle.failure.CnbfarmException;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One failure root (issue 7 item 4, style.md §5): every unchecked exception type of ours is a
 * {@link CnbfarmException}, and its direct subtypes are a closed set. Java cannot seal a class
 * across packages without a named module, so this test is the seal: a new direct subtype must be
 * added here, with the category it brings, on purpose.
 */
class FailureTaxonomyTest {
  static final Set<String> DIRECT_SUBTYPES = Set.of(
      "dev.cnbfarm.lifecycle.failure.LifecycleException",
      "dev.cnbfarm.lifecycle.failure.CancelledException",
      "dev.cnbfarm.image.store.ImageStoreException",
      "dev.cnbfarm.image.ref.InvalidImageRefException",
      "dev.cnbfarm.image.layer.InvalidLayerEntryException",
      "dev.cnbfarm.image.sandbox.SandboxException",
      // a cached layer that cannot be used (INFRA): the restorer and the cache step skip it
      "dev.cnbfarm.image.cache.CacheReadException",
      "dev.cnbfarm.runtime.codec.UndecodableEventException");
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.cnbfarm");
  }

  @Test
  void theRootHasExactlyTheListedDirectSubtypes() {
    Set<String> direct = classes.stream()
        .filter(c -> c.getRawSuperclass().map(s -> s.isEquivalentTo(CnbfarmException.class)).orElse(false))
        .map(JavaClass::getName).collect(Collectors.toSet());

    assertThat(direct).containsExactlyInAnyOrderElementsOf(DIRECT_SUBTYPES);
  }

  @Test
  void everyUncheckedExceptionOfOursIsUnderTheOneRoot() {
    classes().that().areAssignableTo(RuntimeException.class).and().resideInAPackage("dev.cnbfarm..")
        .should().beAssignableTo(CnbfarmException.class)
        .because("every adapter error maps into the one root once, with a category the CLI and the worker loop read")
        .check(classes);
  }
}
