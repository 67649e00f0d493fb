//! Terraform numbers: arbitrary-precision decimals, stored compactly when they fit a machine type.

use std::cmp::Ordering;
use std::fmt;

/// A Terraform `number`.
///
/// Terraform numbers are arbitrary-precision decimals. Values that fit an `i64`, `u64` or `f64`
/// exactly are stored as such; anything else keeps its decimal text, so no precision is lost on a
/// round trip. Equality compares the numeric value (`2`, `2.0` and `"2.000"` are equal).
#[derive(Clone, Debug)]
pub struct Number(Repr);

#[derive(Clone, Debug)]
enum Repr {
    Int(i64),
    Uint(u64),
    Float(f64),
    Decimal(String),
}

/// A normalised decimal: sign, significant digits (no leading or trailing zeros) and the power of
/// ten of the last digit. Zero is `(false, "", 0)`.
#[derive(PartialEq, Eq, Debug)]
struct Canonical {
    negative: bool,
    digits: String,
    exponent: i64,
}

fn canonicalize(text: &str) -> Option<Canonical> {
    let text = text.trim();
    let (negative, rest) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, exp) = match rest.find(['e', 'E']) {
        Some(i) => (&rest[..i], rest[i + 1..].parse::<i64>().ok()?),
        None => (rest, 0),
    };
    let (int_part, frac_part) = match mantissa.find('.') {
        Some(i) => (&mantissa[..i], &mantissa[i + 1..]),
        None => (mantissa, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    if !int_part.bytes().chain(frac_part.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut digits: String = format!("{int_part}{frac_part}");
    // Checked: an exponent near i64's ends must be rejected, not wrapped into another number.
    let mut exponent = exp.checked_sub(i64::try_from(frac_part.len()).ok()?)?;
    let trimmed_start = digits.trim_start_matches('0').len();
    digits = digits[digits.len() - trimmed_start..].to_string();
    if digits.is_empty() {
        return Some(Canonical { negative: false, digits, exponent: 0 });
    }
    let significant = digits.trim_end_matches('0').len();
    exponent = exponent.checked_add(i64::try_from(digits.len() - significant).ok()?)?;
    digits.truncate(significant);
    Some(Canonical { negative, digits, exponent })
}

impl Canonical {
    fn is_integer(&self) -> bool {
        self.exponent >= 0
    }

    /// Plain decimal text (no exponent) unless the exponent is huge.
    fn to_text(&self) -> String {
        if self.digits.is_empty() {
            return "0".into();
        }
        let sign = if self.negative { "-" } else { "" };
        let len = i64::try_from(self.digits.len()).unwrap_or(i64::MAX);
        // Where the decimal point goes; saturated, as any far-out point takes the exponent form.
        let point = len.saturating_add(self.exponent);
        if self.exponent > 400 || point < -400 {
            return format!("{sign}{}e{}", self.digits, self.exponent);
        }
        // From here -400 <= point and exponent <= 400, so every count below is small.
        if let Ok(zeros) = usize::try_from(self.exponent) {
            format!("{sign}{}{}", self.digits, "0".repeat(zeros))
        } else if let Ok(split) = usize::try_from(point)
            && split > 0
        {
            format!("{sign}{}.{}", &self.digits[..split], &self.digits[split..])
        } else {
            let zeros = usize::try_from(point.unsigned_abs()).unwrap_or(0);
            format!("{sign}0.{}{}", "0".repeat(zeros), self.digits)
        }
    }
}

impl Number {
    /// Parses a decimal number (`"12"`, `"-0.5"`, `"1e400"`); `None` if the text is not a number.
    pub fn parse(text: &str) -> Option<Number> {
        let canonical = canonicalize(text)?;
        let plain = canonical.to_text();
        if canonical.is_integer() {
            if let Ok(i) = plain.parse::<i64>() {
                return Some(Number(Repr::Int(i)));
            }
            if let Ok(u) = plain.parse::<u64>() {
                return Some(Number(Repr::Uint(u)));
            }
        }
        Some(Number(Repr::Decimal(plain)))
    }

    /// The value as an `i64`, if it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        match &self.0 {
            Repr::Int(i) => Some(*i),
            Repr::Uint(u) => i64::try_from(*u).ok(),
            _ => {
                let c = self.canonical();
                if c.is_integer() { c.to_text().parse().ok() } else { None }
            }
        }
    }

    /// The value as a `u64`, if it is a non-negative integer in range.
    pub fn as_u64(&self) -> Option<u64> {
        match &self.0 {
            Repr::Int(i) => u64::try_from(*i).ok(),
            Repr::Uint(u) => Some(*u),
            _ => {
                let c = self.canonical();
                if c.is_integer() { c.to_text().parse().ok() } else { None }
            }
        }
    }

    /// The value as an `f64` (nearest; may lose precision).
    pub fn as_f64(&self) -> f64 {
        match &self.0 {
            Repr::Int(i) => *i as f64,
            Repr::Uint(u) => *u as f64,
            Repr::Float(f) => *f,
            Repr::Decimal(s) => s.parse().unwrap_or(f64::NAN),
        }
    }

    /// Whether the number is a whole number.
    pub fn is_integer(&self) -> bool {
        match &self.0 {
            Repr::Int(_) | Repr::Uint(_) => true,
            Repr::Float(f) => f.is_finite() && f.fract() == 0.0,
            Repr::Decimal(_) => self.canonical().is_integer(),
        }
    }

    fn canonical(&self) -> Canonical {
        match &self.0 {
            Repr::Int(i) => canonicalize(&i.to_string()),
            Repr::Uint(u) => canonicalize(&u.to_string()),
            Repr::Float(f) if f.is_finite() => canonicalize(&f.to_string()),
            Repr::Float(f) => {
                return Canonical { negative: *f < 0.0, digits: "inf".into(), exponent: 0 };
            }
            Repr::Decimal(s) => canonicalize(s),
        }
        .unwrap_or(Canonical { negative: false, digits: String::new(), exponent: 0 })
    }

    /// How the number is written in MessagePack, following go-cty: an integer if it fits `i64`
    /// (or `u64`), else a float if the float is exact, else the decimal text.
    pub(crate) fn wire(&self) -> WireNumber {
        match &self.0 {
            Repr::Int(i) => WireNumber::Int(*i),
            Repr::Uint(u) => WireNumber::Uint(*u),
            Repr::Float(f) => match self.as_i64() {
                Some(i) if f.fract() == 0.0 => WireNumber::Int(i),
                _ => WireNumber::Float(*f),
            },
            Repr::Decimal(s) => {
                if let Ok(f) = s.parse::<f64>()
                    && f.is_finite()
                    && canonicalize(&f.to_string()) == canonicalize(s)
                {
                    return WireNumber::Float(f);
                }
                WireNumber::Text(self.to_string())
            }
        }
    }
}

/// The MessagePack representation chosen for a number.
pub(crate) enum WireNumber {
    Int(i64),
    Uint(u64),
    Float(f64),
    Text(String),
}

impl PartialEq for Number {
    fn eq(&self, other: &Number) -> bool {
        match (&self.0, &other.0) {
            (Repr::Int(a), Repr::Int(b)) => a == b,
            (Repr::Float(a), Repr::Float(b)) => a == b,
            _ => self.canonical() == other.canonical(),
        }
    }
}

impl PartialOrd for Number {
    fn partial_cmp(&self, other: &Number) -> Option<Ordering> {
        match (self.as_i64(), other.as_i64()) {
            (Some(a), Some(b)) => Some(a.cmp(&b)),
            _ => self.as_f64().partial_cmp(&other.as_f64()),
        }
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Int(i) => write!(f, "{i}"),
            Repr::Uint(u) => write!(f, "{u}"),
            Repr::Float(x) if !x.is_finite() => write!(f, "{x}"),
            _ => f.write_str(&self.canonical().to_text()),
        }
    }
}

macro_rules! number_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Number {
            fn from(v: $t) -> Number { Number(Repr::Int(i64::from(v))) }
        }
    )*};
}
number_from_int!(i8, i16, i32, i64, u8, u16, u32);

impl From<u64> for Number {
    fn from(v: u64) -> Number {
        match i64::try_from(v) {
            Ok(i) => Number(Repr::Int(i)),
            Err(_) => Number(Repr::Uint(v)),
        }
    }
}

impl From<f64> for Number {
    fn from(v: f64) -> Number {
        Number(Repr::Float(v))
    }
}

impl From<f32> for Number {
    fn from(v: f32) -> Number {
        Number(Repr::Float(f64::from(v)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equality_is_numeric() {
        assert_eq!(Number::from(2), Number::from(2.0));
        assert_eq!(Number::parse("2.000").unwrap(), Number::from(2));
        assert_eq!(Number::parse("1e3").unwrap(), Number::from(1000));
        assert_ne!(Number::parse("0.1").unwrap(), Number::from(0.2));
        assert_eq!(Number::parse("-0").unwrap(), Number::from(0));
    }

    #[test]
    fn big_numbers_keep_precision() {
        let text = "123456789012345678901234567890.000000000000000000001";
        let n = Number::parse(text).unwrap();
        assert_eq!(n.to_string(), text);
        assert!(matches!(n.wire(), WireNumber::Text(_)));
        assert!(matches!(Number::parse("0.5").unwrap().wire(), WireNumber::Float(f) if f == 0.5));
        assert!(matches!(Number::from(3.0).wire(), WireNumber::Int(3)));
        assert_eq!(Number::parse("18446744073709551615").unwrap().as_u64(), Some(u64::MAX));
    }

    #[test]
    fn exponents_at_the_ends_of_i64_never_overflow() {
        // Each of these overflowed `exponent` arithmetic (a panic in debug builds, a wrapped and
        // so wrong exponent in release builds).
        for text in ["1.5e-9223372036854775808", "10e9223372036854775807", "100e9223372036854775806"] {
            assert!(Number::parse(text).is_none(), "{text} is out of range, not another number");
        }
        let huge = Number::parse("1e9223372036854775807").unwrap();
        assert_eq!(huge.to_string(), "1e9223372036854775807");
        assert_eq!(huge.as_i64(), None);
        assert!(huge.as_f64().is_infinite());
        let tiny = Number::parse("0.1e-9223372036854775807").unwrap();
        assert_eq!(tiny.to_string(), "1e-9223372036854775808");
        assert_eq!(Number::parse(&tiny.to_string()).unwrap(), tiny);
        assert!(!tiny.is_integer());
        // Exponents that only fit i64 after the digits are counted still parse to the right value.
        assert_eq!(Number::parse("0.000e9223372036854775807").unwrap(), Number::from(0));
        assert_eq!(Number::parse("1200e-2").unwrap(), Number::from(12));
        assert_eq!(Number::parse("-0.0125e3").unwrap().to_string(), "-12.5");
        assert_eq!(Number::parse("123e-400").unwrap().to_string(), format!("0.{}123", "0".repeat(397)));
    }

    #[test]
    fn rejects_garbage() {
        assert!(Number::parse("abc").is_none());
        assert!(Number::parse("").is_none());
        assert!(Number::parse("1.2.3").is_none());
    }
}
