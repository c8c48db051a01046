/**
 * A chart's PNG (the DOCX fallback for readers without SVG): the SVG rasterised by resvg at
 * 2x, white background, in the embedded Arimo.
 *
 * resvg's drawing (some 8 ms a chart) and the compression (some 2-3 ms) run on libuv's thread
 * pool (resvg's renderAsync, zlib), so the JavaScript thread that asked (the chart worker's,
 * or the paper's) goes on meanwhile, but for reading the drawing's colours (some 2 ms): the
 * PDF needs no PNG; the DOCX writer waits for it.
 *
 * The PNG holds the pixels resvg draws, nothing else, and the same SVG always gives the same
 * bytes. A chart's flat colours and their anti-aliased edges come to fewer than 256 colours
 * (40-220 in the example's charts): such a PNG is written with a palette (colour type 3), one
 * byte a pixel instead of four, which zlib compresses in a third of the time into half the
 * bytes. A drawing with more colours (a gradient, a photograph) is written as RGBA. Rows have
 * no filter (flat colours compress well without); zlib compresses them.
 */
import { promisify } from 'node:util';
import { isMainThread } from 'node:worker_threads';
import zlib from 'node:zlib';
import { fontFiles } from '../fonts/files.js';
import { crc32 } from '../output/crc32.js';
import { textAsPaths } from './text-paths.js';
import { FONT_FAMILY } from './theme.js';

type ResvgModule = typeof import('@resvg/resvg-js');

/**
 * resvg's options. It reads every font file it is given at each render: an SVG without text
 * (its text turned into outlines, text-paths.ts) is given none, and the italic faces are
 * given only to an SVG that asks for italic (or oblique) text: every other text matches the
 * regular and bold faces either way, so the pixels are the same.
 */
export function resvgOptions(svg: string) {
  const text = svg.includes('<text');
  const italic = text && /italic|oblique/i.test(svg);
  return {
    fitTo: { mode: 'zoom' as const, value: 2 },
    background: 'white',
    font: {
      loadSystemFonts: false,
      fontFiles: !text ? [] : italic ? Object.values(fontFiles) : [fontFiles.regular, fontFiles.bold],
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
  };
}

/** One PNG chunk: length, type, data, CRC of type and data. */
function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

const deflate = promisify(zlib.deflate);

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/**
 * zlib level 6: one of the example's charts some 13 KB with a palette (24 KB as RGBA, a
 * quarter smaller than resvg's own encoder makes it; the DOCX stores PNGs as they are).
 * Lower levels are faster but bigger.
 */
const DEFLATE_OPTIONS = { level: 6 };

/**
 * Buffers for the rows to compress, kept for the next PNG: a fresh one (2.4 MB for a chart)
 * cost more to touch for the first time than to fill (page faults), and each counted towards
 * the external memory that makes V8 collect garbage. One per PNG being made at once.
 */
const spareRows: Buffer[] = [];

/** The rows of `rgba` as PNG's image data wants them, each after its filter type (0, none), written into `into`. */
function scanlines(rgba: Uint8Array, width: number, height: number, into: Buffer): Buffer {
  const row = width * 4;
  const raw = into.subarray(0, (row + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (row + 1)] = 0;
    raw.set(rgba.subarray(y * row, (y + 1) * row), y * (row + 1) + 1);
  }
  return raw;
}

/** A palette image: rows of palette indexes (each after its filter type, 0) and where each colour first appears in the pixels. */
interface Indexed {
  rows: Buffer;
  firstPixel: number[];
}

/**
 * The rows of `rgba` as palette indexes, written into `into`, with the colours numbered in
 * the order they first appear; undefined when there are more than 256.
 */
function indexedScanlines(rgba: Uint8Array, width: number, height: number, into: Buffer): Indexed | undefined {
  // Pixels compared as 32-bit numbers; which byte is which does not matter here, as the
  // palette is read from the pixels' bytes (firstPixel). A view needs 4-byte alignment.
  const aligned = rgba.byteOffset % 4 === 0 ? rgba : rgba.slice();
  const pixels = new Uint32Array(aligned.buffer, aligned.byteOffset, width * height);
  const bytes = Buffer.from(aligned.buffer, aligned.byteOffset, width * height * 4);
  const stride = width * 4;
  const rows = into.subarray(0, (width + 1) * height);
  const index = new Map<number, number>();
  const firstPixel: number[] = [];
  let last = -1;
  let lastIndex = 0;
  let at = 0;
  let pixel = 0;
  for (let y = 0; y < height; y++) {
    rows[at++] = 0;
    // A row the same as the one above (a chart's margins, the inside of its bars: 13-67% of
    // the rows of the example's charts) has the same indexes: compared and copied natively.
    if (y > 0 && bytes.compare(bytes, y * stride, (y + 1) * stride, (y - 1) * stride, y * stride) === 0) {
      rows.copyWithin(at, at - width - 1, at - 1);
      at += width;
      pixel += width;
      continue;
    }
    for (let x = 0; x < width; x++, pixel++) {
      const value = pixels[pixel]!;
      // Most pixels are the colour of the one before: one comparison, no lookup.
      if (value !== last) {
        let i = index.get(value);
        if (i === undefined) {
          if (index.size === 256) return undefined;
          i = index.size;
          index.set(value, i);
          firstPixel.push(pixel);
        }
        last = value;
        lastIndex = i;
      }
      rows[at++] = lastIndex;
    }
  }
  return { rows, firstPixel };
}

/** The PLTE chunk's data (red, green, blue per colour) and, unless every colour is opaque, the tRNS chunk's (alpha per colour). */
function paletteChunks(rgba: Uint8Array, firstPixel: readonly number[]): Buffer[] {
  const colours = Buffer.alloc(firstPixel.length * 3);
  const alphas = Buffer.alloc(firstPixel.length);
  firstPixel.forEach((pixel, i) => {
    colours.set(rgba.subarray(pixel * 4, pixel * 4 + 3), i * 3);
    alphas[i] = rgba[pixel * 4 + 3]!;
  });
  // tRNS may stop at the last colour that is not opaque.
  let last = alphas.length;
  while (last > 0 && alphas[last - 1] === 255) last--;
  return last === 0 ? [chunk('PLTE', colours)] : [chunk('PLTE', colours), chunk('tRNS', alphas.subarray(0, last))];
}

function assemble(width: number, height: number, colourType: 3 | 6, before: Buffer[], compressed: Uint8Array): Uint8Array {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per channel (or per palette index)
  header[9] = colourType; // 3: palette, 6: RGB with alpha
  // compression, filter method, interlace: 0
  const png = Buffer.concat([SIGNATURE, chunk('IHDR', header), ...before, chunk('IDAT', compressed), chunk('IEND', new Uint8Array(0))]);
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}

/** A PNG of `rgba` (8 bits a channel, `width` x `height`, rows top to bottom), compressed on libuv's thread pool. */
export async function encodePng(rgba: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  if (rgba.length !== width * height * 4) throw new Error(`PNG: ${rgba.length} bytes of pixels for ${width} x ${height}`);
  const size = (width * 4 + 1) * height;
  const spare = spareRows.pop();
  const buffer = spare && spare.length >= size ? spare : Buffer.allocUnsafe(size);
  try {
    const indexed = indexedScanlines(rgba, width, height, buffer);
    if (indexed) return assemble(width, height, 3, paletteChunks(rgba, indexed.firstPixel), await deflate(indexed.rows, DEFLATE_OPTIONS));
    return assemble(width, height, 6, [], await deflate(scanlines(rgba, width, height, buffer), DEFLATE_OPTIONS));
  } finally {
    // zlib is done with it (or failed): the next PNG may write into it.
    if (spareRows.length < MAX_AT_ONCE) spareRows.push(buffer);
  }
}

// ------------------------------------------------------------------- where PNGs are made

/**
 * resvg's allocator (mimalloc, inside its addon) gives freed memory back to the system 10 ms
 * after: each chart's pixmaps (two of 2.4 MB) then came from fresh pages, and on this kind of
 * virtual machine the kernel's first touch of them was some 40% of a PNG's time (34 ms against
 * 19 ms a chart, 1,300 page faults against 300). Kept instead, for the next chart. Each thread
 * of libuv's pool keeps its own, and after a long paper's 20 PNGs they hold 40-70 MiB whatever
 * the delay (idle threads do not purge); kept for good, some 7 MiB more at that paper's peak.
 * mimalloc reads the setting once, when the addon is loaded, from the process's environment,
 * which only the main thread can change: so this is called on the main thread before a thread
 * that draws PNGs starts, and before the addon is loaded. A value the user set is left as it is.
 */
export function keepRasterizerMemory(): void {
  if (isMainThread) process.env.MIMALLOC_PURGE_DELAY ??= '-1';
}

let resvgPromise: Promise<ResvgModule> | undefined;

function loadResvg(): Promise<ResvgModule> {
  keepRasterizerMemory();
  resvgPromise ??= import('@resvg/resvg-js').catch((err: unknown) => {
    resvgPromise = undefined;
    throw err;
  });
  return resvgPromise;
}

/** Import resvg ahead of the first chart. */
export function preloadRasterizer(): Promise<unknown> {
  return loadResvg();
}

/**
 * PNGs being made at once. Each holds some 8 MB while it is (resvg's pixels, their copy in
 * JavaScript, the rows to compress): a long paper's twenty charts at once would add more
 * than 100 MB to the peak memory, for no gain on two cores.
 */
const MAX_AT_ONCE = 2;
let atOnce = 0;
const waiting: (() => void)[] = [];

/** The PNG of `svg` at 2x, drawn on libuv's thread pool (resvg's renderAsync) and compressed there. */
export async function rasterize(svg: string): Promise<Uint8Array> {
  const { renderAsync } = await loadResvg();
  if (atOnce >= MAX_AT_ONCE) await new Promise<void>((resolve) => waiting.push(resolve));
  atOnce++;
  try {
    const drawn = textAsPaths(svg) ?? svg;
    const image = await renderAsync(drawn, resvgOptions(drawn));
    return await encodePng(image.pixels, image.width, image.height);
  } finally {
    atOnce--;
    waiting.shift()?.();
  }
}
