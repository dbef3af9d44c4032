package dev.cnbfarm.image.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "dev.cnbfarm.image", importOptions = ImportOption.DoNotIncludeTests.class)
class ImageArchitectureTest {
  @ArchTest
  static final ArchRule onlyTheRegistryAdapterSeesJib = noClasses()
      .that().haveNameNotMatching("dev\\.cnbfarm\\.image\\.store\\.(RegistryImageStore|JibClients|RegistryCalls|RegistryHttp)(\\$.*)?")
      .should().dependOnClassesThat().resideInAPackage("com.google.cloud.tools.jib..")
      .because("Jib's registry client is internal API with no stability promise; design.md §4 keeps it in one adapter");

  @ArchTest
  static final ArchRule refsAndLayersDoNotKnowTheStore = noClasses()
      .that().resideInAnyPackage("dev.cnbfarm.image.ref..", "dev.cnbfarm.image.layer..")
      .should().dependOnClassesThat().resideInAnyPackage("dev.cnbfarm.image.store..", "com.fasterxml.jackson..")
      .because("references and the layer codec are values and streams that every adapter shares");
}
