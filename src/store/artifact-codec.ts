import type { Artifact } from './store.ts';

/**
 * Packs an artifact into one byte string: a 4-byte little-endian header length, a JSON header
 * (manifest + buffer table), then the buffers, each aligned to 8 bytes so typed-array views need no copy.
 */
export function encodeArtifact(artifact: Artifact): Uint8Array {
  const table: { name: string; offset: number; length: number }[] = [];
  let offset = 0;
  for (const [name, buf] of Object.entries(artifact.buffers)) {
    table.push({ name, offset, length: buf.byteLength });
    offset += Math.ceil(buf.byteLength / 8) * 8;
  }
  const header = new TextEncoder().encode(JSON.stringify({ manifest: artifact.manifest, buffers: table }));
  const headerPadded = Math.ceil((4 + header.byteLength) / 8) * 8;
  const out = new Uint8Array(headerPadded + offset);
  new DataView(out.buffer).setUint32(0, header.byteLength, true);
  out.set(header, 4);
  for (const entry of table) out.set(artifact.buffers[entry.name] as Uint8Array, headerPadded + entry.offset);
  return out;
}

export function decodeArtifact(bytes: Uint8Array): Artifact {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as {
    manifest: Record<string, unknown>;
    buffers: { name: string; offset: number; length: number }[];
  };
  const base = Math.ceil((4 + headerLength) / 8) * 8;
  // Copy into a fresh, aligned ArrayBuffer so callers can build any typed-array view.
  const buffers: Record<string, Uint8Array> = {};
  for (const entry of header.buffers) {
    const copy = new Uint8Array(entry.length);
    copy.set(bytes.subarray(base + entry.offset, base + entry.offset + entry.length));
    buffers[entry.name] = copy;
  }
  return { manifest: header.manifest, buffers };
}

/** Views a typed array's bytes (no copy). */
export function bytesOf(array: ArrayBufferView): Uint8Array {
  return new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
}

/** Rebuilds a Float32Array from artifact bytes. */
export function float32Of(bytes: Uint8Array): Float32Array {
  const copy = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return new Float32Array(copy.buffer, copy.byteOffset, copy.byteLength / 4);
}

export function int32Of(bytes: Uint8Array): Int32Array {
  const copy = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return new Int32Array(copy.buffer, copy.byteOffset, copy.byteLength / 4);
}

export function float64Of(bytes: Uint8Array): Float64Array {
  const copy = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  return new Float64Array(copy.buffer, copy.byteOffset, copy.byteLength / 8);
}
