//! Bob Jenkins's SpookyHash V2, the hash of Trino's `spooky_hash_v2_32` and `spooky_hash_v2_64`
//! (airlift's `SpookyHashV2`, seed 0): its short form under 192 bytes, its block form over.

use super::hashes::little_endian;

const CONSTANT: u64 = 0xdead_beef_dead_beef;
const BLOCK: usize = 96;
const SHORT_MOST: usize = 2 * BLOCK;

/// The 128-bit hash of `data` from the seeds `(seed1, seed2)`.
pub fn hash128(data: &[u8], seed1: u64, seed2: u64) -> (u64, u64) {
    if data.len() < SHORT_MOST {
        return short(data, seed1, seed2);
    }
    let mut h = [seed1, seed2, CONSTANT, seed1, seed2, CONSTANT, seed1, seed2, CONSTANT, seed1, seed2, CONSTANT];
    let mut blocks = data.chunks_exact(BLOCK);
    for block in &mut blocks {
        mix(&words::<12>(block), &mut h);
    }
    // The last part of a block, zero-filled, its length in the last byte.
    let tail = blocks.remainder();
    let mut last = [0u8; BLOCK];
    last[..tail.len()].copy_from_slice(tail);
    last[BLOCK - 1] = tail.len() as u8;
    for (h, word) in h.iter_mut().zip(words::<12>(&last)) {
        *h = h.wrapping_add(word);
    }
    for _ in 0..3 {
        end_partial(&mut h);
    }
    (h[0], h[1])
}

/// `N` little-endian words of `bytes` (which holds at least `8 N`).
fn words<const N: usize>(bytes: &[u8]) -> [u64; N] {
    let mut out = [0u64; N];
    for (word, chunk) in out.iter_mut().zip(bytes.chunks_exact(8)) {
        *word = little_endian(chunk);
    }
    out
}

fn mix(data: &[u64; 12], s: &mut [u64; 12]) {
    const ROTATIONS: [u32; 12] = [11, 32, 43, 31, 17, 28, 39, 57, 55, 54, 22, 46];
    for i in 0..12 {
        s[i] = s[i].wrapping_add(data[i]);
        s[(i + 2) % 12] ^= s[(i + 10) % 12];
        s[(i + 11) % 12] ^= s[i];
        s[i] = s[i].rotate_left(ROTATIONS[i]);
        s[(i + 11) % 12] = s[(i + 11) % 12].wrapping_add(s[(i + 1) % 12]);
    }
}

fn end_partial(h: &mut [u64; 12]) {
    const ROTATIONS: [u32; 12] = [44, 15, 34, 21, 38, 33, 10, 13, 38, 53, 42, 54];
    for (i, rotation) in ROTATIONS.into_iter().enumerate() {
        let (sum, from, xored) = ((i + 11) % 12, (i + 1) % 12, (i + 2) % 12);
        h[sum] = h[sum].wrapping_add(h[from]);
        h[xored] ^= h[sum];
        h[from] = h[from].rotate_left(rotation);
    }
}

fn short(data: &[u8], seed1: u64, seed2: u64) -> (u64, u64) {
    let mut h = [seed1, seed2, CONSTANT, CONSTANT];
    let mut rest = data;
    if data.len() > 15 {
        while rest.len() >= 32 {
            let [w0, w1, w2, w3] = words::<4>(rest);
            h[2] = h[2].wrapping_add(w0);
            h[3] = h[3].wrapping_add(w1);
            short_mix(&mut h);
            h[0] = h[0].wrapping_add(w2);
            h[1] = h[1].wrapping_add(w3);
            rest = &rest[32..];
        }
        if rest.len() >= 16 {
            let [w0, w1] = words::<2>(rest);
            h[2] = h[2].wrapping_add(w0);
            h[3] = h[3].wrapping_add(w1);
            short_mix(&mut h);
            rest = &rest[16..];
        }
    }
    h[3] = h[3].wrapping_add((data.len() as u64) << 56);
    if rest.is_empty() {
        h[2] = h[2].wrapping_add(CONSTANT);
        h[3] = h[3].wrapping_add(CONSTANT);
    } else {
        h[2] = h[2].wrapping_add(little_endian(&rest[..rest.len().min(8)]));
        if rest.len() > 8 {
            h[3] = h[3].wrapping_add(little_endian(&rest[8..]));
        }
    }
    short_end(&mut h);
    (h[0], h[1])
}

/// Each step rotates `h[i]`, adds the next to it, and xors it into the one two along.
fn short_mix(h: &mut [u64; 4]) {
    const STEPS: [(usize, u32); 12] =
        [(2, 50), (3, 52), (0, 30), (1, 41), (2, 54), (3, 48), (0, 38), (1, 37), (2, 62), (3, 34), (0, 5), (1, 36)];
    for (i, rotation) in STEPS {
        h[i] = h[i].rotate_left(rotation).wrapping_add(h[(i + 1) % 4]);
        h[(i + 2) % 4] ^= h[i];
    }
}

/// Each step xors `h[i]` into the next, rotates it, and adds it to the next.
fn short_end(h: &mut [u64; 4]) {
    const STEPS: [(usize, u32); 11] =
        [(2, 15), (3, 52), (0, 26), (1, 51), (2, 28), (3, 9), (0, 47), (1, 54), (2, 32), (3, 25), (0, 63)];
    for (i, rotation) in STEPS {
        let next = (i + 1) % 4;
        h[next] ^= h[i];
        h[i] = h[i].rotate_left(rotation);
        h[next] = h[next].wrapping_add(h[i]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Trino's own answers, and the `spookyhash` package's (the reference C code) for lengths
    /// across the short form's and the block form's cases.
    #[test]
    fn spooky_v2_gives_the_reference_answers() {
        assert_eq!(hash128(b"", 0, 0).0, 0x2327_06fc_6bf5_0919);
        assert_eq!(hash128(b"hello", 0, 0).0, 0x3768_826a_d382_e6ca);
        let counting = |n: usize| (0..n).map(|i| ((i * 7 + 3) % 256) as u8).collect::<Vec<u8>>();
        for (n, expected) in REFERENCE {
            assert_eq!(hash128(&counting(n), 0, 0).0, expected, "{n} bytes");
        }
    }

    const REFERENCE: [(usize, u64); 25] = [
        (1, 0x4b87fa4c899cff30),
        (4, 0xfd22a0b73e207989),
        (7, 0xa99e9412beb02c42),
        (8, 0x93fa88e896a3c5fd),
        (9, 0x0a8a835fa235aef0),
        (12, 0x55c0306fc907b8e3),
        (15, 0x80ff2557a5f3fce9),
        (16, 0x996b234d7cd0c4ed),
        (17, 0xe0fdf7e05d4532b1),
        (31, 0xb8cc43d889b92e0c),
        (32, 0xe10b9985690e40f4),
        (33, 0x126b358fac1ab794),
        (47, 0xc3eb8b9737232ebd),
        (48, 0xf091978edcfaf617),
        (95, 0x0a04c3f05543399d),
        (96, 0x1f928ec4e1b51a12),
        (97, 0x2700a2ae8303333c),
        (191, 0x5a8b556721e70004),
        (192, 0x4bd5231fc1b3b9cf),
        (193, 0x898f9ebe5674b3c2),
        (200, 0x46897e1d30e09f68),
        (287, 0xef60b12696bcb0ec),
        (288, 0x70a2ef669478aefb),
        (300, 0x5fed2a2acbdfb6a4),
        (1000, 0x85072d3218a51b05),
    ];
}
