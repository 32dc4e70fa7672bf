package dev.slabprune.config;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The database started when no {@code spring.datasource.url} is configured.
 *
 * @param directory where the cluster and its log live; kept across restarts
 */
@ConfigurationProperties("slabprune.embedded-database")
public record EmbeddedDatabaseProperties(@DefaultValue("data") Path directory) {}
