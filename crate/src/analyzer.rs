//! The analyzer: built once from the shipped rules and the person's configuration, then asked
//! about post after post. Immutable (`Send + Sync`), so the extension and the command line share
//! one, and rebuilding after a settings change is cheap: the compiled regexes are per process and
//! only the configuration's automata are rebuilt.
//!
//! One post: each field (caption, name, handle, bio, labels) is cut at [`MAX_FIELD_BYTES`],
//! normalised (folded, and cased where a case-sensitive rule could apply), scanned by the
//! [`Matcher`], and every hit becomes a [`Finding`], a [`TopicMention`] or a credential, with its
//! span mapped back to UTF-16 offsets of the original text. Findings overlapping an ignored phrase
//! are dropped; of overlapping findings of one category the longest stays. `level.rs` then
//! decides how loudly the badge speaks.

use crate::config::{category_name, Config, ConfigError, Sensitivity};
use crate::credentials::{self, Candidate, Reader};
use crate::level::{level, Signals};
use crate::matcher::{Hit, Matcher, Phrase, Source};
use crate::normalize::{Fold, Normalized};
use crate::post::{Field, Post};
use crate::rules::{self, Strength};
use crate::verdict::{Category, CredentialStatus, Finding, TopicMention, Verdict};

/// Most bytes of one field the engine reads (32 KiB, cut at a character boundary); a caption is
/// rarely over 2,200 characters, so more is pasted text or an attack, and the verdict says
/// `truncated`.
pub const MAX_FIELD_BYTES: usize = 32 * 1024;

/// The note on a finding from the person's own keyword.
pub const USER_KEYWORD_NOTE: &str = "You asked to be told about this phrase.";

/// The engine, configured. Build with [`Analyzer::new`]; [`Analyzer::default`] is the shipped
/// configuration.
pub struct Analyzer {
    matcher: Matcher,
    sensitivity: Sensitivity,
}

impl Default for Analyzer {
    fn default() -> Self {
        Analyzer::new(&Config::default()).expect("the default configuration is valid")
    }
}

/// Which rule strengths run at a sensitivity.
fn runs(strength: Strength, sensitivity: Sensitivity) -> bool {
    match sensitivity {
        Sensitivity::Low => strength == Strength::Strong,
        Sensitivity::Normal => strength != Strength::Weak,
        Sensitivity::High => true,
    }
}

/// Cuts `s` to at most `max` bytes at a character boundary; true when it cut.
fn cap(s: &str, max: usize) -> (&str, bool) {
    if s.len() <= max {
        return (s, false);
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    (&s[..end], true)
}

/// The substring of `s` between two UTF-16 offsets (clamped to `s`, and to char boundaries).
pub fn slice_utf16(s: &str, start: usize, end: usize) -> &str {
    // Up to `end`, ASCII text counts one unit per byte: slice directly (most captions; called
    // once per finding, it walked the text from the start every time).
    let head = end.min(s.len());
    if s.as_bytes()[..head].is_ascii() {
        return &s[start.min(head)..head];
    }
    // Byte by byte: a char's lead byte starts it, and 4-byte chars take two UTF-16 units.
    let mut units = 0;
    let mut from = None;
    let mut to = s.len();
    for (i, &b) in s.as_bytes().iter().enumerate() {
        if b & 0xC0 == 0x80 {
            continue;
        }
        if from.is_none() && units >= start {
            from = Some(i);
        }
        if units >= end {
            to = i;
            break;
        }
        units += 1 + usize::from(b >= 0xF0);
    }
    let from = from.unwrap_or(s.len()).min(to);
    &s[from..to]
}

/// [`slice_utf16`] for many spans of one text: the non-ASCII chars are indexed once, and each
/// slice is then a binary search instead of a walk from the start (a field yields one span per
/// hit, and captions with an emoji early made every walk long).
struct Utf16Slicer<'a> {
    s: &'a str,
    /// Per non-ASCII char: UTF-16 offset and byte offset of its start, its UTF-16 and UTF-8
    /// widths. Between two of them every char is ASCII (one unit, one byte).
    marks: Vec<(usize, usize, usize, usize)>,
}

impl<'a> Utf16Slicer<'a> {
    fn new(s: &'a str) -> Utf16Slicer<'a> {
        let mut marks = Vec::new();
        if !s.is_ascii() {
            // Byte by byte from char start to char start (the lead byte gives the width), with
            // all-ASCII stretches of 8 bytes taken at once: most of a caption with a few emoji.
            let bytes = s.as_bytes();
            let (mut i, mut units) = (0, 0);
            while i < bytes.len() {
                if let Some(chunk) = bytes.get(i..i + 8) {
                    let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
                    if word & 0x8080_8080_8080_8080 == 0 {
                        i += 8;
                        units += 8;
                        continue;
                    }
                }
                let (width8, width16) = match bytes[i] {
                    0..=0x7F => (1, 1),
                    0xF0.. => (4, 2),
                    0xE0.. => (3, 1),
                    _ => (2, 1),
                };
                if width8 > 1 {
                    marks.push((units, i, width16, width8));
                }
                i += width8;
                units += width16;
            }
        }
        Utf16Slicer { s, marks }
    }

    /// The first char boundary at or after UTF-16 offset `u` (the end of the text past it).
    fn byte_at(&self, u: usize) -> usize {
        let before = self.marks.partition_point(|m| m.0 < u);
        let byte = match before.checked_sub(1).map(|k| self.marks[k]) {
            None => u,
            Some((mu, mb, w16, w8)) if u <= mu + w16 => mb + w8,
            Some((mu, mb, w16, w8)) => mb + w8 + (u - (mu + w16)),
        };
        byte.min(self.s.len())
    }

    /// The same substring as `slice_utf16(s, start, end)`.
    fn slice(&self, start: usize, end: usize) -> &'a str {
        let to = self.byte_at(end);
        &self.s[self.byte_at(start).min(to)..to]
    }
}

/// One rule (or keyword) match before overlapping findings are merged: what
/// [`Analyzer::matches`] returns to explain a verdict, and what the rule-example test checks.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RuleMatch {
    /// Rule id, or `user.<category>`.
    pub rule: String,
    /// Which text.
    pub field: Field,
    /// For labels, which one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_index: Option<usize>,
    /// UTF-16 offsets into the original field.
    pub start: usize,
    /// End offset, exclusive.
    pub end: usize,
    /// The original text of the span.
    pub text: String,
}

/// Everything read so far from one post.
#[derive(Default)]
struct Acc {
    findings: Vec<Finding>,
    topics: Vec<TopicMention>,
    credentials: Reader,
    truncated: bool,
    /// Filled only for [`Analyzer::matches`].
    raw: Option<Vec<RuleMatch>>,
}

impl Analyzer {
    /// Validates the configuration and builds the analyzer; nothing is half-applied.
    pub fn new(config: &Config) -> Result<Analyzer, ConfigError> {
        let (keywords, ignored) = config.prepare()?;
        let catalog = rules::catalog();
        let mut enabled: Vec<bool> = catalog
            .iter()
            .map(|r| runs(r.strength, config.sensitivity))
            .collect();
        for id in &config.disabled_rules {
            if let Some(i) = rules::rule_index(id) {
                enabled[i] = false;
            }
        }
        let keywords = keywords
            .into_iter()
            .map(|k| Phrase {
                category: k.category,
                folded: k.folded,
            })
            .collect();
        Ok(Analyzer {
            matcher: Matcher::new(&enabled, keywords, ignored),
            sensitivity: config.sensitivity,
        })
    }

    /// The configured sensitivity.
    pub fn sensitivity(&self) -> Sensitivity {
        self.sensitivity
    }

    /// The verdict for one post.
    pub fn analyze(&self, post: &Post) -> Verdict {
        self.analyze_with(post, false)
    }

    /// The same verdict computed the obvious way: every enabled rule's regex tried in turn on
    /// every field, with no anchor pass. The baseline the benchmarks compare against, and a test
    /// oracle (it must agree with [`Analyzer::analyze`]).
    pub fn analyze_naive(&self, post: &Post) -> Verdict {
        self.analyze_with(post, true)
    }

    /// Every rule and keyword that matched, before overlapping findings of one category are
    /// merged (after `unless` and ignored phrases), in field then offset order: why a verdict
    /// says what it says, and proof that a rule fired even when a longer finding covers it.
    pub fn matches(&self, post: &Post) -> Vec<RuleMatch> {
        let mut acc = Acc {
            raw: Some(Vec::new()),
            ..Acc::default()
        };
        self.read_post(post, false, &mut acc);
        let mut raw = acc.raw.unwrap_or_default();
        raw.sort_by(|a, b| {
            (a.field, a.label_index, a.start, a.end, &a.rule).cmp(&(
                b.field,
                b.label_index,
                b.start,
                b.end,
                &b.rule,
            ))
        });
        raw.dedup();
        raw
    }

    fn read_post(&self, post: &Post, naive: bool, acc: &mut Acc) {
        let mut hits = Vec::new();
        let a = &post.author;
        let fields = [
            (Field::Caption, Some(post.caption.as_str())),
            (Field::Name, a.name.as_deref()),
            (Field::Handle, a.handle.as_deref()),
            (Field::Bio, a.bio.as_deref()),
        ];
        for (field, text) in fields {
            if let Some(text) = text.filter(|t| !t.is_empty()) {
                self.read_field(field, None, text, naive, &mut hits, acc);
            }
        }
        for (i, label) in post.labels.iter().enumerate() {
            if !label.is_empty() {
                self.read_field(Field::Label, Some(i), label, naive, &mut hits, acc);
            }
        }
    }

    fn analyze_with(&self, post: &Post, naive: bool) -> Verdict {
        let mut acc = Acc::default();
        self.read_post(post, naive, &mut acc);
        let findings = resolve_findings(acc.findings);
        let topics = resolve_topics(acc.topics);
        let (credentials, credential_status) = acc.credentials.finish(post.author.name.as_deref());
        let signals =
            Signals::from_categories(findings.iter().map(|f| f.category), !topics.is_empty());
        Verdict {
            id: post.id.clone(),
            mental_health: signals.mental_health(),
            level: level(&signals, credential_status, self.sensitivity),
            credential_status,
            findings,
            credentials,
            topics,
            truncated: acc.truncated,
        }
    }

    fn read_field(
        &self,
        field: Field,
        label_index: Option<usize>,
        text: &str,
        naive: bool,
        hits: &mut Vec<Hit>,
        acc: &mut Acc,
    ) {
        let (original, cut) = cap(text, MAX_FIELD_BYTES);
        acc.truncated |= cut;
        // "dr.liv.lmft" reads "dr liv lmft"; same length, so offsets still fit the original.
        let prepared;
        let source = if field == Field::Handle {
            prepared = original.replace(['.', '_'], " ");
            prepared.as_str()
        } else {
            original
        };
        let (folded, cased) = if self.matcher.needs_cased(field) {
            let (folded, cased) = Normalized::both(source);
            (folded, Some(cased))
        } else {
            (Normalized::new(source, Fold::Lower), None)
        };
        let cased_text = cased.as_ref().map_or("", |c| c.text());
        hits.clear();
        if naive {
            self.matcher
                .naive_scan(field, folded.text(), cased_text, hits);
            // Keywords are not part of the baseline's work but are part of the verdict.
            let mut kw = Vec::new();
            self.matcher.scan(field, folded.text(), cased_text, &mut kw);
            hits.extend(
                kw.into_iter()
                    .filter(|h| matches!(h.source, Source::Keyword(_))),
            );
        } else {
            self.matcher.scan(field, folded.text(), cased_text, hits);
        }
        let is_profile = matches!(field, Field::Name | Field::Handle | Field::Bio);
        if is_profile {
            acc.credentials.scan_field(field, &folded, original);
        }
        if hits.is_empty() {
            return;
        }
        hits.sort_unstable();
        let ignored: Vec<(usize, usize)> = self
            .matcher
            .ignored_ranges(folded.text())
            .into_iter()
            .map(|(s, e)| folded.to_original(s, e))
            .collect();
        let catalog = rules::catalog();
        let slicer = Utf16Slicer::new(original);
        for hit in hits.iter() {
            let norm = if hit.cased {
                cased.as_ref().expect("cased hits come from the cased text")
            } else {
                &folded
            };
            let (category, rule) = match hit.source {
                Source::Rule(r) => (catalog[r].category, Some(&catalog[r])),
                Source::Keyword(k) => (self.matcher.keywords()[k].category, None),
            };
            let mut start_byte = hit.start;
            let mut cred_info = None;
            if matches!(category, Category::Credential | Category::NonClinicalTitle) {
                if !is_profile {
                    continue;
                }
                let mut info = match rule {
                    Some(r) => credentials::info_for_rule(r),
                    None => {
                        let (s, e) = norm.to_original(hit.start, hit.end);
                        std::borrow::Cow::Owned(credentials::info_for_keyword(
                            category,
                            slicer.slice(s, e),
                        ))
                    }
                };
                if info.status != CredentialStatus::NonClinical {
                    if let Some(neg) = credentials::negation_start(norm.text(), hit.start) {
                        start_byte = neg;
                        info = std::borrow::Cow::Owned(credentials::disclaimer(&info));
                    }
                }
                cred_info = Some(info);
            }
            let (start, end) = norm.to_original(start_byte, hit.end);
            if start == end || ignored.iter().any(|&(s, e)| s < end && start < e) {
                continue;
            }
            let span_text = slicer.slice(start, end).to_string();
            if let Some(raw) = acc.raw.as_mut() {
                raw.push(RuleMatch {
                    rule: match rule {
                        Some(r) => r.id.clone(),
                        None => format!("user.{}", category_name(category)),
                    },
                    field,
                    label_index,
                    start,
                    end,
                    text: span_text.clone(),
                });
            }
            if let Some(info) = cred_info {
                acc.credentials.push(Candidate {
                    info,
                    field,
                    start,
                    end,
                    text: span_text,
                    derived: false,
                    token: hit.cased && rule.is_some(),
                });
                continue;
            }
            if category == Category::Topic {
                let condition = match rule {
                    Some(r) => r
                        .condition
                        .clone()
                        .or_else(|| {
                            rules::conditions()
                                .iter()
                                .any(|c| c.id == r.kind)
                                .then(|| r.kind.clone())
                        })
                        .unwrap_or_else(|| "general".into()),
                    None => "general".into(),
                };
                acc.topics.push(TopicMention {
                    condition,
                    field,
                    start,
                    end,
                    text: span_text,
                });
                continue;
            }
            let (kind, rule_id, note) = match rule {
                Some(r) => (r.kind.clone(), r.id.clone(), r.note.clone()),
                None => (
                    "user_keyword".to_string(),
                    format!("user.{}", category_name(category)),
                    USER_KEYWORD_NOTE.to_string(),
                ),
            };
            acc.findings.push(Finding {
                category,
                kind,
                rule: rule_id,
                field,
                label_index,
                start,
                end,
                text: span_text,
                note,
            });
        }
    }
}

/// Field then start order; of overlapping findings of one category in one text, the longest.
fn resolve_findings(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| {
        (a.field, a.label_index, a.start)
            .cmp(&(b.field, b.label_index, b.start))
            .then(b.end.cmp(&a.end))
    });
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
    for f in findings {
        let clash = kept.iter().position(|k| {
            k.category == f.category
                && k.field == f.field
                && k.label_index == f.label_index
                && k.start < f.end
                && f.start < k.end
        });
        match clash {
            None => kept.push(f),
            Some(i) if f.end - f.start > kept[i].end - kept[i].start => kept[i] = f,
            Some(_) => {}
        }
    }
    kept.sort_by(|a, b| {
        (a.field, a.label_index, a.start, a.end).cmp(&(b.field, b.label_index, b.start, b.end))
    });
    kept
}

/// Field then start order; overlapping mentions keep the longest.
fn resolve_topics(mut topics: Vec<TopicMention>) -> Vec<TopicMention> {
    topics.sort_by(|a, b| {
        (a.field, a.start)
            .cmp(&(b.field, b.start))
            .then(b.end.cmp(&a.end))
    });
    let mut kept: Vec<TopicMention> = Vec::with_capacity(topics.len());
    for t in topics {
        let clash = kept
            .iter()
            .position(|k| k.field == t.field && k.start < t.end && t.start < k.end);
        match clash {
            None => kept.push(t),
            Some(i) if t.end - t.start > kept[i].end - kept[i].start => kept[i] = t,
            Some(_) => {}
        }
    }
    kept.sort_by_key(|t| (t.field, t.start, t.end));
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn analyzer_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<Analyzer>();
    }

    #[test]
    fn slice_utf16_handles_surrogates() {
        let s = "a😀b";
        assert_eq!(slice_utf16(s, 0, 1), "a");
        assert_eq!(slice_utf16(s, 1, 3), "😀");
        assert_eq!(slice_utf16(s, 3, 4), "b");
        assert_eq!(slice_utf16(s, 3, 99), "b");
        assert_eq!(slice_utf16(s, 9, 99), "");
    }

    /// The char-by-char definition `slice_utf16` must keep (clamped, char boundaries).
    fn slice_utf16_reference(s: &str, start: usize, end: usize) -> &str {
        let mut units = 0;
        let (mut from, mut to) = (s.len(), s.len());
        for (i, c) in s.char_indices() {
            if units >= start && from == s.len() {
                from = i;
            }
            if units >= end {
                to = i;
                break;
            }
            units += c.len_utf16();
        }
        &s[from.min(to)..to]
    }

    /// Every span of captions shaped like real ones (long ASCII stretches, which the slicer's
    /// index steps over 8 bytes at a time, between emoji and accents).
    #[test]
    fn utf16_slicer_matches_the_definition_on_caption_like_text() {
        for s in [
            "If you always apologise, that's a trauma response 💔 share with a friend ✨ part 2",
            "é then a long plain ascii stretch of words 😀😀 and more words after é\u{301} end",
            "0123456789abcdef😀0123456789abcdefé0123456789abcdef",
        ] {
            let slicer = Utf16Slicer::new(s);
            let units = s.encode_utf16().count();
            for start in 0..=units + 1 {
                for end in start..=units + 1 {
                    assert_eq!(
                        slicer.slice(start, end),
                        slice_utf16_reference(s, start, end),
                        "{s} {start}..{end}"
                    );
                }
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn utf16_slicer_matches_the_definition(
            s in "[a-z é😀\\u{301}]{0,40}",
            start in 0usize..60,
            end in 0usize..60,
        ) {
            proptest::prop_assert_eq!(Utf16Slicer::new(&s).slice(start, end), slice_utf16_reference(&s, start, end));
        }

        #[test]
        fn slice_utf16_matches_its_definition(
            s in "[a-z é😀\u{301}]{0,12}",
            start in 0usize..16,
            end in 0usize..16,
        ) {
            proptest::prop_assert_eq!(slice_utf16(&s, start, end), slice_utf16_reference(&s, start, end));
        }
    }

    #[test]
    fn cap_cuts_at_a_char_boundary() {
        let s = "ééé";
        assert_eq!(cap(s, 3), ("é", true));
        assert_eq!(cap(s, 6), ("ééé", false));
    }

    #[test]
    fn a_huge_caption_is_truncated_not_refused() {
        let caption = "signs you have adhd ".repeat(300_000);
        let v = Analyzer::default().analyze(&Post {
            caption,
            ..Post::default()
        });
        assert!(v.truncated);
        assert!(v.findings.iter().all(|f| f.end <= MAX_FIELD_BYTES));
    }

    #[test]
    fn empty_post_is_silent() {
        let v = Analyzer::default().analyze(&Post::default());
        assert_eq!(v, Verdict::default());
    }

    #[test]
    fn a_bio_with_title_and_post_nominal_reports_the_post_nominal() {
        // The extension's badge says "Licensed: LCSW", not the spelled-out phrase.
        let bio = "Licensed clinical social worker • LCSW #12345";
        let v = Analyzer::default().analyze(&Post {
            caption: "5 signs you have undiagnosed ADHD".into(),
            author: crate::post::Author {
                bio: Some(bio.into()),
                ..Default::default()
            },
            ..Post::default()
        });
        assert_eq!(v.credential_status, CredentialStatus::Licensed);
        let lcsw: Vec<_> = v.credentials.iter().filter(|c| c.id == "us.lcsw").collect();
        assert_eq!(lcsw.len(), 1, "{:?}", v.credentials);
        let start = bio.encode_utf16().count() - "LCSW #12345".len();
        assert_eq!(
            (lcsw[0].text.as_str(), lcsw[0].start, lcsw[0].end),
            ("LCSW", start, start + 4)
        );
    }

    #[test]
    fn user_keywords_flag_and_ignored_phrases_suppress() {
        let mut config = Config::default();
        config
            .keywords
            .insert(Category::Diagnostic, vec!["Zebra Brain".into()]);
        let a = Analyzer::new(&config).unwrap();
        let v = a.analyze(&Post {
            caption: "my ZEBRA brain today 🦓, zebrabrains no".into(),
            ..Post::default()
        });
        assert_eq!(v.findings.len(), 1, "{v:?}");
        let f = &v.findings[0];
        assert_eq!(
            (f.rule.as_str(), f.kind.as_str()),
            ("user.diagnostic", "user_keyword")
        );
        assert_eq!(f.text, "ZEBRA brain");
        assert_eq!(f.note, USER_KEYWORD_NOTE);

        config.ignored_phrases.push("my zebra".into());
        let a = Analyzer::new(&config).unwrap();
        let v = a.analyze(&Post {
            caption: "my ZEBRA brain today".into(),
            ..Post::default()
        });
        assert!(v.findings.is_empty(), "{v:?}");
    }
}
