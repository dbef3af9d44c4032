package dev.cnbfarm.itests;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The module dependency direction of design.md §3 and style.md §1, enforced on the bytecode. */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    // test-jars (engine's, image's fixtures) are on this classpath as jars, which DO_NOT_INCLUDE_TESTS misses
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(location -> !location.contains("-tests.jar"))
        .importPackages("dev.cnbfarm");
  }

  @Test
  void lifecycleUsesNoInfrastructure() {
    ArchRule rule = noClasses().that().resideInAPackage("dev.cnbfarm.lifecycle..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "org.apache.avro..",
            "com.google.cloud.tools.jib..", "org.slf4j..")
        .because("lifecycle is the CNB spec, pure: no Kafka, Avro or Jib, and it returns data instead of logging");
    rule.check(classes);
  }

  @Test
  void lifecycleDependsOnNothingOfOurs() {
    ArchRule rule = noClasses().that().resideInAPackage("dev.cnbfarm.lifecycle..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.cnbfarm.image..", "dev.cnbfarm.runtime..",
            "dev.cnbfarm.schemas..", "dev.cnbfarm.engine..", "dev.cnbfarm.detect..", "dev.cnbfarm.extend..",
            "dev.cnbfarm.export..", "dev.cnbfarm.cli..")
        .because("every other module builds on lifecycle, never the reverse (design.md §3)");
    rule.check(classes);
  }

  @Test
  void onlyTheImageStoreAdapterKnowsJib() {
    ArchRule rule = noClasses().that().resideOutsideOfPackage("dev.cnbfarm.image.store..")
        .should().dependOnClassesThat().resideInAPackage("com.google.cloud.tools.jib..")
        .because("Jib is wrapped behind our image store port; its internal classes must not leak (design.md §4)");
    rule.check(classes);
  }

  @Test
  void imageDoesNotDependOnWorkersOrCli() {
    ArchRule rule = noClasses().that().resideInAPackage("dev.cnbfarm.image..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.cnbfarm.engine..", "dev.cnbfarm.runtime..",
            "dev.cnbfarm.detect..", "dev.cnbfarm.extend..", "dev.cnbfarm.export..", "dev.cnbfarm.cli..")
        .because("image may use lifecycle's value types only; the phases (engine), workers and the CLI build on it,"
            + " so image never calls the build phase directly");
    rule.check(classes);
  }

  @Test
  void phasesDoNotDependOnWorkersOrCli() {
    ArchRule rule = noClasses().that().resideInAPackage("dev.cnbfarm.engine..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.cnbfarm.runtime..", "dev.cnbfarm.detect..",
            "dev.cnbfarm.extend..", "dev.cnbfarm.export..", "dev.cnbfarm.cli..", "org.apache.kafka..")
        .because("a phase is a handler: typed inputs and ports in, values out; the CLI and the workers call it");
    rule.check(classes);
  }

  @Test
  void phasesReadNoFlagsOrEnvVars() {
    ArchRule rule = noClasses().that().resideInAPackage("dev.cnbfarm.engine..")
        .should().dependOnClassesThat().resideInAPackage("dev.cnbfarm.lifecycle.phase..")
        .because("flags, CNB_* env vars and their defaults are resolved once, by the commands, into the phases'"
            + " typed inputs (lifecycle.phase.PhaseFlag is the one table)");
    rule.check(classes);
  }

  @Test
  void onlyTheWorkerRuntimeKnowsKafka() {
    ArchRule rule = noClasses().that().resideOutsideOfPackage("dev.cnbfarm.runtime..")
        .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..")
        .because("the one consumer loop owns the broker; handlers and phases see events as values (design.md §3)");
    rule.check(classes);
  }

  @Test
  void workersDoNotDependOnEachOther() {
    String[] workers = {"dev.cnbfarm.detect..", "dev.cnbfarm.extend..", "dev.cnbfarm.export.."};
    for (String worker : workers) {
      for (String other : workers) {
        if (!worker.equals(other)) {
          noClasses().that().resideInAPackage(worker).should().dependOnClassesThat().resideInAPackage(other)
              .allowEmptyShould(true)
              .because("workers talk only through topics, so each scales and deploys on its own (design.md §2)")
              .check(classes);
        }
      }
    }
  }
}
