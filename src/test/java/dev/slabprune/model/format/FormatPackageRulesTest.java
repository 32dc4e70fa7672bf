package dev.slabprune.model.format;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

class FormatPackageRulesTest {

  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.slabprune");

  @Test
  void onlyTheModelFormatPackageKnowsOnnx() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.slabprune.model.format..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("ai.onnx..", "ai.onnxruntime..")
        .allowEmptyShould(true)
        .check(MAIN);
  }

  @Test
  void theFormatPackagesUseNeitherSpringNorNd4j() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.slabprune.model.format..", "dev.slabprune.dataset.format..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.springframework..", "org.nd4j..", "jakarta.persistence..")
        .check(MAIN);
  }

  @Test
  void theDatasetFormatsDoNotDependOnTheModelFormats() {
    noClasses()
        .that()
        .resideInAPackage("dev.slabprune.dataset.format..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.slabprune.model..", "dev.slabprune.engine..")
        .check(MAIN);
  }
}
