//! Findings → how loudly the badge speaks. The same table is in ARCHITECTURE.md ("Level rule").
//!
//! | the post has | credential shown | level |
//! |---|---|---|
//! | a `crisis` finding | any | `support` (help, never a warning) |
//! | nothing about mental health (no `diagnostic`, `lived_experience`, `treatment_claim`, `crisis` finding and no topic) | any | `none` |
//! | `diagnostic` or `treatment_claim`, and `certainty`, `sponsorship` or `self_promotion` | any | `warning` |
//! | `diagnostic` or `treatment_claim` | not `licensed` | `warning` |
//! | `diagnostic` or `treatment_claim` | `licensed` | `caution` |
//! | `sponsorship` or `self_promotion` on a mental-health post, no claims | any | `caution` |
//! | anything else about mental health (a story, a topic, a licensed creator's advice) | any | `info` |
//!
//! At sensitivity `low`, `caution` reads as `info` (and only `strong` rules ran).
//!
//! Why this shape: the research (lexicon.md §0) treats claims as the risk, certainty, money and a
//! missing licence as multipliers, and lived experience as information; crisis content gets
//! support instead of a warning, as TikTok's and Instagram's own interventions do.

use crate::config::Sensitivity;
use crate::verdict::{Category, CredentialStatus, Level};

/// Which categories the post's findings (not topics) contain.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Signals {
    /// A diagnostic finding.
    pub diagnostic: bool,
    /// A lived-experience finding.
    pub lived_experience: bool,
    /// A treatment claim.
    pub treatment_claim: bool,
    /// Absolutist wording.
    pub certainty: bool,
    /// A paid relationship.
    pub sponsorship: bool,
    /// Selling the creator's own services.
    pub self_promotion: bool,
    /// Suicide or self-harm.
    pub crisis: bool,
    /// A condition or mental-health topic is named.
    pub topic: bool,
}

impl Signals {
    /// Collects the categories of a list of findings.
    pub fn from_categories(categories: impl IntoIterator<Item = Category>, topic: bool) -> Signals {
        let mut s = Signals {
            topic,
            ..Signals::default()
        };
        for c in categories {
            match c {
                Category::Diagnostic => s.diagnostic = true,
                Category::LivedExperience => s.lived_experience = true,
                Category::TreatmentClaim => s.treatment_claim = true,
                Category::Certainty => s.certainty = true,
                Category::Sponsorship => s.sponsorship = true,
                Category::SelfPromotion => s.self_promotion = true,
                Category::Crisis => s.crisis = true,
                Category::Topic => s.topic = true,
                Category::Credential | Category::NonClinicalTitle => {}
            }
        }
        s
    }

    /// Whether the post is about mental health at all.
    pub fn mental_health(&self) -> bool {
        self.diagnostic
            || self.lived_experience
            || self.treatment_claim
            || self.crisis
            || self.topic
    }
}

/// The level for a post, by the table in the module documentation.
pub fn level(signals: &Signals, credential: CredentialStatus, sensitivity: Sensitivity) -> Level {
    if signals.crisis {
        return Level::Support;
    }
    if !signals.mental_health() {
        return Level::None;
    }
    let claims = signals.diagnostic || signals.treatment_claim;
    let money = signals.sponsorship || signals.self_promotion;
    let level = if claims {
        if credential != CredentialStatus::Licensed || signals.certainty || money {
            Level::Warning
        } else {
            Level::Caution
        }
    } else if money {
        Level::Caution
    } else {
        Level::Info
    };
    if sensitivity == Sensitivity::Low && level == Level::Caution {
        Level::Info
    } else {
        level
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CredentialStatus::*;
    use Sensitivity::*;

    fn sig(cats: &[Category], topic: bool) -> Signals {
        Signals::from_categories(cats.iter().copied(), topic)
    }

    #[test]
    fn crisis_is_support_whatever_else() {
        let s = sig(
            &[
                Category::Crisis,
                Category::Diagnostic,
                Category::Sponsorship,
            ],
            false,
        );
        assert_eq!(level(&s, None, Normal), Level::Support);
        assert_eq!(level(&s, Licensed, Low), Level::Support);
    }

    #[test]
    fn not_mental_health_is_none_even_with_sponsorship() {
        let s = sig(&[Category::Sponsorship, Category::Certainty], false);
        assert!(!s.mental_health());
        assert_eq!(level(&s, None, High), Level::None);
    }

    #[test]
    fn claims_without_licence_warn_and_with_licence_caution() {
        let s = sig(&[Category::Diagnostic], true);
        assert_eq!(level(&s, None, Normal), Level::Warning);
        assert_eq!(level(&s, ClaimedUnverified, Normal), Level::Warning);
        assert_eq!(level(&s, NonClinical, Normal), Level::Warning);
        assert_eq!(level(&s, Licensed, Normal), Level::Caution);
        assert_eq!(level(&s, Licensed, Low), Level::Info);
    }

    #[test]
    fn certainty_or_money_makes_a_licensed_claim_a_warning() {
        for extra in [
            Category::Certainty,
            Category::Sponsorship,
            Category::SelfPromotion,
        ] {
            let s = sig(&[Category::TreatmentClaim, extra], false);
            assert_eq!(level(&s, Licensed, Normal), Level::Warning, "{extra:?}");
        }
    }

    #[test]
    fn money_on_a_mental_health_post_is_caution() {
        let s = sig(&[Category::Sponsorship], true);
        assert_eq!(level(&s, None, Normal), Level::Caution);
        assert_eq!(level(&s, None, Low), Level::Info);
    }

    #[test]
    fn stories_and_topics_are_info() {
        assert_eq!(
            level(&sig(&[Category::LivedExperience], false), None, Normal),
            Level::Info
        );
        assert_eq!(level(&sig(&[], true), Licensed, High), Level::Info);
        assert_eq!(
            level(&sig(&[Category::Certainty], true), None, Normal),
            Level::Info
        );
    }
}
