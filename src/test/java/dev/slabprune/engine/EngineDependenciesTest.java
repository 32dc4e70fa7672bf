package dev.slabprune.engine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class EngineDependenciesTest {

  private static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.slabprune");

  @Test
  void theEngineKnowsNothingOfSpringPersistenceHttpOrTheService() {
    noClasses()
        .that()
        .resideInAPackage("dev.slabprune.engine..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.springframework..",
            "jakarta.persistence..",
            "jakarta.servlet..",
            "dev.slabprune.api..",
            "dev.slabprune.model..",
            "dev.slabprune.dataset..",
            "dev.slabprune.job..",
            "dev.slabprune.storage..",
            "dev.slabprune.config..")
        .check(CLASSES);
  }

  @Test
  void onlyTheEngineUsesNd4j() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.slabprune.engine..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.nd4j..")
        .check(CLASSES);
  }
}
