//! Operation timeouts: the conventional `timeouts` block and Go-style duration strings.
//!
//! Declare the block with [`Schema::timeouts`](crate::schema::Schema::timeouts) and read a value
//! with [`get`]: `let limit = timeouts::get(&req.plan, "create", Duration::from_secs(35 * 60));`

use std::time::Duration;

use crate::value::Value;

/// The block name.
pub const BLOCK: &str = "timeouts";

/// The timeout for `operation` from the `timeouts` block of `value` (a plan, state or config
/// object), or `default` if it is not set or not valid.
pub fn get(value: &Value, operation: &str, default: Duration) -> Duration {
    value
        .get(BLOCK)
        .and_then(|t| t.get(operation))
        .and_then(Value::as_str)
        .and_then(|s| parse_duration(s).ok())
        .unwrap_or(default)
}

/// Parses a Go-style duration: a sequence of decimal numbers with units `ns`, `us`, `ms`, `s`,
/// `m`, `h` (e.g. `"35m"`, `"1h30m"`, `"1.5s"`).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("invalid duration {text:?}: expected e.g. \"30s\", \"10m\" or \"1h30m\"");
    let mut rest = text.trim();
    if rest == "0" {
        return Ok(Duration::ZERO);
    }
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total = 0f64;
    while !rest.is_empty() {
        let num_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).ok_or_else(bad)?;
        if num_len == 0 {
            return Err(bad());
        }
        let n: f64 = rest[..num_len].parse().map_err(|_| bad())?;
        rest = &rest[num_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return Err(bad()),
        };
        total += n * scale;
        rest = &rest[unit_len..];
    }
    Ok(Duration::from_secs_f64(total))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_go_durations() {
        assert_eq!(parse_duration("35m"), Ok(Duration::from_secs(35 * 60)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert!(parse_duration("10").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("5 minutes").is_err());
    }

    #[test]
    fn reads_the_block() {
        let v = Value::object([("timeouts", Value::object([("create", Value::from("2m"))]))]);
        assert_eq!(get(&v, "create", Duration::from_secs(1)), Duration::from_secs(120));
        assert_eq!(get(&v, "delete", Duration::from_secs(1)), Duration::from_secs(1));
        assert_eq!(get(&Value::Null, "create", Duration::from_secs(9)), Duration::from_secs(9));
    }
}
