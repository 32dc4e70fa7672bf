package dev.slabprune.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethod;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The package picture of STYLE.md, stated as rules that fail the build when broken. */
class PackageDependenciesTest {

  private static JavaClasses production;

  @BeforeAll
  static void importProductionClasses() {
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.slabprune");
  }

  @Test
  void theEngineDependsOnNothingOfTheService() {
    noClasses()
        .that()
        .resideInAPackage("dev.slabprune.engine..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.slabprune.api..",
            "dev.slabprune.config..",
            "dev.slabprune.storage..",
            "dev.slabprune.model..",
            "dev.slabprune.dataset..",
            "dev.slabprune.job..")
        .orShould()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.springframework..",
            "jakarta.persistence..",
            "jakarta.servlet..",
            "org.hibernate..")
        .check(production);
  }

  @Test
  void onlyTheEngineImportsNd4j() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.slabprune.engine..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.nd4j..", "org.bytedeco..")
        .check(production);
  }

  @Test
  void onlyTheFormatPackagesImportTheOnnxClasses() {
    noClasses()
        .that()
        .resideOutsideOfPackages("dev.slabprune.model.format..", "dev.slabprune.dataset.format..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("ai.onnx..", "ai.onnxruntime..")
        .check(production);
  }

  @Test
  void controllersNeverTouchRepositories() {
    noClasses()
        .that()
        .areAnnotatedWith(org.springframework.web.bind.annotation.RestController.class)
        .should()
        .dependOnClassesThat()
        .areAssignableTo(org.springframework.data.repository.Repository.class)
        .orShould()
        .dependOnClassesThat()
        .haveSimpleNameEndingWith("Repository")
        .allowEmptyShould(true)
        .check(production);
  }

  @Test
  void theWebLayerStaysOutOfTheLowerPackages() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.slabprune.storage..", "dev.slabprune.engine..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.springframework.web..", "jakarta.servlet..")
        .check(production);
  }

  @Test
  void accessControlLivesInTheSecurityPackage() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.slabprune.security..")
        .and()
        .doNotHaveFullyQualifiedName(dev.slabprune.api.CurrentOwner.class.getName())
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.springframework.security..")
        .because("who may do what is decided in one place; controllers ask CurrentOwner")
        .check(production);
  }

  @Test
  void controllersNeverReturnEntities() {
    methods()
        .that()
        .areDeclaredInClassesThat()
        .areAnnotatedWith(org.springframework.web.bind.annotation.RestController.class)
        .should(
            new ArchCondition<JavaMethod>("not return JPA entities") {
              @Override
              public void check(JavaMethod method, ConditionEvents events) {
                for (JavaClass type : method.getReturnType().getAllInvolvedRawTypes()) {
                  if (type.isAnnotatedWith(jakarta.persistence.Entity.class)) {
                    events.add(
                        SimpleConditionEvent.violated(
                            method,
                            method.getFullName() + " returns the entity " + type.getName()));
                  }
                }
              }
            })
        .allowEmptyShould(true)
        .check(production);
  }
}
