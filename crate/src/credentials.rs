//! What the creator shows about their qualifications, read from name, handle and bio together.
//!
//! Credential rules (from `data/credentials.toml`, plus any rule of category `credential` or
//! `non_clinical_title`) produce candidates; this module turns them into
//! [`CredentialFinding`]s and one [`CredentialStatus`]:
//! - where two candidates overlap in one field, the longer wins ("licensed clinical social worker"
//!   over "social worker", "not a therapist" over "therapist"), then the stronger;
//! - a clinical title right after a negation ("not a doctor", "no soy psicóloga") is a disclaimer:
//!   it counts as `non_clinical`, never as a claimed title;
//! - "licensed" (or "registered", "board-certified") before a profession ("Licensed psychologist"),
//!   or a licence number next to a clinical title ("psychologist … license 4567"), counts as
//!   `licensed` even when no post-nominal is written;
//! - each credential is reported once, strongest first: by its case-sensitive post-nominal token
//!   ("LCSW") when one was read, which is what the badge shows, rather than the spelled-out
//!   phrase ("Licensed clinical social worker"); otherwise the first in name, handle, bio order;
//!   the status is the strongest across all fields (`licensed` > `claimed_unverified` >
//!   `non_clinical` > `none`).

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::matcher::Regex;

use crate::normalize::{Fold, Normalized};
use crate::post::Field;
use crate::rules::{CredentialInfo, RuleInfo};
use crate::verdict::{Category, CredentialFinding, CredentialStatus};

/// One credential read from one field, before overlaps and duplicates are resolved.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    /// Borrowed from the rule catalogue when a credential rule read it (most candidates: no copy
    /// of titles and look-up links per hit), owned when built here or from a keyword.
    pub info: Cow<'static, CredentialInfo>,
    pub field: Field,
    /// UTF-16 offsets into the original field.
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// Inferred by this module rather than read from a credential rule; loses ties.
    pub derived: bool,
    /// Read by a case-sensitive post-nominal token ("LCSW") rather than a folded phrase; the
    /// finding for a credential id prefers it (the badge shows the short form).
    pub token: bool,
}

/// What a credential rule stands for: its data, or for a plain rule of category `credential` /
/// `non_clinical_title` (or a user keyword) a description built from it.
pub(crate) fn info_for_rule(rule: &'static RuleInfo) -> Cow<'static, CredentialInfo> {
    if let Some(c) = &rule.credential {
        return Cow::Borrowed(c);
    }
    let status = match rule.category {
        Category::NonClinicalTitle => CredentialStatus::NonClinical,
        _ if matches!(
            rule.kind.as_str(),
            "licence" | "registration" | "supervised"
        ) =>
        {
            CredentialStatus::Licensed
        }
        _ => CredentialStatus::ClaimedUnverified,
    };
    Cow::Owned(CredentialInfo {
        id: rule.id.clone(),
        title: rule.description.clone(),
        kind: rule.kind.clone(),
        status,
        country: String::new(),
        board: String::new(),
        verify: Vec::new(),
        search: Vec::new(),
    })
}

/// A credential keyword the person added: it can be shown but not checked.
pub(crate) fn info_for_keyword(category: Category, phrase: &str) -> CredentialInfo {
    let non_clinical = category == Category::NonClinicalTitle;
    CredentialInfo {
        id: format!("user.{}", crate::config::category_name(category)),
        title: phrase.to_string(),
        kind: if non_clinical {
            "non_clinical"
        } else {
            "title"
        }
        .into(),
        status: if non_clinical {
            CredentialStatus::NonClinical
        } else {
            CredentialStatus::ClaimedUnverified
        },
        country: String::new(),
        board: String::new(),
        verify: Vec::new(),
        search: Vec::new(),
    }
}

fn negation() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&crate::matcher::ascii_classes(
            r"(?i)(?:\bnot|\bnever\s+been|\bno\s+soy|\bnao\s+sou|\bnao\s+e|\bkein(?:e|en)?|\bpas|\bnicht)\s+(?:(?:an?|your|un|una|um|uma|ein|eine|einen)\s+)?(?:(?:licen[cs]ed|registered|real|certified|qualified|medical|mental\s+health)\s+)?$",
        ))
        .expect("negation regex")
    })
}

/// When a clinical title at byte `start` of `text` follows a negation ("not a "), the byte where
/// the negation starts.
pub(crate) fn negation_start(text: &str, start: usize) -> Option<usize> {
    let from = text[..start]
        .char_indices()
        .rev()
        .nth(24)
        .map_or(0, |(i, _)| i);
    negation()
        .find(&text[from..start])
        .map(|m| from + m.start())
}

/// The disclaimer a negated title becomes.
pub(crate) fn disclaimer(info: &CredentialInfo) -> CredentialInfo {
    CredentialInfo {
        id: "disclaimer".into(),
        title: format!("Says they are not a {}", info.title),
        kind: "non_clinical".into(),
        status: CredentialStatus::NonClinical,
        country: String::new(),
        board: String::new(),
        verify: Vec::new(),
        search: Vec::new(),
    }
}

fn licensed_profession() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&crate::matcher::ascii_classes(
            r"\b(?:licen[cs]ed|registered|board[- ]certified|chartered|state[- ]licen[cs]ed)\s+(?:(?:clinical|professional|independent|mental\s+health|marriage\s+(?:and|&)\s+family|counseling|counselling|school|educational|forensic)\s+)*(?:psychologists?|psychotherapists?|therapists?|counsel+ors?|social\s+workers?|psychiatrists?|nurse\s+practitioners?|behaviou?r\s+analysts?|clinicians?|psychiatric\s+nurses?)\b",
        ))
        .expect("licensed profession regex")
    })
}

fn licence_number() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&crate::matcher::ascii_classes(
            r"\b(?:licen[cs]e|lic|reg(?:istration)?|registro|registo|numero\s+de\s+colegiad[oa]|n\s*de\s+colegiad[oa])\.?\s*(?:#|no\.?|nr\.?|num\.?|number|n\.?)?\s*:?\s*(?:[a-z]{1,4}[- ]?)?\d{3,9}\b",
        ))
        .expect("licence number regex")
    })
}

/// False only when [`licence_number`] cannot match `text`: every match holds an ASCII digit.
/// Written without an early exit so that it vectorises.
fn may_hold_a_licence_number(text: &str) -> bool {
    text.bytes().fold(false, |any, b| any | b.is_ascii_digit())
}

/// Reads credentials field by field, then resolves them.
#[derive(Default)]
pub(crate) struct Reader {
    candidates: Vec<Candidate>,
    /// Licence numbers seen: (field, UTF-16 start, end, original text).
    numbers: Vec<(Field, usize, usize, String)>,
}

impl Reader {
    /// Adds a candidate from a rule or keyword hit.
    pub fn push(&mut self, c: Candidate) {
        self.candidates.push(c);
    }

    /// Looks for a stated licence ("Licensed psychologist") and licence numbers in one field.
    pub fn scan_field(&mut self, field: Field, folded: &Normalized, original: &str) {
        let text = folded.text();
        for m in licensed_profession().find_iter(text) {
            if negation_start(text, m.start()).is_some() {
                continue;
            }
            let (start, end) = folded.to_original(m.start(), m.end());
            let mut title = m.as_str().to_string();
            // The folded text is lowercase; a one-byte first character is ASCII, so ASCII
            // uppercase is all it needs (std's Unicode case tables stay out of the `.wasm`).
            if let Some(first) = title.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            self.candidates.push(Candidate {
                info: Cow::Owned(CredentialInfo {
                    id: "derived.licensed".into(),
                    title,
                    kind: "licence".into(),
                    status: CredentialStatus::Licensed,
                    country: String::new(),
                    board: String::new(),
                    verify: Vec::new(),
                    search: Vec::new(),
                }),
                field,
                start,
                end,
                text: crate::analyzer::slice_utf16(original, start, end).to_string(),
                derived: true,
                token: false,
            });
        }
        // Most names and bios hold no digit at all, which a loop that vectorises tells faster
        // than the regex can (~2k instructions a post when it ran over every profile field).
        let numbers = may_hold_a_licence_number(text).then(|| licence_number().find_iter(text));
        for m in numbers.into_iter().flatten() {
            let (start, end) = folded.to_original(m.start(), m.end());
            let s = crate::analyzer::slice_utf16(original, start, end).to_string();
            self.numbers.push((field, start, end, s));
        }
    }

    /// Resolves overlaps and duplicates; returns the findings strongest first and the status.
    ///
    /// `display_name` is the author's display name the `Name` spans point into: when it reads as a
    /// first and last name once every credential and title read in it is dropped, register
    /// searches that take a name come first in each finding's `verify` ([`crate::lookup`]).
    pub fn finish(
        mut self,
        display_name: Option<&str>,
    ) -> (Vec<CredentialFinding>, CredentialStatus) {
        // Every span read in the name, including those that lose an overlap or a duplicate below:
        // none of them is part of the person's name.
        let name_spans: Vec<(usize, usize)> = self
            .candidates
            .iter()
            .filter(|c| c.field == Field::Name)
            .map(|c| (c.start, c.end))
            .collect();
        // A licence number next to a clinical title makes it a stated licence.
        if let Some((field, start, end, text)) = self.numbers.first().cloned() {
            let title = self
                .candidates
                .iter()
                .filter(|c| c.info.status == CredentialStatus::ClaimedUnverified)
                .min_by_key(|c| (c.field, c.start))
                .cloned();
            if let Some(t) = title {
                self.candidates.push(Candidate {
                    info: Cow::Owned(CredentialInfo {
                        id: "derived.licence_number".into(),
                        title: format!("{} with a licence number", t.info.title),
                        kind: "licence".into(),
                        status: CredentialStatus::Licensed,
                        country: t.info.country.clone(),
                        board: t.info.board.clone(),
                        verify: t.info.verify.clone(),
                        search: t.info.search.clone(),
                    }),
                    field,
                    start,
                    end,
                    text,
                    derived: true,
                    token: false,
                });
            }
        }
        let mut c = self.candidates;
        // Best first within a field: earlier, then longer, then stronger, then read from data.
        c.sort_by(|a, b| {
            (a.field, a.start)
                .cmp(&(b.field, b.start))
                .then((b.end - b.start).cmp(&(a.end - a.start)))
                .then(b.info.status.cmp(&a.info.status))
                .then(a.derived.cmp(&b.derived))
        });
        let mut kept: Vec<Candidate> = Vec::new();
        for cand in c {
            let overlapping = kept
                .iter()
                .position(|k| k.field == cand.field && k.start < cand.end && cand.start < k.end);
            match overlapping {
                None => kept.push(cand),
                Some(i) => {
                    let k = &kept[i];
                    let better = (cand.end - cand.start, cand.info.status, !cand.derived)
                        > (k.end - k.start, k.info.status, !k.derived);
                    if better {
                        kept[i] = cand;
                    }
                }
            }
        }
        // Once per credential id (disclaimers and derived findings once per text): the first by
        // field and position, unless a later one was read by its post-nominal token and the first
        // was not.
        let mut seen: Vec<((String, String), usize)> = Vec::new();
        let mut keep = vec![false; kept.len()];
        for (i, k) in kept.iter().enumerate() {
            let key = if k.info.id == "disclaimer" || k.info.id.starts_with("derived.") {
                // Same words in another case or with other accents are the same finding; the
                // normaliser's folding, not std's Unicode case tables (kept out of the `.wasm`).
                let folded = Normalized::new(&k.text, Fold::Lower);
                (k.info.id.clone(), folded.text().to_string())
            } else {
                (k.info.id.clone(), String::new())
            };
            match seen.iter_mut().find(|(s, _)| *s == key) {
                None => {
                    seen.push((key, i));
                    keep[i] = true;
                }
                Some((_, j)) => {
                    if k.token && !kept[*j].token {
                        keep[*j] = false;
                        keep[i] = true;
                        *j = i;
                    }
                }
            }
        }
        let mut keep = keep.into_iter();
        kept.retain(|_| keep.next().unwrap_or(false));
        kept.sort_by(|a, b| {
            b.info
                .status
                .cmp(&a.info.status)
                .then((a.field, a.start).cmp(&(b.field, b.start)))
        });
        let status = kept
            .iter()
            .map(|k| k.info.status)
            .max()
            .unwrap_or(CredentialStatus::None);
        // Read the name only when a credential has a register search to fill in.
        let person = display_name
            .filter(|_| kept.iter().any(|k| !k.info.search.is_empty()))
            .and_then(|n| crate::lookup::person_name(n, &name_spans));
        let findings = kept
            .into_iter()
            .map(|k| {
                let verify = crate::lookup::verify_links(&k.info, person.as_ref());
                let status = k.info.status;
                // Only the shown strings are copied out of the catalogue (`verify` is built
                // afresh above).
                let (id, title, kind, country, board) = match k.info {
                    Cow::Owned(i) => (i.id, i.title, i.kind, i.country, i.board),
                    Cow::Borrowed(i) => (
                        i.id.clone(),
                        i.title.clone(),
                        i.kind.clone(),
                        i.country.clone(),
                        i.board.clone(),
                    ),
                };
                CredentialFinding {
                    verify,
                    id,
                    text: k.text,
                    field: k.field,
                    start: k.start,
                    end: k.end,
                    title,
                    kind,
                    country,
                    board,
                    status,
                }
            })
            .collect();
        (findings, status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::Fold;

    fn info(id: &str, status: CredentialStatus) -> CredentialInfo {
        CredentialInfo {
            id: id.into(),
            title: id.into(),
            kind: "title".into(),
            status,
            country: String::new(),
            board: String::new(),
            verify: Vec::new(),
            search: Vec::new(),
        }
    }

    fn cand(
        id: &str,
        status: CredentialStatus,
        field: Field,
        start: usize,
        end: usize,
    ) -> Candidate {
        Candidate {
            info: Cow::Owned(info(id, status)),
            field,
            start,
            end,
            text: id.into(),
            derived: false,
            token: false,
        }
    }

    /// The digit test never hides a licence number: on every profile field of the golden
    /// corpus and on texts made to match, whenever the regex matches, the test says it may.
    #[test]
    fn digit_test_never_hides_a_licence_number() {
        let mut texts: Vec<String> = [
            "registered psychotherapist | license #12345",
            "chartered psychologist, reg no. 4567",
            "psychologist lic. 998877",
            "psicologa numero de colegiado m-12345",
            "n de colegiada 28123",
            "registration: ab-1234",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let corpus = include_str!("../tests/corpus/golden.jsonl");
        for line in corpus.lines() {
            let row: serde_json::Value = serde_json::from_str(line).unwrap();
            for key in ["name", "handle", "bio"] {
                if let Some(t) = row["author"][key].as_str() {
                    texts.push(Normalized::new(t, Fold::Lower).text().to_string());
                }
            }
        }
        let mut numbers = 0;
        for t in &texts {
            if licence_number().find(t).is_some() {
                numbers += 1;
                assert!(may_hold_a_licence_number(t), "{t}");
            }
        }
        assert!(numbers >= 6, "{numbers}");
        assert!(!may_hold_a_licence_number("licensed psychologist 🌿 | nyc"));
        assert!(may_hold_a_licence_number("creator.349"));
    }

    #[test]
    fn negation_is_found_right_before_a_title() {
        let t = "advocate | not a doctor";
        assert_eq!(negation_start(t, t.find("doctor").unwrap()), t.find("not"));
        let t = "no soy psicologa";
        assert_eq!(negation_start(t, t.find("psicologa").unwrap()), Some(0));
        let t = "a doctor who is not tired";
        assert_eq!(negation_start(t, t.find("doctor").unwrap()), None);
    }

    #[test]
    fn longest_overlap_wins_then_strongest_status_overall() {
        let mut r = Reader::default();
        r.push(cand(
            "therapist",
            CredentialStatus::ClaimedUnverified,
            Field::Bio,
            6,
            15,
        ));
        r.push(cand(
            "disclaimer",
            CredentialStatus::NonClinical,
            Field::Bio,
            0,
            15,
        ));
        r.push(cand(
            "us.lcsw",
            CredentialStatus::Licensed,
            Field::Name,
            10,
            14,
        ));
        r.push(cand(
            "us.lcsw",
            CredentialStatus::Licensed,
            Field::Bio,
            20,
            24,
        ));
        let (f, status) = r.finish(None);
        let ids: Vec<&str> = f.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["us.lcsw", "disclaimer"]);
        assert_eq!(f[0].field, Field::Name);
        assert_eq!(status, CredentialStatus::Licensed);
    }

    #[test]
    fn the_post_nominal_token_is_preferred_over_the_spelled_out_phrase() {
        let bio = "Licensed clinical social worker • LCSW #12345";
        let token_at = bio.find("LCSW").unwrap();
        let mut r = Reader::default();
        let mut phrase = cand("us.lcsw", CredentialStatus::Licensed, Field::Bio, 0, 31);
        phrase.text = bio[..31].into();
        r.push(phrase);
        let mut token = cand(
            "us.lcsw",
            CredentialStatus::Licensed,
            Field::Bio,
            token_at,
            token_at + 4,
        );
        token.text = "LCSW".into();
        token.token = true;
        r.push(token);
        let (f, status) = r.finish(None);
        assert_eq!(status, CredentialStatus::Licensed);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!((f[0].text.as_str(), f[0].start), ("LCSW", token_at));

        // Without a token the first phrase stays, and a token never loses to a later phrase.
        let mut r = Reader::default();
        r.push(cand(
            "us.lcsw",
            CredentialStatus::Licensed,
            Field::Name,
            0,
            4,
        ));
        r.push(cand(
            "us.lcsw",
            CredentialStatus::Licensed,
            Field::Bio,
            0,
            31,
        ));
        assert_eq!(r.finish(None).0[0].field, Field::Name);
        let mut r = Reader::default();
        let mut t = cand("us.lcsw", CredentialStatus::Licensed, Field::Name, 5, 9);
        t.token = true;
        r.push(t);
        r.push(cand(
            "us.lcsw",
            CredentialStatus::Licensed,
            Field::Bio,
            0,
            31,
        ));
        let (f, _) = r.finish(None);
        assert_eq!((f.len(), f[0].field), (1, Field::Name));
    }

    #[test]
    fn nothing_read_is_none() {
        assert_eq!(Reader::default().finish(None).1, CredentialStatus::None);
    }

    #[test]
    fn stated_licence_and_licence_number_count_as_licensed() {
        let bio = "Licensed psychologist (PhD) • OR license 4567";
        let n = Normalized::new(bio, Fold::Lower);
        let mut r = Reader::default();
        r.scan_field(Field::Bio, &n, bio);
        let (f, status) = r.finish(None);
        assert_eq!(status, CredentialStatus::Licensed);
        assert_eq!(f[0].text, "Licensed psychologist");

        // A number alone proves nothing; next to a claimed title it does.
        let bio = "psychologist • license 4567";
        let n = Normalized::new(bio, Fold::Lower);
        let mut r = Reader::default();
        r.scan_field(Field::Bio, &n, bio);
        assert_eq!(r.numbers.len(), 1);
        let mut alone = Reader::default();
        alone.scan_field(Field::Bio, &n, bio);
        assert_eq!(alone.finish(None).1, CredentialStatus::None);
        r.push(cand(
            "psychologist",
            CredentialStatus::ClaimedUnverified,
            Field::Bio,
            0,
            12,
        ));
        let (f, status) = r.finish(None);
        assert_eq!(status, CredentialStatus::Licensed);
        assert_eq!(f[0].text, "license 4567");
    }

    #[test]
    fn not_a_licensed_therapist_is_not_licensed() {
        let bio = "not a licensed therapist, just a friend";
        let n = Normalized::new(bio, Fold::Lower);
        let mut r = Reader::default();
        r.scan_field(Field::Bio, &n, bio);
        assert_eq!(r.finish(None).1, CredentialStatus::None);
    }
}
