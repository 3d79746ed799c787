#!/usr/bin/env node
// Draws the extension's toolbar and store icons (a magnifying glass over a tick on a teal tile)
// as PNGs with no image library: shapes are distance functions, supersampled for smooth edges.
// The PNGs are committed; run this only to change the design:
//
//   node scripts/icons.mjs extension/icons

import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { deflateSync } from 'node:zlib';

const SIZES = [16, 32, 48, 128];
const TEAL = [15, 118, 110];
const WHITE = [255, 255, 255];

/** Distance from point p to segment a–b. */
function segment(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

/** Coverage of the tile and of the white mark at a point in the unit square. */
function shade(x, y) {
  // Rounded tile.
  const r = 0.2;
  const qx = Math.max(Math.abs(x - 0.5) - (0.5 - r), 0);
  const qy = Math.max(Math.abs(y - 0.5) - (0.5 - r), 0);
  const tile = Math.hypot(qx, qy) <= r;
  // Lens ring, handle and tick.
  const cx = 0.43;
  const cy = 0.43;
  const ring = Math.abs(Math.hypot(x - cx, y - cy) - 0.22) <= 0.055;
  const handle = segment(x, y, 0.6, 0.6, 0.8, 0.8) <= 0.07;
  const tick = Math.min(segment(x, y, 0.33, 0.44, 0.41, 0.52), segment(x, y, 0.41, 0.52, 0.54, 0.36)) <= 0.045;
  return { tile, mark: ring || handle || tick };
}

/** RGBA pixels for one size, 4×4 supersampled. */
function render(size) {
  const pixels = Buffer.alloc(size * size * 4);
  const n = 4;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let tile = 0;
      let mark = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const s = shade((px + (sx + 0.5) / n) / size, (py + (sy + 0.5) / n) / size);
          if (s.tile) tile++;
          if (s.tile && s.mark) mark++;
        }
      }
      const alpha = tile / (n * n);
      const m = tile ? mark / tile : 0;
      const i = (py * size + px) * 4;
      for (let c = 0; c < 3; c++) pixels[i + c] = Math.round(TEAL[c] * (1 - m) + WHITE[c] * m);
      pixels[i + 3] = Math.round(alpha * 255);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** Encodes RGBA pixels as a PNG (8-bit, colour type 6, no filtering). */
export function png(size, pixels) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8;
  header[9] = 6;
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const out = process.argv[2];
if (!out) {
  console.error('usage: node scripts/icons.mjs <output dir>');
  process.exit(2);
}
mkdirSync(out, { recursive: true });
for (const size of SIZES) writeFileSync(path.join(out, `icon-${size}.png`), png(size, render(size)));
