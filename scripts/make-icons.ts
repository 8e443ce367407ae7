/**
 * Draws the toolbar icons (a location pin with a question mark's dot: "is there a station here?")
 * as PNGs with no image library: the shapes are simple enough to rasterise with a signed-distance test.
 * Run: npx tsx scripts/make-icons.ts
 */
import { deflateSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png(size: number, pixel: (x: number, y: number) => [number, number, number, number]): Buffer {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel(x, y);
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = r; raw[o + 1] = g; raw[o + 2] = b; raw[o + 3] = a;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; ihdr[9] = 6; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Coverage of the icon shape at a point in unit coordinates (0..1), 4×4 supersampled. */
function shape(u: number, v: number): 'bg' | 'pin' | 'hole' {
  const cx = 0.5, cy = 0.4, r = 0.3;
  const d = Math.hypot(u - cx, v - cy);
  const inHead = d <= r;
  // The pin's point: a triangle from the head down to (0.5, 0.95).
  const t = (v - cy) / (0.95 - cy);
  const halfWidth = r * (1 - t) * 0.95;
  const inTail = v >= cy && v <= 0.95 && Math.abs(u - cx) <= halfWidth;
  if (!(inHead || inTail)) return 'bg';
  return d <= r * 0.42 ? 'hole' : 'pin';
}

mkdirSync('public/icons', { recursive: true });
for (const size of [16, 32, 48, 128]) {
  const file = png(size, (x, y) => {
    let pin = 0, hole = 0;
    for (let sy = 0; sy < 4; sy++) for (let sx = 0; sx < 4; sx++) {
      const s = shape((x + (sx + 0.5) / 4) / size, (y + (sy + 0.5) / 4) / size);
      if (s === 'pin') pin++;
      else if (s === 'hole') hole++;
    }
    if (pin + hole === 0) return [0, 0, 0, 0];
    // Deep red pin with a white centre: legible on light and dark toolbars.
    const a = Math.round(((pin + hole) / 16) * 255);
    const w = hole / (pin + hole);
    return [Math.round(138 + (255 - 138) * w), Math.round(31 + (255 - 31) * w), Math.round(10 + (255 - 10) * w), a];
  });
  writeFileSync(`public/icons/${size}.png`, file);
}
console.log('icons written to public/icons');
