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

export interface ZipEntry {
  name: string;
  data: Uint8Array;
  /** Stored without compression. */
  store?: boolean;
}

let crcTable: Int32Array | undefined;

/** CRC-32 of `data` (zlib.crc32 where node has it, 20.15 and later). */
function crc32(data: Uint8Array): number {
  const native = (zlib as unknown as { crc32?: (data: Uint8Array) => number }).crc32;
  if (native) return native(data) >>> 0;
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let crc = -1;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
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
    const packed = entry.store ? entry.data : zlib.deflateRawSync(entry.data, { level: 6 });
    const method = entry.store ? 0 : 8;
    const version = entry.store ? 10 : 20; // version needed to extract: 1.0 (stored), 2.0 (DEFLATE)
    const crc = crc32(entry.data);
    // Bit 11: the name is UTF-8 (only needed when it is not plain ASCII).
    const flags = name.length !== entry.name.length ? 0x0800 : 0;

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(version, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(day, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, packed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by: MS-DOS, 2.0
    central.writeUInt16LE(version, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(day, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
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
