// What a re-pruning at a threshold would keep, computed here from the inclusion probabilities the
// service serves (weights per layer, hidden nodes, inputs) by the service's own rule: keep what
// has inclusion probability above the threshold; a node or input no kept weight connects to a
// kept node goes; a hidden node left with no live input is folded into the next layer's biases.

/**
 * @param pips {widths: [inputs, hidden..., outputs], weights: [Float64Array per layer, inputs ×
 *     outputs, row-major], nodes: [array per hidden layer], inputs: array}
 * @returns {weights, totalWeights, architecture, inputs}
 */
export function wouldKeep(pips, threshold, pruneNodes, selectInputs) {
  const { widths, weights } = pips;
  const layers = widths.length - 1;
  const alive = widths.map((w) => new Uint8Array(w).fill(1));
  if (selectInputs) {
    for (let i = 0; i < widths[0]; i++) alive[0][i] = pips.inputs[i] > threshold ? 1 : 0;
  }
  if (pruneNodes) {
    for (let l = 1; l < layers; l++) {
      for (let j = 0; j < widths[l]; j++) alive[l][j] = pips.nodes[l - 1][j] > threshold ? 1 : 0;
    }
  }
  // A node whose output reaches no kept node goes (top-down).
  for (let l = layers - 1; l >= 0; l--) {
    if ((l === 0 && !selectInputs) || (l > 0 && !pruneNodes)) continue;
    const out = widths[l + 1];
    const w = weights[l];
    for (let j = 0; j < widths[l]; j++) {
      if (!alive[l][j]) continue;
      let used = false;
      for (let k = 0; k < out && !used; k++) used = alive[l + 1][k] && w[j * out + k] > threshold;
      alive[l][j] = used ? 1 : 0;
    }
  }
  // A hidden node with no live input is a constant, folded away (bottom-up).
  const constant = widths.map((w) => new Uint8Array(w));
  if (pruneNodes) {
    for (let l = 1; l < layers; l++) {
      const inputs = widths[l - 1];
      const out = widths[l];
      const w = weights[l - 1];
      for (let j = 0; j < out; j++) {
        if (!alive[l][j]) continue;
        let fed = false;
        for (let i = 0; i < inputs && !fed; i++) {
          fed = alive[l - 1][i] && !constant[l - 1][i] && w[i * out + j] > threshold;
        }
        if (!fed) constant[l][j] = 1;
      }
    }
  }
  const live = (l, j) => l === layers || (alive[l][j] && !constant[l][j]);
  let kept = 0;
  let total = 0;
  for (let l = 0; l < layers; l++) {
    const out = widths[l + 1];
    const w = weights[l];
    total += widths[l] * out;
    for (let i = 0; i < widths[l]; i++) {
      if (!live(l, i)) continue;
      for (let k = 0; k < out; k++) {
        if (live(l + 1, k) && w[i * out + k] > threshold) kept++;
      }
    }
  }
  const architecture = widths.map((w, l) => {
    if (l === layers) return w;
    let count = 0;
    for (let j = 0; j < w; j++) if (live(l, j)) count++;
    return Math.max(1, count); // every layer keeps at least one node
  });
  return { weights: kept, totalWeights: total, architecture, inputs: architecture[0] };
}
