package dev.slabprune;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** The compression service: uploads, the job queue and workers, reports and artifacts. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SlabpruneApplication {

  public static void main(String[] args) {
    SpringApplication.run(SlabpruneApplication.class, args);
  }
}
