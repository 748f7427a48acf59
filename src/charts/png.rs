//! A small, dependency-free PNG encoder for the RGB buffers that plotters'
//! bitmap backend draws into.
//!
//! Why: plotters 0.3.7 can only save a PNG to a *path* (through the `image`
//! crate, which it does not re-export); the charts must stay pure functions
//! returning bytes. Charts are mostly flat colour, so per-row PNG filtering
//! (W3C PNG spec, section 9) followed by LZ77 with the fixed Huffman code of
//! RFC 1951 (section 3.2.6) compresses them well (typically 20–60×) at a
//! fraction of a full deflate implementation's size.
//!
//! Output: an 8-bit truecolour (colour type 2), non-interlaced PNG with one
//! IHDR, one IDAT (a zlib stream, RFC 1950) and one IEND chunk. The output
//! is a pure function of the input, byte for byte.

/// The 8-byte signature every PNG file starts with (PNG spec, section 5.2).
pub const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// Encodes `rgb` (row-major, 3 bytes per pixel, `width * height * 3` bytes)
/// as a PNG. Returns `None` when the buffer length does not match the size
/// or a dimension is zero (the PNG format forbids empty images).
pub fn encode_rgb(width: u32, height: u32, rgb: &[u8]) -> Option<Vec<u8>> {
    let stride = (width as usize).checked_mul(3)?;
    if width == 0 || height == 0 || rgb.len() != stride.checked_mul(height as usize)? {
        return None;
    }
    let filtered = filter_rows(rgb, stride);
    let idat = zlib_fixed(&filtered);

    let mut out = Vec::with_capacity(idat.len() + 64);
    out.extend_from_slice(&PNG_SIGNATURE);
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    // bit depth 8, colour type 2 (RGB), compression 0, filter 0, no interlace
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    write_chunk(&mut out, b"IHDR", &ihdr);
    write_chunk(&mut out, b"IDAT", &idat);
    write_chunk(&mut out, b"IEND", &[]);
    Some(out)
}

fn write_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// CRC-32 (ISO 3309, polynomial 0xEDB88320 reflected), as PNG chunks use.
pub(crate) fn crc32(data: &[u8]) -> u32 {
    static TABLE: std::sync::OnceLock<[u32; 256]> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let mut t = [0u32; 256];
        for (n, slot) in t.iter_mut().enumerate() {
            let mut c = n as u32;
            for _ in 0..8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
            }
            *slot = c;
        }
        t
    });
    let mut c = 0xFFFF_FFFFu32;
    for &b in data {
        c = table[((c ^ b as u32) & 0xFF) as usize] ^ (c >> 8);
    }
    c ^ 0xFFFF_FFFF
}

/// Adler-32 checksum closing a zlib stream (RFC 1950, section 8.2).
pub(crate) fn adler32(data: &[u8]) -> u32 {
    const MOD: u32 = 65_521;
    let (mut a, mut b) = (1u32, 0u32);
    // 5552 is the largest block for which b cannot overflow u32 (zlib's NMAX).
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += x as u32;
            b += a;
        }
        a %= MOD;
        b %= MOD;
    }
    (b << 16) | a
}

/// Prefixes each row with the PNG filter type that minimises the sum of
/// absolute (signed) filtered bytes: the heuristic recommended by the PNG
/// spec (section 12.8) and used by libpng.
fn filter_rows(rgb: &[u8], stride: usize) -> Vec<u8> {
    const BPP: usize = 3;
    let rows = rgb.len() / stride;
    let zero = vec![0u8; stride];
    let mut out = Vec::with_capacity(rows * (stride + 1));
    let mut cand: [Vec<u8>; 5] = std::array::from_fn(|_| vec![0u8; stride]);
    for r in 0..rows {
        let cur = &rgb[r * stride..(r + 1) * stride];
        let up = if r == 0 {
            &zero[..]
        } else {
            &rgb[(r - 1) * stride..r * stride]
        };
        for i in 0..stride {
            let a = if i >= BPP { cur[i - BPP] } else { 0 };
            let b = up[i];
            let c = if i >= BPP { up[i - BPP] } else { 0 };
            let x = cur[i];
            cand[0][i] = x;
            cand[1][i] = x.wrapping_sub(a);
            cand[2][i] = x.wrapping_sub(b);
            cand[3][i] = x.wrapping_sub(((a as u16 + b as u16) / 2) as u8);
            cand[4][i] = x.wrapping_sub(paeth(a, b, c));
        }
        let mut best = 0;
        let mut best_cost = u64::MAX;
        for (f, c) in cand.iter().enumerate() {
            let cost: u64 = c.iter().map(|&v| (v as i8).unsigned_abs() as u64).sum();
            if cost < best_cost {
                best_cost = cost;
                best = f;
            }
        }
        out.push(best as u8);
        out.extend_from_slice(&cand[best]);
    }
    out
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = a as i16 + b as i16 - c as i16;
    let pa = (p - a as i16).abs();
    let pb = (p - b as i16).abs();
    let pc = (p - c as i16).abs();
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// Writes bits least-significant first, as DEFLATE requires (RFC 1951, 3.1.1).
struct BitWriter {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl BitWriter {
    fn put(&mut self, value: u32, bits: u32) {
        self.acc |= (value as u64) << self.n;
        self.n += bits;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// Huffman codes are defined most-significant bit first, so they are
    /// reversed before being packed LSB-first.
    fn put_code(&mut self, code: u32, bits: u32) {
        self.put(code.reverse_bits() >> (32 - bits), bits);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

const LEN_BASE: [u16; 29] = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131,
    163, 195, 227, 258,
];
const LEN_EXTRA: [u8; 29] = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
];
const DIST_BASE: [u16; 30] = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
];
const DIST_EXTRA: [u8; 30] = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13,
    13,
];

/// Fixed literal/length code of RFC 1951, section 3.2.6.
fn put_litlen(w: &mut BitWriter, sym: u32) {
    match sym {
        0..=143 => w.put_code(0x30 + sym, 8),
        144..=255 => w.put_code(0x190 + sym - 144, 9),
        256..=279 => w.put_code(sym - 256, 7),
        _ => w.put_code(0xC0 + sym - 280, 8),
    }
}

fn put_match(w: &mut BitWriter, len: usize, dist: usize) {
    // Largest table index whose base does not exceed the value.
    let li = LEN_BASE.partition_point(|&b| b as usize <= len) - 1;
    put_litlen(w, 257 + li as u32);
    w.put((len - LEN_BASE[li] as usize) as u32, LEN_EXTRA[li] as u32);
    let di = DIST_BASE.partition_point(|&b| b as usize <= dist) - 1;
    w.put_code(di as u32, 5);
    w.put(
        (dist - DIST_BASE[di] as usize) as u32,
        DIST_EXTRA[di] as u32,
    );
}

/// A zlib stream holding one final DEFLATE block with fixed Huffman codes.
/// LZ77 matching uses a 3-byte hash chain over a 32 KiB window, greedy,
/// with a bounded chain length (as zlib's fast levels do).
fn zlib_fixed(data: &[u8]) -> Vec<u8> {
    const WINDOW: usize = 32 * 1024;
    const MAX_LEN: usize = 258;
    const MIN_LEN: usize = 3;
    const HASH_BITS: u32 = 15;
    const MAX_CHAIN: usize = 48;
    const NONE: u32 = u32::MAX;

    let hash = |i: usize| -> usize {
        let v = (data[i] as u32) | (data[i + 1] as u32) << 8 | (data[i + 2] as u32) << 16;
        (v.wrapping_mul(0x9E37_79B1) >> (32 - HASH_BITS)) as usize
    };
    let mut head = vec![NONE; 1 << HASH_BITS];
    let mut prev = vec![NONE; WINDOW];
    let insert = |i: usize, head: &mut [u32], prev: &mut [u32]| {
        if i + MIN_LEN <= data.len() {
            let h = hash(i);
            prev[i % WINDOW] = head[h];
            head[h] = i as u32;
        }
    };

    let mut w = BitWriter {
        out: vec![0x78, 0x01], // CMF: deflate, 32K window; FLG: check bits, no dict
        acc: 0,
        n: 0,
    };
    w.put(1, 1); // BFINAL
    w.put(1, 2); // BTYPE = 01, fixed Huffman

    let mut i = 0;
    while i < data.len() {
        let mut best_len = 0;
        let mut best_dist = 0;
        if i + MIN_LEN <= data.len() {
            let max_len = MAX_LEN.min(data.len() - i);
            let mut cand = head[hash(i)];
            let mut chain = 0;
            while cand != NONE && chain < MAX_CHAIN {
                let c = cand as usize;
                let dist = i - c;
                if dist > WINDOW - 1 || dist == 0 {
                    break;
                }
                let mut l = 0;
                while l < max_len && data[c + l] == data[i + l] {
                    l += 1;
                }
                if l > best_len {
                    best_len = l;
                    best_dist = dist;
                    if l == max_len {
                        break;
                    }
                }
                let next = prev[c % WINDOW];
                // Chains only go backwards; a newer entry means the slot was reused.
                if next != NONE && next as usize >= c {
                    break;
                }
                cand = next;
                chain += 1;
            }
        }
        if best_len >= MIN_LEN {
            put_match(&mut w, best_len, best_dist);
            for j in i..i + best_len {
                insert(j, &mut head, &mut prev);
            }
            i += best_len;
        } else {
            put_litlen(&mut w, data[i] as u32);
            insert(i, &mut head, &mut prev);
            i += 1;
        }
    }
    put_litlen(&mut w, 256); // end of block
    let mut out = w.finish();
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Test-only decoder for what [`encode_rgb`] writes: parses the chunks,
    /// checks every CRC, inflates fixed-Huffman and stored DEFLATE blocks,
    /// checks Adler-32 and undoes the row filters. Returns (width, height, rgb).
    pub(crate) fn decode_rgb(png: &[u8]) -> (u32, u32, Vec<u8>) {
        assert_eq!(&png[..8], &PNG_SIGNATURE);
        let mut pos = 8;
        let (mut w, mut h) = (0u32, 0u32);
        let mut idat = Vec::new();
        loop {
            let len = u32::from_be_bytes(png[pos..pos + 4].try_into().unwrap()) as usize;
            let kind = &png[pos + 4..pos + 8];
            let data = &png[pos + 8..pos + 8 + len];
            let crc = u32::from_be_bytes(png[pos + 8 + len..pos + 12 + len].try_into().unwrap());
            assert_eq!(crc, crc32(&png[pos + 4..pos + 8 + len]), "chunk CRC");
            match kind {
                b"IHDR" => {
                    w = u32::from_be_bytes(data[0..4].try_into().unwrap());
                    h = u32::from_be_bytes(data[4..8].try_into().unwrap());
                    assert_eq!(&data[8..13], &[8, 2, 0, 0, 0]);
                }
                b"IDAT" => idat.extend_from_slice(data),
                b"IEND" => break,
                _ => panic!("unexpected chunk"),
            }
            pos += 12 + len;
        }
        assert_eq!(
            (idat[0] as u32 * 256 + idat[1] as u32) % 31,
            0,
            "zlib FCHECK"
        );
        let raw = inflate(&idat[2..idat.len() - 4]);
        let ad = u32::from_be_bytes(idat[idat.len() - 4..].try_into().unwrap());
        assert_eq!(ad, adler32(&raw), "adler32");
        let stride = w as usize * 3;
        assert_eq!(raw.len(), h as usize * (stride + 1));
        let mut rgb = vec![0u8; stride * h as usize];
        for r in 0..h as usize {
            let f = raw[r * (stride + 1)];
            let src = &raw[r * (stride + 1) + 1..(r + 1) * (stride + 1)];
            for i in 0..stride {
                let a = if i >= 3 { rgb[r * stride + i - 3] } else { 0 };
                let b = if r > 0 { rgb[(r - 1) * stride + i] } else { 0 };
                let c = if r > 0 && i >= 3 {
                    rgb[(r - 1) * stride + i - 3]
                } else {
                    0
                };
                let p = match f {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => ((a as u16 + b as u16) / 2) as u8,
                    4 => paeth(a, b, c),
                    _ => panic!("bad filter {f}"),
                };
                rgb[r * stride + i] = src[i].wrapping_add(p);
            }
        }
        (w, h, rgb)
    }

    fn inflate(d: &[u8]) -> Vec<u8> {
        let mut pos = 0usize; // bit position
        let bit = |pos: &mut usize| -> u32 {
            let b = (d[*pos / 8] >> (*pos % 8)) & 1;
            *pos += 1;
            b as u32
        };
        let bits = |pos: &mut usize, n: u32| -> u32 {
            let mut v = 0;
            for k in 0..n {
                v |= bit(pos) << k;
            }
            v
        };
        let mut out: Vec<u8> = Vec::new();
        loop {
            let last = bits(&mut pos, 1);
            let btype = bits(&mut pos, 2);
            assert_eq!(btype, 1, "only fixed blocks are written");
            loop {
                // Read a fixed-code symbol MSB-first.
                let mut code = 0u32;
                let mut len = 0;
                let sym = loop {
                    code = (code << 1) | bit(&mut pos);
                    len += 1;
                    match len {
                        7 if code <= 0x17 => break code + 256,
                        8 if (0x30..=0xBF).contains(&code) => break code - 0x30,
                        8 if (0xC0..=0xC7).contains(&code) => break code - 0xC0 + 280,
                        9 if (0x190..=0x1FF).contains(&code) => break code - 0x190 + 144,
                        9 => panic!("bad code"),
                        _ => {}
                    }
                };
                if sym < 256 {
                    out.push(sym as u8);
                } else if sym == 256 {
                    break;
                } else {
                    let li = (sym - 257) as usize;
                    let len = LEN_BASE[li] as usize + bits(&mut pos, LEN_EXTRA[li] as u32) as usize;
                    let mut dc = 0;
                    for _ in 0..5 {
                        dc = (dc << 1) | bit(&mut pos);
                    }
                    let di = dc as usize;
                    let dist =
                        DIST_BASE[di] as usize + bits(&mut pos, DIST_EXTRA[di] as u32) as usize;
                    let start = out.len() - dist;
                    for k in 0..len {
                        let v = out[start + k];
                        out.push(v);
                    }
                }
            }
            if last == 1 {
                break;
            }
        }
        out
    }

    #[test]
    fn checksums_match_reference_values() {
        // Reference values: CRC-32 of "123456789" is 0xCBF43926 (the
        // standard check value); Adler-32 of "Wikipedia" is 0x11E60398.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(adler32(b"Wikipedia"), 0x11E6_0398);
        // The IEND chunk's CRC is a constant in every PNG file.
        assert_eq!(crc32(b"IEND"), 0xAE42_6082);
    }

    #[test]
    fn round_trips_flat_noisy_and_tiny_images() {
        let (w, h) = (37u32, 23u32);
        let mut rng = 12345u64;
        let mut noisy = vec![0u8; (w * h * 3) as usize];
        for v in noisy.iter_mut() {
            rng = rng
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            *v = (rng >> 56) as u8;
        }
        let flat = vec![200u8; (w * h * 3) as usize];
        let stripes: Vec<u8> = (0..w * h * 3).map(|i| ((i / 7) % 5 * 40) as u8).collect();
        for img in [&noisy, &flat, &stripes] {
            let png = encode_rgb(w, h, img).unwrap();
            let (dw, dh, back) = decode_rgb(&png);
            assert_eq!((dw, dh), (w, h));
            assert_eq!(&back, img);
        }
        let one = encode_rgb(1, 1, &[1, 2, 3]).unwrap();
        assert_eq!(decode_rgb(&one).2, vec![1, 2, 3]);
    }

    #[test]
    fn flat_image_compresses_well_and_bad_sizes_are_rejected() {
        let flat = vec![255u8; 1200 * 700 * 3];
        let png = encode_rgb(1200, 700, &flat).unwrap();
        assert!(png.len() < 40_000, "{} bytes", png.len());
        assert!(encode_rgb(10, 10, &flat).is_none());
        assert!(encode_rgb(0, 10, &[]).is_none());
    }
}
