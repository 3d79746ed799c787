//! The hashtag word list (`crate/data/hashtag_words.txt`) as a trie, built once, and the
//! segmentation of one hashtag into words with the fewest pieces.

use std::sync::OnceLock;

/// The embedded list; its header documents the format.
const WORD_LIST: &str = include_str!("../../data/hashtag_words.txt");

/// Longest hashtag part (in chars) the splitter segments; longer ones are left whole, which bounds
/// the work per tag and lets the tables below live on the stack.
pub(super) const MAX_TAG: usize = 64;

/// Cost of a case piece taken whole without being a known word: above any all-known cover of
/// a tag of `MAX_TAG` chars, so known words always win.
const UNKNOWN_PIECE: u16 = MAX_TAG as u16 + 1;

/// Longest acronym joined from single letters.
pub(super) const MAX_ACRONYM: usize = 8;

/// One trie node: its children by ASCII lowercase letter and whether a word ends here.
#[derive(Debug, Default)]
struct Node {
    children: Vec<(u8, u32)>,
    terminal: bool,
}

/// The parsed word list.
#[derive(Debug)]
pub(super) struct Words {
    /// The root's children by letter (`a`..`z`), 0 for none: the first step of every walk.
    root: [u32; 26],
    nodes: Vec<Node>,
    acronyms: Vec<&'static str>,
}

/// The list, parsed on first use.
pub(super) fn words() -> &'static Words {
    static WORDS: OnceLock<Words> = OnceLock::new();
    WORDS.get_or_init(|| Words::parse(WORD_LIST))
}

/// Whether a list entry is usable: lowercase ASCII letters only (the folded text has no accents).
fn valid_entry(word: &str) -> bool {
    !word.is_empty() && word.bytes().all(|b| b.is_ascii_lowercase())
}

impl Words {
    /// Parses the list format described at the top of `hashtag_words.txt`. Entries that are not
    /// lowercase ASCII words are skipped (a test checks the shipped file has none).
    fn parse(text: &'static str) -> Words {
        let mut words = Words {
            root: [0; 26],
            nodes: vec![Node::default()],
            acronyms: Vec::new(),
        };
        let mut in_acronyms = false;
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match line {
                "[words]" => in_acronyms = false,
                "[acronyms]" => in_acronyms = true,
                word if valid_entry(word) => {
                    words.insert(word);
                    if in_acronyms && word.len() <= MAX_ACRONYM {
                        words.acronyms.push(word);
                    }
                }
                _ => {}
            }
        }
        for (k, b) in (b'a'..=b'z').enumerate() {
            words.root[k] = words.child(0, b).map_or(0, |c| c as u32);
        }
        words
    }

    fn insert(&mut self, word: &str) {
        let mut node = 0usize;
        for b in word.bytes() {
            node = match self.child(node, b) {
                Some(next) => next,
                None => {
                    let next = self.nodes.len();
                    self.nodes.push(Node::default());
                    self.nodes[node].children.push((b, next as u32));
                    next
                }
            };
        }
        self.nodes[node].terminal = true;
    }

    #[inline]
    fn child(&self, node: usize, b: u8) -> Option<usize> {
        if node == 0 && b.is_ascii_lowercase() {
            let next = self.root[usize::from(b - b'a')];
            if next != 0 {
                return Some(next as usize);
            }
        }
        self.nodes[node]
            .children
            .iter()
            .find(|&&(label, _)| label == b)
            .map(|&(_, next)| next as usize)
    }

    /// Whether `letters` (ASCII lowercase) is in the acronym list.
    pub(super) fn is_acronym(&self, letters: &[u8]) -> bool {
        self.acronyms.iter().any(|a| a.as_bytes() == letters)
    }

    /// Whether `word` is a hashtag word (or acronym).
    #[cfg(test)]
    pub(super) fn contains(&self, word: &str) -> bool {
        let mut node = 0;
        for b in word.bytes() {
            match self.child(node, b) {
                Some(next) => node = next,
                None => return false,
            }
        }
        self.nodes[node].terminal
    }

    /// Splits one hashtag part (`chars`, ASCII, already lowercased) into words. `upper[i]` says whether
    /// char `i` was a capital before lowercasing; case changes ("TraumaResponse", "ADHDTikTok")
    /// mark pieces that may stand as words even when unknown. Tokens are known words (cost 1),
    /// maximal digit runs (cost 1) and whole case pieces that are not known words (cost
    /// `UNKNOWN_PIECE`, more than any cover by known words); the cheapest cover wins, so an all-lowercase tag is split only when known words cover all of
    /// it ("#adhdtiktok"), and "#ad" or "#adhd" stay whole.
    ///
    /// Writes the start index of every word after the first into `cuts` and returns
    /// `(number of cuts, every token is a known word or number)`.
    pub(super) fn segment(
        &self,
        chars: &[u8],
        upper: &[bool],
        cuts: &mut [u8; MAX_TAG],
    ) -> (usize, bool) {
        let n = chars.len();
        if n == 0 || n > MAX_TAG || upper.len() != n {
            return (0, false);
        }
        const INF: u16 = u16::MAX;
        let mut cost = [INF; MAX_TAG + 1];
        let mut prev = [0u8; MAX_TAG + 1];
        let mut known = [false; MAX_TAG + 1];
        cost[0] = 0;
        let mut relax = |cost: &mut [u16; MAX_TAG + 1], to: usize, c: u16, from: usize, k: bool| {
            if c < cost[to] {
                cost[to] = c;
                prev[to] = from as u8;
                known[to] = k;
            }
        };
        for i in 0..n {
            if cost[i] == INF {
                continue;
            }
            let here = cost[i];
            if chars[i].is_ascii_digit() {
                if i == 0 || !chars[i - 1].is_ascii_digit() {
                    let end = (i..n).find(|&k| !chars[k].is_ascii_digit()).unwrap_or(n);
                    relax(&mut cost, end, here + 1, i, true);
                }
            } else {
                let mut node = 0usize;
                for (k, &c) in chars.iter().enumerate().skip(i) {
                    if !c.is_ascii_lowercase() {
                        break;
                    }
                    match self.child(node, c) {
                        Some(next) => node = next,
                        None => break,
                    }
                    if self.nodes[node].terminal {
                        relax(&mut cost, k + 1, here + 1, i, true);
                    }
                }
            }
            if i == 0 || case_boundary(chars, upper, i) {
                let end = (i + 1..n)
                    .find(|&k| case_boundary(chars, upper, k))
                    .unwrap_or(n);
                relax(&mut cost, end, here + UNKNOWN_PIECE, i, false);
            }
        }
        // Walk back from the end, collecting the cuts in reverse.
        let mut all_known = true;
        let mut count = 0;
        let mut at = n;
        while at > 0 {
            all_known &= known[at];
            let from = prev[at] as usize;
            if from > 0 {
                cuts[count] = from as u8;
                count += 1;
            }
            at = from;
        }
        cuts[..count].reverse();
        (count, all_known)
    }
}

/// One remembered segmentation (native builds only: in the `.wasm` the memory's code weighed
/// ~1.5 KB gzip, against the package's size budget): the hashtag part (ASCII, at most `MAX_TAG` bytes), its capital
/// flags as bits, and what [`Words::segment`] answered for it.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Copy)]
struct Remembered {
    len: u8,
    chars: [u8; MAX_TAG],
    upper: u64,
    count: u8,
    known: bool,
    cuts: [u8; MAX_TAG],
}

/// How many segmentations [`Words::segment_remembered`] keeps (direct-mapped by a hash of the
/// part): ~36 KB per thread, zeroed, so nothing in the `.wasm` file.
#[cfg(not(target_arch = "wasm32"))]
const REMEMBERED: usize = 256;

#[cfg(not(target_arch = "wasm32"))]
thread_local! {
    static MEMORY: std::cell::RefCell<[Option<Remembered>; REMEMBERED]> =
        const { std::cell::RefCell::new([None; REMEMBERED]) };
}

impl Words {
    /// [`Words::segment`] as it is: the `.wasm` does not carry the memory below.
    #[cfg(target_arch = "wasm32")]
    pub(super) fn segment_remembered(
        &self,
        chars: &[u8],
        upper: &[bool],
        cuts: &mut [u8; MAX_TAG],
    ) -> (usize, bool) {
        self.segment(chars, upper, cuts)
    }

    /// [`Words::segment`], remembered per thread for the last parts seen: a feed repeats its
    /// hashtags (#fyp, #mentalhealth, #adhdtiktok) post after post, and segmenting one costs
    /// ~800 instructions against ~100 for the look-up. `segment` is a pure function of its input
    /// and the shipped word list, so a remembered answer is the answer (a test checks).
    #[cfg(not(target_arch = "wasm32"))]
    pub(super) fn segment_remembered(
        &self,
        chars: &[u8],
        upper: &[bool],
        cuts: &mut [u8; MAX_TAG],
    ) -> (usize, bool) {
        let n = chars.len();
        if n == 0 || n > MAX_TAG || upper.len() != n {
            return self.segment(chars, upper, cuts);
        }
        let bits = upper
            .iter()
            .enumerate()
            .fold(0u64, |acc, (i, &u)| acc | (u64::from(u) << i));
        // FNV-1a over the chars and the capitals.
        let hash = chars.iter().fold(0xcbf2_9ce4_8422_2325u64 ^ bits, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
        let slot = (hash >> 32) as usize % REMEMBERED;
        let hit = MEMORY.with(|m| {
            let m = m.borrow();
            match &m[slot] {
                Some(r) if usize::from(r.len) == n && r.upper == bits && &r.chars[..n] == chars => {
                    let count = usize::from(r.count);
                    cuts[..count].copy_from_slice(&r.cuts[..count]);
                    Some((count, r.known))
                }
                _ => None,
            }
        });
        if let Some(answer) = hit {
            return answer;
        }
        let (count, known) = self.segment(chars, upper, cuts);
        let mut entry = Remembered {
            len: n as u8,
            chars: [0; MAX_TAG],
            upper: bits,
            count: count as u8,
            known,
            cuts: [0; MAX_TAG],
        };
        entry.chars[..n].copy_from_slice(chars);
        entry.cuts[..count].copy_from_slice(&cuts[..count]);
        MEMORY.with(|m| m.borrow_mut()[slot] = Some(entry));
        (count, known)
    }
}

/// Whether a new case piece starts at `i`: a capital after a small letter ("trauma|Response"),
/// or the last capital of a run that a small letter follows ("ADHD|Tik").
fn case_boundary(chars: &[u8], upper: &[bool], i: usize) -> bool {
    if i == 0 || i >= chars.len() || !upper[i] || !chars[i - 1].is_ascii_alphabetic() {
        return false;
    }
    if !upper[i - 1] {
        return true;
    }
    i + 1 < chars.len() && chars[i + 1].is_ascii_alphabetic() && !upper[i + 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(tag: &str) -> String {
        let chars: Vec<u8> = tag.to_ascii_lowercase().into_bytes();
        let upper: Vec<bool> = tag.bytes().map(|b| b.is_ascii_uppercase()).collect();
        let mut cuts = [0u8; MAX_TAG];
        let (n, _) = words().segment(&chars, &upper, &mut cuts);
        let mut out = String::new();
        for (i, c) in chars.iter().enumerate() {
            if cuts[..n].contains(&(i as u8)) {
                out.push(' ');
            }
            out.push(*c as char);
        }
        out
    }

    #[test]
    fn shipped_list_is_clean() {
        let mut seen = std::collections::HashSet::new();
        let mut section = "";
        for line in WORD_LIST.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if line.starts_with('[') {
                assert!(
                    line == "[words]" || line == "[acronyms]",
                    "unknown section {line}"
                );
                section = line;
                continue;
            }
            assert!(!section.is_empty(), "{line} comes before any section");
            assert!(valid_entry(line), "not a lowercase ASCII word: {line:?}");
            assert!(seen.insert(line), "listed twice: {line}");
            // Never listed: they would make "#ad" come out of other tags.
            assert!(
                line != "ad" && line != "ads",
                "{line} must not be a hashtag word"
            );
        }
        assert!(seen.len() > 300, "only {} words", seen.len());
        let w = words();
        for word in [
            "adhd", "autism", "trauma", "response", "salud", "mental", "tiktok",
        ] {
            assert!(w.contains(word), "{word} missing");
        }
        assert!(w.is_acronym(b"adhd") && w.is_acronym(b"ptsd") && w.is_acronym(b"lcsw"));
        assert!(!w.is_acronym(b"iam") && !w.is_acronym(b"trauma"));
    }

    #[test]
    fn splits_known_compounds_only() {
        assert_eq!(split("adhdtiktok"), "adhd tiktok");
        assert_eq!(split("saludmental"), "salud mental");
        assert_eq!(split("mentalhealthmatters"), "mental health matters");
        assert_eq!(split("adhdinwomen"), "adhd in women");
        assert_eq!(split("adhd4life"), "adhd 4 life");
        assert_eq!(split("adhd"), "adhd");
        assert_eq!(split("ad"), "ad");
        assert_eq!(split("antiquesxyz"), "antiquesxyz");
        assert_eq!(split("adhdzxqy"), "adhdzxqy");
        assert_eq!(split("112233"), "112233");
    }

    /// A remembered segmentation is the segmentation, whatever was asked before: many tags,
    /// asked twice over in an order that makes them collide in the memory's slots.
    #[test]
    fn remembered_segmentations_equal_fresh_ones() {
        let tags: Vec<String> = [
            "adhdtiktok",
            "ADHDTikTok",
            "TraumaResponse",
            "traumaresponse",
            "mentalhealthmatters",
            "saludmental",
            "adhd4life",
            "zxqyHealth",
            "ad",
            "112233",
        ]
        .iter()
        .map(|s| s.to_string())
        .chain((0..600).map(|i| format!("tag{i}mental{}", i % 7)))
        .collect();
        let w = words();
        for _ in 0..2 {
            for tag in &tags {
                let chars: Vec<u8> = tag.to_ascii_lowercase().into_bytes();
                let upper: Vec<bool> = tag.bytes().map(|b| b.is_ascii_uppercase()).collect();
                let (mut fresh, mut remembered) = ([0u8; MAX_TAG], [0u8; MAX_TAG]);
                let a = w.segment(&chars, &upper, &mut fresh);
                let b = w.segment_remembered(&chars, &upper, &mut remembered);
                assert_eq!(a, b, "{tag}");
                assert_eq!(fresh[..a.0], remembered[..b.0], "{tag}");
            }
        }
    }

    #[test]
    fn case_changes_mark_pieces() {
        assert_eq!(split("TraumaResponse"), "trauma response");
        assert_eq!(split("ADHDTikTok"), "adhd tiktok");
        assert_eq!(split("ADHDinWomen"), "adhd in women");
        assert_eq!(split("ZxqyHealth"), "zxqy health");
        assert_eq!(split("ADHD"), "adhd");
        assert_eq!(split("AD"), "ad");
    }
}
