//! The normaliser's Unicode data: NFKC (decomposition, combining classes, composition) and the
//! folded text's lowercase-without-accents, generated at build time by
//! `crate/build/unicode_tables.rs` with only the chars matching can depend on (its module
//! documentation states the scope). A char outside the scope passes through unchanged and is a
//! starter. This replaces `unicode-normalization`'s full tables and std's case tables in the
//! `.wasm` (issue 2: size).

include!(concat!(env!("OUT_DIR"), "/unicode_tables.rs"));

const STRING: u32 = 1 << 31;
const FLAG: u32 = 1 << 30;
const CONST: u32 = 1 << 29;

/// Looks `c` up in a run-length coded table (see the generator): emits the chars it maps to and
/// returns its flag, or `None` when `c` is not in the table (it maps to itself).
#[inline]
fn lookup(table: &[(u32, u32)], c: char, mut emit: impl FnMut(char, bool)) -> Option<bool> {
    let cp = c as u32;
    let i = table.partition_point(|&(k, _)| k >> 11 <= cp);
    let &(key, value) = table.get(i.checked_sub(1)?)?;
    let offset = cp - (key >> 11);
    if offset > key & 0x7FF {
        return None;
    }
    let flag = value & FLAG != 0;
    if value & STRING != 0 {
        let start = (value & 0xFFFF) as usize;
        let count = ((value >> 16) & 0x1F) as usize;
        for &u in POOL.get(start..start + count).unwrap_or(&[]) {
            emit(
                char::from_u32(u32::from(u)).unwrap_or(char::REPLACEMENT_CHARACTER),
                flag,
            );
        }
    } else {
        let base = value & 0x1F_FFFF;
        let t = if value & CONST != 0 {
            base
        } else {
            base + offset
        };
        emit(
            char::from_u32(t).unwrap_or(char::REPLACEMENT_CHARACTER),
            flag,
        );
    }
    Some(flag)
}

/// Emits the full compatibility decomposition (NFKD) of `c`; returns false (emitting nothing)
/// when `c` decomposes to itself or is out of scope.
#[inline]
pub(super) fn decompose(c: char, mut emit: impl FnMut(char)) -> bool {
    // Nothing below U+00A0 decomposes, nor emoji (U+1F300..U+1FAFF), the commonest non-ASCII.
    let cp = c as u32;
    cp >= 0xA0 && !(0x1F300..=0x1FAFF).contains(&cp) && lookup(&DECOMP, c, |d, _| emit(d)).is_some()
}

/// Emits what the folded text holds for `c`, a char of NFKC output: lowercase without accents
/// ("É" → "e", "ß" → "ss", a lone accent mark → nothing), each char with whether `c` is a
/// capital (camelCase hashtags and case-aware look-alikes read it).
#[inline]
pub(super) fn fold(c: char, mut emit: impl FnMut(char, bool)) {
    if c.is_ascii() {
        emit(c.to_ascii_lowercase(), c.is_ascii_uppercase());
    } else if lookup(&FOLD, c, &mut emit).is_none() {
        emit(c, false);
    }
}

/// Canonical combining class (0 for starters and every char out of scope).
#[inline]
pub(super) fn ccc(c: char) -> u8 {
    let cp = c as u32;
    // The first combining mark is U+0300; the table is sorted.
    if cp < 0x300 || CCC.last().map_or(true, |&k| cp > k >> 8) {
        return 0;
    }
    let key = cp << 8;
    let i = CCC.partition_point(|&k| k < key);
    match CCC.get(i) {
        Some(&k) if k >> 8 == cp => (k & 0xFF) as u8,
        _ => 0,
    }
}

/// The canonical composition of `a` and `b`, if any (both in scope).
#[inline]
pub(super) fn compose(a: char, b: char) -> Option<char> {
    let (a, b) = (a as u32, b as u32);
    if a > 0xFFFF || b > 0xFFFF {
        return None;
    }
    let key = a << 16 | b;
    let i = COMPOSE.binary_search_by_key(&key, |&(k, _)| k).ok()?;
    char::from_u32(u32::from(COMPOSE[i].1))
}

/// Stable sort of a run of combining marks by class: insertion sort for the usual few marks, a
/// counting sort (classes are bytes) for long runs, so that thousands of marks stay linear. (Not
/// `sort_by_key`: its code costs ~1.7 KB of gzip in the `.wasm`.)
fn sort_marks(run: &mut [char]) {
    if run.len() <= 32 {
        for i in 1..run.len() {
            let class = ccc(run[i]);
            let mut j = i;
            while j > 0 && ccc(run[j - 1]) > class {
                run.swap(j - 1, j);
                j -= 1;
            }
        }
        return;
    }
    let mut next = [0usize; 256];
    for &c in run.iter() {
        next[usize::from(ccc(c))] += 1;
    }
    let mut start = 0;
    for slot in next.iter_mut() {
        let count = *slot;
        *slot = start;
        start += count;
    }
    let marks = run.to_vec();
    for c in marks {
        let slot = &mut next[usize::from(ccc(c))];
        run[*slot] = c;
        *slot += 1;
    }
}

/// NFKC of one segment (a starter and the chars that may combine with it), appended to `out`:
/// decomposition, canonical ordering, composition (UAX #15), with the tables above.
pub(super) fn nfkc_segment(seg: &[char], out: &mut Vec<char>) {
    let base = out.len();
    for &c in seg {
        if !decompose(c, |d| out.push(d)) {
            out.push(c);
        }
    }
    // Canonical ordering: a stable sort of each run of non-starters by class.
    let buf = &mut out[base..];
    let mut i = 0;
    while i < buf.len() {
        if ccc(buf[i]) == 0 {
            i += 1;
            continue;
        }
        let run = i;
        while i < buf.len() && ccc(buf[i]) != 0 {
            i += 1;
        }
        if i - run > 1 {
            sort_marks(&mut buf[run..i]);
        }
    }
    // Composition: each char joins the last starter unless blocked.
    let mut starter: Option<usize> = None;
    let mut last: Option<u8> = None;
    let mut w = base;
    for r in base..out.len() {
        let c = out[r];
        let class = ccc(c);
        if let Some(s) = starter {
            if last.map_or(true, |l| l < class) {
                if let Some(x) = compose(out[s], c) {
                    out[s] = x;
                    continue;
                }
            }
        }
        if class == 0 {
            starter = Some(w);
            last = None;
        } else {
            last = Some(class);
        }
        out[w] = c;
        w += 1;
    }
    out.truncate(w);
}

#[cfg(test)]
mod tests;

/// The generator's scope, for the normaliser's tests.
#[cfg(test)]
pub(super) fn generator_in_scope(c: char) -> bool {
    tests::in_scope(c)
}
