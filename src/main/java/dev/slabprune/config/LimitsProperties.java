package dev.slabprune.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * What one upload may hold: every breach is refused with a problem that names the limit.
 *
 * @param maxModelBytes largest ONNX file
 * @param maxModelNodes most nodes in a model's graph (bounds the network's depth)
 * @param maxLayerWidth widest layer (input features or units)
 * @param maxTensorElements most values in one weight tensor
 * @param maxRows most examples in a dataset
 * @param maxFeatures most features per example
 * @param maxDatasetBytes most bytes read from one dataset file, after decompression
 * @param maxClasses most distinct class labels
 */
@ConfigurationProperties("slabprune.limits")
public record LimitsProperties(
    @DefaultValue("536870912") long maxModelBytes,
    @DefaultValue("10000") int maxModelNodes,
    @DefaultValue("65536") int maxLayerWidth,
    @DefaultValue("134217728") long maxTensorElements,
    @DefaultValue("50000000") long maxRows,
    @DefaultValue("100000") int maxFeatures,
    @DefaultValue("8589934592") long maxDatasetBytes,
    @DefaultValue("10000") int maxClasses) {}
