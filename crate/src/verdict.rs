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
