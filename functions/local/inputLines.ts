/**
 * The lines of a `platform local --input` file, read in fixed-size chunks so a
 * large file never sits in memory whole. Lines are raw bytes (a line that is
 * not UTF-8 reaches the processor as it is); blank lines are skipped. A line
 * longer than `maxLineBytes` is not kept: only its length is reported, since no
 * producer could put it on the stream anyway.
 */
import * as fs from "node:fs";

/** A line too long to keep: its length in bytes. */
export interface OversizedLine {
  readonly oversizedBytes: number;
}

export type InputLine = Buffer | OversizedLine;

export function isOversized(line: InputLine): line is OversizedLine {
  return !Buffer.isBuffer(line);
}

const CHUNK_BYTES = 1 << 20;

/** Splits a byte stream into lines; `push` each chunk, then `end`. */
export class LineSplitter {
  private parts: Buffer[] = [];
  private pendingBytes = 0;

  public constructor(private readonly maxLineBytes: number) {}

  /** The lines completed by this chunk. The chunk may be reused by the caller afterwards. */
  public push(chunk: Buffer): InputLine[] {
    const lines: InputLine[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      this.keep(chunk.subarray(start, nl));
      const line = this.take();
      if (line) lines.push(line);
      start = nl + 1;
    }
    this.keep(chunk.subarray(start));
    return lines;
  }

  public end(): InputLine[] {
    const line = this.take();
    return line ? [line] : [];
  }

  private keep(bytes: Buffer): void {
    if (bytes.length === 0) return;
    // Past the limit only the length is counted: a 2 GB line costs no memory.
    if (this.pendingBytes + bytes.length <= this.maxLineBytes + 1) this.parts.push(Buffer.from(bytes));
    else this.parts = [];
    this.pendingBytes += bytes.length;
  }

  private take(): InputLine | undefined {
    let bytes = this.pendingBytes;
    const parts = this.parts;
    this.parts = [];
    this.pendingBytes = 0;
    if (bytes > this.maxLineBytes + 1) return { oversizedBytes: bytes };
    let line = parts.length === 1 ? parts[0] : Buffer.concat(parts, bytes);
    if (bytes > 0 && line[bytes - 1] === 0x0d) line = line.subarray(0, --bytes);
    if (bytes > this.maxLineBytes) return { oversizedBytes: bytes };
    return line.toString("latin1").trim().length > 0 ? line : undefined;
  }
}

/** The lines of a buffer already in memory (tests, small fixtures), whatever their length. */
export function splitLines(bytes: Buffer): Buffer[] {
  const splitter = new LineSplitter(Infinity);
  return [...splitter.push(bytes), ...splitter.end()] as Buffer[];
}

/**
 * The lines of `file`, read again from the start each time it is iterated
 * (the producer and the history each make a pass). Throws the fs error of
 * opening or reading the file.
 */
export function fileLines(file: string, maxLineBytes: number): Iterable<InputLine> {
  return {
    *[Symbol.iterator]() {
      const fd = fs.openSync(file, "r");
      try {
        const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
        const splitter = new LineSplitter(maxLineBytes);
        for (let n = fs.readSync(fd, chunk); n > 0; n = fs.readSync(fd, chunk)) yield* splitter.push(chunk.subarray(0, n));
        yield* splitter.end();
      } finally {
        fs.closeSync(fd);
      }
    },
  };
}
