/**
 * A PNG reader for the tests, written from the PNG specification and apart from the encoder
 * (src/charts/png.ts): 8-bit RGBA (colour type 6) and palette (3, with tRNS) images, the five
 * row filters, chunk CRCs checked. Gives the pixels as RGBA.
 */
import zlib from 'node:zlib';

export interface DecodedPng {
  width: number;
  height: number;
  colourType: number;
  /** Colours in the palette (0 without one). */
  paletteSize: number;
  rgba: Uint8Array;
}

function crc(bytes: Uint8Array): number {
  let c = -1;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ -1) >>> 0;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export function readPng(bytes: Uint8Array): DecodedPng {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (!buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) throw new Error('not a PNG');
  let at = 8;
  let header: Buffer | undefined;
  let palette: Buffer | undefined;
  let alphas: Buffer | undefined;
  const data: Buffer[] = [];
  for (;;) {
    const length = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    const body = buf.subarray(at + 8, at + 8 + length);
    if (crc(buf.subarray(at + 4, at + 8 + length)) !== buf.readUInt32BE(at + 8 + length)) throw new Error(`PNG: bad CRC in ${type}`);
    at += 12 + length;
    if (type === 'IHDR') header = body;
    else if (type === 'PLTE') palette = body;
    else if (type === 'tRNS') alphas = body;
    else if (type === 'IDAT') data.push(body);
    else if (type === 'IEND') break;
  }
  if (!header) throw new Error('PNG: no IHDR');
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const [depth, colourType, , , interlace] = [header[8], header[9], header[10], header[11], header[12]];
  if (depth !== 8 || interlace !== 0) throw new Error(`PNG: bit depth ${depth}, interlace ${interlace} not read here`);
  const channels = colourType === 6 ? 4 : colourType === 3 ? 1 : 0;
  if (!channels) throw new Error(`PNG: colour type ${colourType} not read here`);
  if (colourType === 3 && !palette) throw new Error('PNG: palette image without PLTE');
  const raw = zlib.inflateSync(Buffer.concat(data));
  const stride = width * channels;
  if (raw.length !== (stride + 1) * height) throw new Error(`PNG: ${raw.length} bytes of rows for ${width} x ${height}`);
  const rows = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const v = raw[y * (stride + 1) + 1 + x]!;
      const a = x >= channels ? rows[y * stride + x - channels]! : 0;
      const b = y > 0 ? rows[(y - 1) * stride + x]! : 0;
      const c = x >= channels && y > 0 ? rows[(y - 1) * stride + x - channels]! : 0;
      const predicted = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter!];
      if (predicted === undefined) throw new Error(`PNG: row filter ${filter}`);
      rows[y * stride + x] = (v + predicted) & 255;
    }
  }
  if (colourType === 6) return { width, height, colourType, paletteSize: 0, rgba: rows };
  const paletteSize = palette!.length / 3;
  const rgba = new Uint8Array(width * height * 4);
  rows.forEach((index, i) => {
    if (index >= paletteSize) throw new Error(`PNG: index ${index} past the palette's ${paletteSize} colours`);
    rgba.set(palette!.subarray(index * 3, index * 3 + 3), i * 4);
    rgba[i * 4 + 3] = alphas && index < alphas.length ? alphas[index]! : 255;
  });
  return { width, height, colourType, paletteSize, rgba };
}
