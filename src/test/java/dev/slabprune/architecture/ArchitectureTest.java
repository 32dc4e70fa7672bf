package dev.slabprune.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.methods;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
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

/**
 * The package picture of STYLE.md, stated as rules that fail the build when broken: features above
 * the web-wide pieces, the engine and storage beneath everything, inside {@code job} the layers
 * {@code job} above {@code job.run} above {@code job.result} above {@code job.queue}, and no cycle
 * anywhere.
 */
class ArchitectureTest {

  private static JavaClasses production;

  @BeforeAll
  static void importProductionClasses() {
    production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.slabprune");
  }

  @Test
  void noPackageOfTheServiceDependsOnItselfThroughAnother() {
    slices().matching("dev.slabprune.(**)").should().beFreeOfCycles().check(production);
  }

  @Test
  void theEngineDependsOnNothingOfTheServiceNorOnSpringPersistenceOrHttp() {
    noClasses()
        .that()
        .resideInAPackage("dev.slabprune.engine..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.slabprune.api..",
            "dev.slabprune.config..",
            "dev.slabprune.embedded..",
            "dev.slabprune.storage..",
            "dev.slabprune.model..",
            "dev.slabprune.dataset..",
            "dev.slabprune.job..",
            "dev.slabprune.security..")
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
  void theEmbeddedDatabaseKnowsNothingOfTheService() {
    noClasses()
        .that()
        .resideInAPackage("dev.slabprune.embedded..")
        .should()
        .dependOnClassesThat(
            JavaClass.Predicates.resideInAPackage("dev.slabprune..")
                .and(JavaClass.Predicates.resideOutsideOfPackage("dev.slabprune.embedded..")))
        .because("the embedded PostgreSQL is a launcher of its own, usable by the tests alone")
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

  /**
   * An API-only instance never runs a job, so nothing it runs may reach ND4J: only the workers'
   * pipeline uses the engine's classes that train, evaluate or otherwise compute with ND4J.
   */
  @Test
  void onlyTheWorkersPipelineUsesTheEnginesNd4jClasses() {
    noClasses()
        .that()
        .resideOutsideOfPackages("dev.slabprune.engine..", "dev.slabprune.job.run..")
        .should()
        .dependOnClassesThat(reachNd4j())
        .check(production);
  }

  @Test
  void theNd4jRuleTellsTheEnginesComputingClassesFromItsDataClasses() {
    assertThat(reachNd4j().test(production.get("dev.slabprune.engine.Compression"))).isTrue();
    assertThat(reachNd4j().test(production.get("dev.slabprune.engine.Posterior"))).isFalse();
    assertThat(reachNd4j().test(production.get("dev.slabprune.engine.DenseNetwork"))).isFalse();
  }

  @Test
  void theQueueKnowsNothingOfHttpNorOfWhatJobsDo() {
    noClasses()
        .that()
        .resideInAPackage("dev.slabprune.job.queue..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.slabprune.api..",
            "dev.slabprune.security..",
            "org.springframework.web..",
            "org.springframework.http..",
            "jakarta.servlet..",
            "dev.slabprune.engine..",
            "dev.slabprune.model..",
            "dev.slabprune.dataset..",
            "dev.slabprune.storage..")
        .orShould()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.slabprune.job", "dev.slabprune.job.run..", "dev.slabprune.job.result..")
        .check(production);
  }

  @Test
  void resultsSitBeneathThePipelineAndAboveTheQueue() {
    noClasses()
        .that()
        .resideInAPackage("dev.slabprune.job.result..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.slabprune.job", "dev.slabprune.job.run..")
        .orShould()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.slabprune.api..", "org.springframework.web..", "jakarta.servlet..")
        .check(production);
  }

  @Test
  void thePipelineKnowsNothingOfTheJobsApi() {
    noClasses()
        .that()
        .resideInAPackage("dev.slabprune.job.run..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.slabprune.job")
        .orShould()
        .dependOnClassesThat()
        .resideInAnyPackage("org.springframework.web..", "jakarta.servlet..")
        .check(production);
  }

  @Test
  void storageKnowsNothingOfHttpNorOfTheFeaturesAboveIt() {
    noClasses()
        .that()
        .resideInAPackage("dev.slabprune.storage..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.slabprune.api..",
            "dev.slabprune.model..",
            "dev.slabprune.dataset..",
            "dev.slabprune.job..",
            "dev.slabprune.security..",
            "org.springframework.web..",
            "jakarta.servlet..")
        .check(production);
  }

  @Test
  void onlyTheModelFormatPackageKnowsOnnx() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.slabprune.model.format..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("ai.onnx..", "ai.onnxruntime..")
        .check(production);
  }

  @Test
  void theFormatPackagesUseNeitherSpringNorNd4jNorPersistence() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.slabprune.model.format..", "dev.slabprune.dataset.format..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.springframework..", "org.nd4j..", "org.bytedeco..", "jakarta.persistence..")
        .check(production);
  }

  @Test
  void theDatasetFormatsDependOnNeitherTheModelNorTheEngine() {
    noClasses()
        .that()
        .resideInAPackage("dev.slabprune.dataset.format..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.slabprune.model..", "dev.slabprune.engine..")
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
        .check(production);
  }

  /** Engine classes from which ND4J is reachable, directly or through other classes. */
  private static DescribedPredicate<JavaClass> reachNd4j() {
    return DescribedPredicate.describe(
        "reach ND4J",
        type ->
            type.getPackageName().startsWith("dev.slabprune.engine")
                && type.getTransitiveDependenciesFromSelf().stream()
                    .anyMatch(
                        d ->
                            d.getTargetClass().getPackageName().startsWith("org.nd4j")
                                || d.getTargetClass().getPackageName().startsWith("org.bytedeco")));
  }
}
