/** Streams an NDJSON file of events (as the API takes them), line by line. */
import fs from 'node:fs';
import readline from 'node:readline';
import zlib from 'node:zlib';

export async function* readNdjson(file: string, onBytes: (n: number) => void = () => {}): AsyncGenerator<unknown> {
  const raw = fs.createReadStream(file);
  raw.on('data', (b) => onBytes((b as Buffer).length));
  const source = file.endsWith('.gz') ? raw.pipe(zlib.createGunzip()) : raw;
  let lineNo = 0;
  for await (const line of readline.createInterface({ input: source, crlfDelay: Infinity })) {
    lineNo++;
    if (line.trim() === '') continue;
    try {
      yield JSON.parse(line);
    } catch {
      throw new Error(`${file}:${lineNo} is not valid JSON`);
    }
  }
}
