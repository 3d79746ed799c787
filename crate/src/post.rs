//! The input: one post as a site adapter reads it from the page (or as a JSON line).

use serde::{Deserialize, Serialize};

/// Which site the post came from; rules do not depend on it yet, but verdicts and stored creator
/// notes are keyed by it, so it is part of the input contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// www.tiktok.com
    #[default]
    Tiktok,
    /// www.instagram.com
    Instagram,
}

/// Who posted: every part may be missing, since feeds rarely show a bio.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Author {
    /// The @handle without the `@`.
    pub handle: Option<String>,
    /// Display name, where credentials such as ", LCSW" are most often written.
    pub name: Option<String>,
    /// Profile bio, when the page shows it or the extension remembered it.
    pub bio: Option<String>,
}

/// One post to analyse.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Post {
    /// Caller's key, echoed in the verdict so batches can be matched back to nodes.
    pub id: Option<String>,
    /// The site.
    pub platform: Platform,
    /// The creator's own words (never the platform's AI summary or a translation).
    pub caption: String,
    /// The creator.
    pub author: Author,
    /// What the platform itself shows, e.g. "Paid partnership".
    pub labels: Vec<String>,
}

/// Which text of a post a finding points into; offsets are relative to that text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    /// `caption`
    Caption,
    /// `author.name`
    Name,
    /// `author.handle`
    Handle,
    /// `author.bio`
    Bio,
    /// `labels[i]`; the finding carries the label index.
    Label,
}
