// Writing tar.gz archives for tests, hostile ones included: any name, type, size field or magic.
import { gzipSync } from 'node:zlib';

export interface TarEntry {
  name: string;
  content?: Uint8Array | string;
  /** The tar type flag: '0' a file, '1' a hard link, '2' a symlink, '5' a directory, 'x' pax. */
  type?: string;
  /** The ustar prefix field (joined before the name with '/'). */
  prefix?: string;
  /** Overrides the size field (a lie about the content's length). */
  size?: number;
  magic?: string;
  /** pax records written in an 'x' header before this entry. */
  pax?: Record<string, string>;
}

function put(block: Buffer, at: number, length: number, value: string): void {
  Buffer.from(value, 'utf8').copy(block, at, 0, length);
}

function paxRecords(records: Record<string, string>): Buffer {
  return Buffer.concat(Object.entries(records).map(([k, v]) => {
    const body = ` ${k}=${v}\n`;
    let n = Buffer.byteLength(body) + 1;
    while (String(n).length + Buffer.byteLength(body) !== n) n = String(n).length + Buffer.byteLength(body);
    return Buffer.from(`${n}${body}`, 'utf8');
  }));
}

function header(entry: TarEntry, content: Buffer): Buffer {
  const block = Buffer.alloc(512);
  put(block, 0, 100, entry.name);
  put(block, 100, 8, '0000600\0');
  put(block, 108, 8, '0000000\0');
  put(block, 116, 8, '0000000\0');
  put(block, 124, 12, `${(entry.size ?? content.length).toString(8).padStart(11, '0')}\0`);
  put(block, 136, 12, '00000000000\0');
  block[156] = (entry.type ?? '0').charCodeAt(0);
  put(block, 257, 8, entry.magic ?? 'ustar\u000000');
  if (entry.prefix !== undefined) put(block, 345, 155, entry.prefix);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of block) sum += b;
  put(block, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

function pad(content: Buffer): Buffer {
  return Buffer.concat([content, Buffer.alloc((512 - (content.length % 512)) % 512)]);
}

/** The tar bytes of `entries`, with the two-block end marker. */
export function tar(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    if (entry.pax !== undefined) {
      const records = paxRecords(entry.pax);
      parts.push(header({ name: 'PaxHeader', type: 'x' }, records), pad(records));
    }
    const content = Buffer.from(entry.content ?? '');
    parts.push(header(entry, content), pad(content));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export function tarGz(entries: TarEntry[]): Buffer {
  return gzipSync(tar(entries));
}
