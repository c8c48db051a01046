/**
 * A minimal zip writer for the DOCX package: entries in the order given, each DEFLATE
 * compressed (level 6) or stored as it is (images that are compressed already, which
 * DEFLATE would only spend time on), with a fixed date, no extra fields, no comments. The
 * same files give the same bytes.
 *
 * Written here rather than with JSZip: JSZip compresses with pako (JavaScript) through
 * asynchronous chunked workers, several times slower than node's zlib, which the PDF writer
 * (pdfkit) already relies on for its streams.
 */
import zlib from 'node:zlib';
import { crc32 } from '../../output/crc32.js';

export interface ZipEntry {
  name: string;
  data: Uint8Array;
  /** Stored without compression. */
  store?: boolean;
}

/** How an entry's bytes went into the zip: compressed or stored, and their CRC-32. */
interface Packed {
  /** A copy of the entry's bytes (the caller's array may be reused). */
  data: Uint8Array;
  store: boolean;
  packed: Uint8Array;
  crc: number;
}

/**
 * The last packing of each part name. A rebuild after a one-figure change, and the next paper
 * of a batch, write most parts as before to the byte (styles, numbering, theme, settings, the
 * charts that did not change), and DEFLATE sets up a fresh 256 KB of zlib state for each of
 * them, small as they are: some 2 of the 3 ms the example's DOCX spent compressing. The same
 * bytes always pack the same, so a part equal to the last one of its name takes its packing.
 */
const lastPacked = new Map<string, Packed>();
const MAX_REMEMBERED = 256;

function pack(entry: ZipEntry): Packed {
  const store = entry.store === true;
  const last = lastPacked.get(entry.name);
  if (last && last.store === store && Buffer.compare(last.data, entry.data) === 0) return last;
  const data = new Uint8Array(entry.data);
  const packed = { data, store, packed: store ? data : zlib.deflateRawSync(data, { level: 6 }), crc: crc32(data) };
  lastPacked.delete(entry.name);
  if (lastPacked.size >= MAX_REMEMBERED) lastPacked.delete(lastPacked.keys().next().value as string);
  lastPacked.set(entry.name, packed);
  return packed;
}

/** `date` (UTC) as MS-DOS time and date fields. */
function dosDateTime(date: Date): { time: number; day: number } {
  const time = (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | (date.getUTCSeconds() >> 1);
  const day = ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate();
  return { time, day };
}

/** The zip file of `entries`, every entry dated `date`. */
export function zipEntries(entries: readonly ZipEntry[], date: Date): Uint8Array {
  // No zip64: a paper is nowhere near 65,535 parts or 4 GiB.
  if (entries.length > 0xffff) throw new Error(`DOCX: ${entries.length} parts are more than a zip without zip64 holds`);
  const { time, day } = dosDateTime(date);
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const { packed, crc } = pack(entry);
    const method = entry.store ? 0 : 8;
    const version = entry.store ? 10 : 20; // version needed to extract: 1.0 (stored), 2.0 (DEFLATE)
    // Bit 11: the name is UTF-8 (only needed when it is not plain ASCII).
    const flags = name.length !== entry.name.length ? 0x0800 : 0;

    // The fields the local header and the central directory entry share, in the same order.
    const common = (header: Buffer, at: number): void => {
      header.writeUInt16LE(version, at);
      header.writeUInt16LE(flags, at + 2);
      header.writeUInt16LE(method, at + 4);
      header.writeUInt16LE(time, at + 6);
      header.writeUInt16LE(day, at + 8);
      header.writeUInt32LE(crc, at + 10);
      header.writeUInt32LE(packed.length, at + 14);
      header.writeUInt32LE(entry.data.length, at + 18);
      header.writeUInt16LE(name.length, at + 22);
    };

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    common(local, 4);
    // extra field length: 0
    locals.push(local, name, packed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by: MS-DOS, 2.0
    common(central, 6);
    // extra and comment lengths, disk number, internal and external attributes: 0
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + packed.length;
    if (offset > 0xffffffff) throw new Error('DOCX: the package is larger than a zip without zip64 holds');
  }
  const directorySize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directorySize, 12);
  end.writeUInt32LE(offset, 16);
  const out = Buffer.concat([...locals, ...centrals, end]);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}
