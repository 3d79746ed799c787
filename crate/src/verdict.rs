//! The output: what the badge says about one post, and why.

use serde::{Deserialize, Serialize};

use crate::post::Field;

/// What kind of thing a finding is; fixed by the product (ARCHITECTURE.md) and shown in the panel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Traits presented as signs of a condition, self-diagnosis prompts, labelling others,
    /// overgeneralisation.
    Diagnostic,
    /// A first-person account of one's own diagnosis or experience: about mental health, not risky.
    LivedExperience,
    /// Cures, quick fixes, "stop your meds", supplements.
    TreatmentClaim,
    /// Absolutist wording that raises the severity of a claim.
    Certainty,
    /// A disclosed or implied paid relationship.
    Sponsorship,
    /// Selling the creator's own courses, coaching or calls.
    SelfPromotion,
    /// Suicide and self-harm: the badge offers support instead of a warning.
    Crisis,
    /// A clinical credential shown by the creator.
    Credential,
    /// A non-clinical title (coach, advocate, healer, "not a therapist").
    NonClinicalTitle,
    /// Mentions a mental-health topic or condition; marks the post as about mental health.
    /// Not shown as a finding of its own.
    Topic,
}

/// How strongly the badge speaks; ordered from silent to loudest, with `Support` apart.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// No badge.
    #[default]
    None,
    /// About mental health, nothing risky.
    Info,
    /// Worth a closer look.
    Caution,
    /// Diagnostic or treatment claims without a licence, or with certainty or money involved.
    Warning,
    /// Crisis content: offer help, never a warning.
    Support,
}

/// What the creator shows about their qualifications, strongest first when read together.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum CredentialStatus {
    /// Nothing shown.
    #[default]
    None,
    /// Only non-clinical titles.
    NonClinical,
    /// A clinical-sounding title that nothing checkable backs.
    ClaimedUnverified,
    /// A licence or statutory registration.
    Licensed,
}

/// One reason the badge gives, pointing at the words that triggered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Broad category.
    pub category: Category,
    /// Finer sub-type, e.g. `signs_you_have`.
    pub kind: String,
    /// Rule id, e.g. `en.diag.signs-you-have`, or `user.<category>` for the person's own keywords.
    pub rule: String,
    /// Which text the span is in.
    pub field: Field,
    /// For `Field::Label`, which label.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label_index: Option<usize>,
    /// UTF-16 code-unit offsets into the original field text (JavaScript's `String.slice`).
    pub start: usize,
    /// End offset, exclusive.
    pub end: usize,
    /// The original text of the span.
    pub text: String,
    /// Why this matters, in plain words.
    pub note: String,
}

/// A public look-up where a person can check a credential themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyLink {
    /// What the link is, e.g. "HCPC register".
    pub label: String,
    /// Where it goes; opened only when the person clicks.
    pub url: String,
}

/// A credential read from the name, handle or bio, with what it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialFinding {
    /// Credential id in the shipped data, e.g. `us.lcsw`.
    pub id: String,
    /// As written, e.g. "LCSW".
    pub text: String,
    /// Where it was seen.
    pub field: Field,
    /// UTF-16 offsets into that field.
    pub start: usize,
    /// End offset, exclusive.
    pub end: usize,
    /// Full title, e.g. "Licensed Clinical Social Worker".
    pub title: String,
    /// `licence`, `supervised`, `registration`, `certification`, `association`, `degree`,
    /// `title` (clinical-sounding, unprotected) or `non_clinical`.
    pub kind: String,
    /// ISO country code, or "" when it applies in many.
    pub country: String,
    /// The board or ethics code the holder answers to; "" when none.
    pub board: String,
    /// Public look-ups.
    pub verify: Vec<VerifyLink>,
    /// What this credential counts as.
    pub status: CredentialStatus,
}

/// A mental-health topic or condition named in the post, for the panel's reading links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicMention {
    /// Condition id from the shipped data, e.g. `adhd`, or `general`.
    pub condition: String,
    /// Where.
    pub field: Field,
    /// UTF-16 offsets.
    pub start: usize,
    /// End offset, exclusive.
    pub end: usize,
    /// As written.
    pub text: String,
}

/// Everything the badge and the panel need for one post.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Verdict {
    /// The post's `id`, echoed.
    pub id: Option<String>,
    /// Whether the post is about mental health at all.
    pub mental_health: bool,
    /// How loudly the badge speaks.
    pub level: Level,
    /// The strongest credential status across name, handle and bio.
    pub credential_status: CredentialStatus,
    /// Reasons, in field then offset order.
    pub findings: Vec<Finding>,
    /// Credentials read, strongest first.
    pub credentials: Vec<CredentialFinding>,
    /// Conditions and topics named.
    pub topics: Vec<TopicMention>,
    /// True when a field was longer than the engine reads and was cut.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub truncated: bool,
}

// ---------------------------------------------------------------------------------------------
// JSON output written by hand (the command line's hot path).

impl Category {
    /// The serialised name (serde's `snake_case`).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Diagnostic => "diagnostic",
            Category::LivedExperience => "lived_experience",
            Category::TreatmentClaim => "treatment_claim",
            Category::Certainty => "certainty",
            Category::Sponsorship => "sponsorship",
            Category::SelfPromotion => "self_promotion",
            Category::Crisis => "crisis",
            Category::Credential => "credential",
            Category::NonClinicalTitle => "non_clinical_title",
            Category::Topic => "topic",
        }
    }
}

impl Level {
    /// The serialised name (serde's `lowercase`).
    pub fn as_str(self) -> &'static str {
        match self {
            Level::None => "none",
            Level::Info => "info",
            Level::Caution => "caution",
            Level::Warning => "warning",
            Level::Support => "support",
        }
    }
}

impl CredentialStatus {
    /// The serialised name (serde's `snake_case`).
    pub fn as_str(self) -> &'static str {
        match self {
            CredentialStatus::None => "none",
            CredentialStatus::NonClinical => "non_clinical",
            CredentialStatus::ClaimedUnverified => "claimed_unverified",
            CredentialStatus::Licensed => "licensed",
        }
    }
}

/// The serialised name of a field (serde's `lowercase`).
fn field_name(field: Field) -> &'static str {
    match field {
        Field::Caption => "caption",
        Field::Name => "name",
        Field::Handle => "handle",
        Field::Bio => "bio",
        Field::Label => "label",
    }
}

impl Verdict {
    /// Appends this verdict as one line of compact JSON, byte for byte what
    /// `serde_json::to_writer` writes for it (a test holds it to that on the golden corpus and on
    /// every variant), without serde's generic serializer: the command line writes one verdict per
    /// post, and this was ~10k instructions of its ~140k per post. The struct patterns below are
    /// exhaustive, so a new field does not compile until it is written here too.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        let Verdict {
            id,
            mental_health,
            level,
            credential_status,
            findings,
            credentials,
            topics,
            truncated,
        } = self;
        out.extend_from_slice(b"{\"id\":");
        match id {
            Some(id) => json_str(out, id),
            None => out.extend_from_slice(b"null"),
        }
        out.extend_from_slice(if *mental_health {
            b",\"mental_health\":true,\"level\":\""
        } else {
            b",\"mental_health\":false,\"level\":\""
        });
        out.extend_from_slice(level.as_str().as_bytes());
        out.extend_from_slice(b"\",\"credential_status\":\"");
        out.extend_from_slice(credential_status.as_str().as_bytes());
        out.extend_from_slice(b"\",\"findings\":[");
        for (i, f) in findings.iter().enumerate() {
            let Finding {
                category,
                kind,
                rule,
                field,
                label_index,
                start,
                end,
                text,
                note,
            } = f;
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"category\":\"");
            out.extend_from_slice(category.as_str().as_bytes());
            out.extend_from_slice(b"\",\"kind\":");
            json_str(out, kind);
            json_member(out, b"rule", rule);
            json_field(out, *field);
            if let Some(index) = label_index {
                out.extend_from_slice(b",\"label_index\":");
                json_usize(out, *index);
            }
            json_span(out, *start, *end);
            json_member(out, b"text", text);
            json_member(out, b"note", note);
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"credentials\":[");
        for (i, c) in credentials.iter().enumerate() {
            let CredentialFinding {
                id,
                text,
                field,
                start,
                end,
                title,
                kind,
                country,
                board,
                verify,
                status,
            } = c;
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"id\":");
            json_str(out, id);
            json_member(out, b"text", text);
            json_field(out, *field);
            json_span(out, *start, *end);
            json_member(out, b"title", title);
            json_member(out, b"kind", kind);
            json_member(out, b"country", country);
            json_member(out, b"board", board);
            out.extend_from_slice(b",\"verify\":[");
            for (k, VerifyLink { label, url }) in verify.iter().enumerate() {
                if k > 0 {
                    out.push(b',');
                }
                out.extend_from_slice(b"{\"label\":");
                json_str(out, label);
                json_member(out, b"url", url);
                out.push(b'}');
            }
            out.extend_from_slice(b"],\"status\":\"");
            out.extend_from_slice(status.as_str().as_bytes());
            out.extend_from_slice(b"\"}");
        }
        out.extend_from_slice(b"],\"topics\":[");
        for (i, t) in topics.iter().enumerate() {
            let TopicMention {
                condition,
                field,
                start,
                end,
                text,
            } = t;
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"condition\":");
            json_str(out, condition);
            json_field(out, *field);
            json_span(out, *start, *end);
            json_member(out, b"text", text);
            out.push(b'}');
        }
        out.push(b']');
        if *truncated {
            out.extend_from_slice(b",\"truncated\":true");
        }
        out.push(b'}');
    }
}

/// `,"<key>":<value as a JSON string>`.
fn json_member(out: &mut Vec<u8>, key: &[u8], value: &str) {
    out.extend_from_slice(b",\"");
    out.extend_from_slice(key);
    out.extend_from_slice(b"\":");
    json_str(out, value);
}

/// `,"field":"<name>"`.
fn json_field(out: &mut Vec<u8>, field: Field) {
    out.extend_from_slice(b",\"field\":\"");
    out.extend_from_slice(field_name(field).as_bytes());
    out.push(b'"');
}

/// `,"start":<start>,"end":<end>`.
fn json_span(out: &mut Vec<u8>, start: usize, end: usize) {
    out.extend_from_slice(b",\"start\":");
    json_usize(out, start);
    out.extend_from_slice(b",\"end\":");
    json_usize(out, end);
}

/// A decimal integer, as serde_json writes it.
fn json_usize(out: &mut Vec<u8>, mut n: usize) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// Whether any byte of the 8 in `word` is `"`, `\` or below 0x20 (the bytes JSON must escape),
/// with the usual zero-byte trick: it never misses one; a rare false alarm (a borrow after a
/// byte that does need escaping) only sends [`json_str`] byte by byte for a step.
#[inline(always)]
pub(crate) fn needs_escape8(word: u64) -> bool {
    escape_mask8(word) != 0
}

/// The high bit of every byte of `word` that [`needs_escape8`] flags: the lowest one is always
/// a byte that needs escaping (false alarms only come above a true one), so
/// `trailing_zeros / 8` is the index of the first such byte.
#[inline(always)]
pub(crate) fn escape_mask8(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    let quote = has_zero(word ^ (ONES * u64::from(b'"')));
    let backslash = has_zero(word ^ (ONES * u64::from(b'\\')));
    // Bytes below 0x20: subtracting 0x20 borrows into the high bit only for them (bytes with
    // the high bit already set are masked out by `!word`).
    let control = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    quote | backslash | control
}

/// A JSON string with serde_json's escapes: `\"`, `\\`, `\b \f \n \r \t`, other control chars
/// as `\u00XX` (lowercase hex); everything else, non-ASCII included, as is. The clean stretches
/// (nearly all text) are found 8 bytes at a time and copied whole; a string with nothing to
/// escape at all (nearly every one) is told by a check that vectorises and copied in one go.
fn json_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let escapes = bytes.iter().fold(false, |any, &b| {
        any | (b < 0x20) | (b == b'"') | (b == b'\\')
    });
    if !escapes {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    let mut clean = 0;
    let mut i = 0;
    while i < bytes.len() {
        if let Some(chunk) = bytes.get(i..i + 8) {
            let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            if !needs_escape8(word) {
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0C => b"\\f",
            0..=0x1F => b"",
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[clean..i]);
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xF)]);
        } else {
            out.extend_from_slice(escape);
        }
        i += 1;
        clean = i;
    }
    out.extend_from_slice(&bytes[clean..]);
    out.push(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours(v: &Verdict) -> String {
        let mut out = Vec::new();
        v.write_json(&mut out);
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn json_strings_escape_like_serde_json() {
        let mut all: String = (0u8..0x80).map(char::from).collect();
        all.push_str("é😀\u{2028}\u{7f}");
        for s in [
            "",
            "plain text that is long enough for a few words",
            "\"",
            "\\",
            "ab\"cdefgh\\ij\nkl\u{1}m",
            "1234567\"",
            "12345678\u{1f}",
            all.as_str(),
        ] {
            let mut out = Vec::new();
            json_str(&mut out, s);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(s).unwrap()
            );
        }
    }

    #[test]
    fn every_variant_and_optional_field_writes_like_serde_json() {
        let finding = |category, field, label_index| Finding {
            category,
            kind: "k\"ind".into(),
            rule: "r.u.le".into(),
            field,
            label_index,
            start: 0,
            end: 12_345_678_901,
            text: "tab\there é 😀".into(),
            note: "a\\note".into(),
        };
        let categories = [
            Category::Diagnostic,
            Category::LivedExperience,
            Category::TreatmentClaim,
            Category::Certainty,
            Category::Sponsorship,
            Category::SelfPromotion,
            Category::Crisis,
            Category::Credential,
            Category::NonClinicalTitle,
            Category::Topic,
        ];
        let fields = [
            Field::Caption,
            Field::Name,
            Field::Handle,
            Field::Bio,
            Field::Label,
        ];
        let statuses = [
            CredentialStatus::None,
            CredentialStatus::NonClinical,
            CredentialStatus::ClaimedUnverified,
            CredentialStatus::Licensed,
        ];
        let levels = [
            Level::None,
            Level::Info,
            Level::Caution,
            Level::Warning,
            Level::Support,
        ];
        for (i, &level) in levels.iter().enumerate() {
            let v = Verdict {
                id: (i % 2 == 0).then(|| format!("p{i}\u{0}")),
                mental_health: i % 2 == 1,
                level,
                credential_status: statuses[i % statuses.len()],
                findings: categories
                    .iter()
                    .enumerate()
                    .map(|(k, &c)| finding(c, fields[k % fields.len()], (k % 3 == 0).then_some(k)))
                    .collect(),
                credentials: statuses
                    .iter()
                    .enumerate()
                    .take(i)
                    .map(|(k, &status)| CredentialFinding {
                        id: "us.lcsw".into(),
                        text: "LCSW".into(),
                        field: fields[k],
                        start: k,
                        end: k + 4,
                        title: "Licensed \"Clinical\"".into(),
                        kind: "licence".into(),
                        country: "US".into(),
                        board: String::new(),
                        verify: (0..k)
                            .map(|n| VerifyLink {
                                label: format!("link {n}"),
                                url: "https://example.org/?a=1&b=2".into(),
                            })
                            .collect(),
                        status,
                    })
                    .collect(),
                topics: fields
                    .iter()
                    .take(i)
                    .map(|&field| TopicMention {
                        condition: "adhd".into(),
                        field,
                        start: 3,
                        end: 7,
                        text: "ADHD".into(),
                    })
                    .collect(),
                truncated: i % 2 == 0,
            };
            assert_eq!(ours(&v), serde_json::to_string(&v).unwrap());
        }
        assert_eq!(
            ours(&Verdict::default()),
            serde_json::to_string(&Verdict::default()).unwrap()
        );
    }
}
