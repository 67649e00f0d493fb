//! Rotation periods such as `90d`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::error::SecretsError;

/// Unit of a [`RotationPeriod`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PeriodUnit {
    /// `m`: minutes.
    Minutes,
    /// `h`: hours.
    Hours,
    /// `d`: days.
    Days,
    /// `w`: weeks.
    Weeks,
}

impl PeriodUnit {
    fn suffix(self) -> char {
        match self {
            Self::Minutes => 'm',
            Self::Hours => 'h',
            Self::Days => 'd',
            Self::Weeks => 'w',
        }
    }

    fn seconds(self) -> i64 {
        match self {
            Self::Minutes => 60,
            Self::Hours => 3_600,
            Self::Days => 86_400,
            Self::Weeks => 604_800,
        }
    }
}

/// How often a secret must be rotated: a positive whole number and a unit, written `90d`,
/// `12h`, `2w` or `30m`. A quarter is `90d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RotationPeriod {
    amount: u32,
    unit: PeriodUnit,
}

impl RotationPeriod {
    /// Largest accepted period, in days (ten years).
    pub const MAX_DAYS: i64 = 3_650;

    /// A period of `amount` units; `None` when zero or longer than [`Self::MAX_DAYS`].
    pub fn new(amount: u32, unit: PeriodUnit) -> Option<Self> {
        let period = Self { amount, unit };
        (amount > 0 && period.duration().whole_days() <= Self::MAX_DAYS).then_some(period)
    }

    /// A period of whole days (`RotationPeriod::days(90)` is `90d`).
    pub fn days(amount: u32) -> Option<Self> {
        Self::new(amount, PeriodUnit::Days)
    }

    /// The number of units.
    pub fn amount(&self) -> u32 {
        self.amount
    }

    /// The unit.
    pub fn unit(&self) -> PeriodUnit {
        self.unit
    }

    /// The period as a duration.
    pub fn duration(&self) -> time::Duration {
        time::Duration::seconds(i64::from(self.amount) * self.unit.seconds())
    }
}

impl fmt::Display for RotationPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.amount, self.unit.suffix())
    }
}

impl FromStr for RotationPeriod {
    type Err = SecretsError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = |reason: &str| SecretsError::InvalidPeriod {
            value: text.to_owned(),
            reason: reason.to_owned(),
        };
        let trimmed = text.trim();
        let Some(last) = trimmed.chars().last() else {
            return Err(bad(
                "empty; expected a number and a unit m, h, d or w (e.g. 90d)",
            ));
        };
        let unit = match last {
            'm' => PeriodUnit::Minutes,
            'h' => PeriodUnit::Hours,
            'd' => PeriodUnit::Days,
            'w' => PeriodUnit::Weeks,
            _ => return Err(bad("expected a number and a unit m, h, d or w (e.g. 90d)")),
        };
        let digits = &trimmed[..trimmed.len() - 1];
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("expected a whole number before the unit (e.g. 90d)"));
        }
        let amount: u32 = digits.parse().map_err(|_| bad("number too large"))?;
        Self::new(amount, unit).ok_or_else(|| {
            bad(&format!(
                "must be more than zero and at most {} days",
                Self::MAX_DAYS
            ))
        })
    }
}

impl Serialize for RotationPeriod {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for RotationPeriod {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_each_unit() {
        for (text, seconds) in [
            ("90d", 90 * 86_400),
            ("12h", 43_200),
            ("2w", 1_209_600),
            ("30m", 1_800),
        ] {
            let period: RotationPeriod = text.parse().unwrap();
            assert_eq!(period.to_string(), text);
            assert_eq!(period.duration().whole_seconds(), seconds);
        }
        assert_eq!(RotationPeriod::days(90).unwrap().to_string(), "90d");
    }

    #[test]
    fn refuses_bad_periods_with_a_reason() {
        for text in [
            "",
            "90",
            "d",
            "9x",
            "-5d",
            "0d",
            "1.5d",
            "99999d",
            "99999999999d",
        ] {
            let err = text.parse::<RotationPeriod>().unwrap_err().to_string();
            assert!(err.starts_with("invalid rotation period"), "{text}: {err}");
        }
        let err = "9x".parse::<RotationPeriod>().unwrap_err().to_string();
        assert!(err.contains("\"9x\"") && err.contains("90d"), "{err}");
    }

    #[test]
    fn serde_uses_the_text_form() {
        let period: RotationPeriod = serde_json::from_str("\"2w\"").unwrap();
        assert_eq!(period, RotationPeriod::new(2, PeriodUnit::Weeks).unwrap());
        assert_eq!(serde_json::to_string(&period).unwrap(), "\"2w\"");
        assert!(serde_json::from_str::<RotationPeriod>("\"2y\"").is_err());
    }
}
