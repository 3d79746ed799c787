//! The way back from normalised text to the original: for every byte of the normalised text, the
//! UTF-16 range `[start, end)` of the original chars that produced it, stored only where the text
//! changed. Most of a caption is ASCII copied through, where byte `i` of a stretch maps to the
//! unit after the one before; one piece covers the whole stretch, so the normaliser writes a few
//! pieces per field instead of 8 bytes per byte (BENCHMARKS.md, issue 2).

/// Marks a stepping piece in [`Piece::end`].
const STEP: u32 = u32::MAX;

/// A run of output bytes starting at `out`, up to the next piece's `out` (or the end).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Piece {
    /// First output byte of the piece.
    out: u32,
    /// Stepping piece (`end == STEP`): byte `out + j` comes from `(start + j, start + j + 1)`.
    /// Otherwise every byte of the piece comes from `(start, end)`.
    start: u32,
    end: u32,
}

/// The source ranges of a text's bytes, as pieces (see the module documentation).
#[derive(Debug, Clone, Default)]
pub(super) struct Spans {
    pieces: Vec<Piece>,
    /// Number of output bytes covered.
    len: u32,
}

impl Spans {
    /// Room for `pieces` pieces.
    pub(super) fn with_capacity(pieces: usize) -> Spans {
        Spans {
            pieces: Vec::with_capacity(pieces),
            len: 0,
        }
    }

    /// Number of output bytes covered.
    #[inline]
    pub(super) fn len(&self) -> usize {
        self.len as usize
    }

    /// Appends `n` bytes coming from consecutive units `start, start + 1, …` (ASCII copied
    /// through).
    #[inline]
    pub(super) fn push_step(&mut self, start: u32, n: u32) {
        if n == 0 {
            return;
        }
        if let Some(last) = self.pieces.last() {
            if last.end == STEP && last.start + (self.len - last.out) == start {
                self.len += n;
                return;
            }
        }
        self.pieces.push(Piece {
            out: self.len,
            start,
            end: STEP,
        });
        self.len += n;
    }

    /// Appends `n` bytes that all come from `span`.
    #[inline]
    pub(super) fn push(&mut self, span: (u32, u32), n: u32) {
        if n == 0 {
            return;
        }
        if n == 1 && span.1 == span.0 + 1 {
            return self.push_step(span.0, 1);
        }
        if let Some(last) = self.pieces.last() {
            if last.end != STEP && (last.start, last.end) == span {
                self.len += n;
                return;
            }
        }
        self.pieces.push(Piece {
            out: self.len,
            start: span.0,
            end: span.1,
        });
        self.len += n;
    }

    /// Index of the piece holding byte `i` (`i < len`).
    #[inline]
    fn piece_of(&self, i: u32) -> usize {
        self.pieces
            .partition_point(|p| p.out <= i)
            .saturating_sub(1)
    }

    /// The source range of byte `i`; `(0, 0)` past the end (callers stay in range).
    pub(super) fn get(&self, i: usize) -> (u32, u32) {
        let i = i as u32;
        if i >= self.len {
            return (0, 0);
        }
        let p = self.pieces[self.piece_of(i)];
        if p.end == STEP {
            let k = p.start + (i - p.out);
            (k, k + 1)
        } else {
            (p.start, p.end)
        }
    }

    /// Widens the source range of the last `n` bytes (which share one range: the last char) to
    /// end at least at `end`.
    pub(super) fn widen_tail(&mut self, n: usize, end: u32) {
        let n = (n as u32).min(self.len);
        if n == 0 {
            return;
        }
        let first = self.len - n;
        let (start, old_end) = self.get(first as usize);
        if old_end >= end {
            return;
        }
        self.truncate(first as usize);
        self.push((start, end), n);
    }

    /// Drops every byte from `n` on.
    pub(super) fn truncate(&mut self, n: usize) {
        let n = (n as u32).min(self.len);
        while self.pieces.last().is_some_and(|p| p.out >= n) {
            self.pieces.pop();
        }
        self.len = n;
    }

    /// Appends the ranges of `src`'s bytes `from..to`.
    pub(super) fn extend_from(&mut self, src: &Spans, from: usize, to: usize) {
        let (from, to) = (from as u32, (to as u32).min(src.len));
        if from >= to {
            return;
        }
        let mut k = src.piece_of(from);
        let mut at = from;
        while at < to {
            let p = src.pieces[k];
            let piece_end = src.pieces.get(k + 1).map_or(src.len, |q| q.out).min(to);
            let n = piece_end - at;
            if p.end == STEP {
                self.push_step(p.start + (at - p.out), n);
            } else {
                self.push((p.start, p.end), n);
            }
            at = piece_end;
            k += 1;
        }
    }

    /// The UTF-16 range `[start, end)` of the original behind bytes `s..e` (`s < e <= len`).
    pub(super) fn range(&self, s: usize, e: usize) -> (u32, u32) {
        (self.get(s).0, self.get(e - 1).1)
    }

    /// Every byte's range, for the tests.
    #[cfg(test)]
    pub(super) fn per_byte(&self) -> Vec<(u32, u32)> {
        (0..self.len()).map(|i| self.get(i)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_merge_and_split() {
        let mut s = Spans::default();
        s.push_step(0, 3);
        s.push_step(3, 2);
        s.push((5, 7), 2);
        s.push((5, 7), 1);
        s.push((7, 8), 1);
        s.push_step(8, 1);
        assert_eq!(s.pieces.len(), 3);
        assert_eq!(
            s.per_byte(),
            [
                (0, 1),
                (1, 2),
                (2, 3),
                (3, 4),
                (4, 5),
                (5, 7),
                (5, 7),
                (5, 7),
                (7, 8),
                (8, 9)
            ]
        );
        s.widen_tail(1, 12);
        assert_eq!(s.get(9), (8, 12));
        assert_eq!(s.get(8), (7, 8));
        s.truncate(6);
        assert_eq!(s.per_byte().len(), 6);
        assert_eq!(s.get(5), (5, 7));
        let mut t = Spans::default();
        t.push((0, 0), 1);
        t.extend_from(&s, 2, 6);
        assert_eq!(t.per_byte(), [(0, 0), (2, 3), (3, 4), (4, 5), (5, 7)]);
        assert_eq!(t.range(1, 5), (2, 7));
    }
}
