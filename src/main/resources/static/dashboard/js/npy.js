// Reads NumPy's .npy format (little-endian float64 or float32, C order), as the service serves a
// layer's weight inclusion probabilities.

export function readNpy(buffer) {
  const bytes = new Uint8Array(buffer);
  const magic = String.fromCharCode(...bytes.slice(1, 6));
  if (bytes[0] !== 0x93 || magic !== 'NUMPY') throw new Error('Not an NPY file.');
  const major = bytes[6];
  const view = new DataView(buffer);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.slice(start, start + headerLength));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*True/.test(header);
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(header)?.[1] ?? '')
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean)
    .map(Number);
  if (fortran) throw new Error('NPY in Fortran order is not read here.');
  const data = buffer.slice(start + headerLength);
  let values;
  if (descr === '<f8') values = new Float64Array(data);
  else if (descr === '<f4') values = new Float32Array(data);
  else throw new Error(`NPY of type ${descr} is not read here.`);
  return { shape, values };
}
