//! DNS rules shared by the domain and record resources and data sources: the semantic equalities
//! that say when a declared value is what the API stores in another form (rounded timings, names
//! as FQDN or relative, targets with or without the trailing dot, SRV parts with or without
//! Linode's underscore, 0 or empty for unset), the plan-time checks of names and addresses, and
//! the upgrade of state written by linode/linode.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use regex::Regex;
use tfplugin::equality::{self, Equality};
use tfplugin::{Number, Value};

/// The values Linode stores for SOA timings and TTLs. Other values are rounded up to the next
/// one, and anything above the largest becomes the largest.
pub const TTL_STEPS: &[i64] = &[
    30, 120, 300, 3600, 7200, 14400, 28800, 57600, 86400, 172800, 345600, 604800, 1209600, 2419200,
];

/// The largest value Linode stores for a timing.
const LARGEST_STEP: i64 = 2_419_200;

/// The value the API stores for a requested SOA timing: 0 (the default) stays 0, anything else
/// goes up to the next step, and anything above the largest step becomes the largest.
pub fn stored_timing(v: i64) -> i64 {
    if v <= 0 {
        v
    } else {
        equality::round_up(TTL_STEPS, v).min(LARGEST_STEP)
    }
}

/// The record TTL some API versions store: the nearest step of 300 and above (0 stays 0).
fn nearest_record_ttl(v: i64) -> i64 {
    if v <= 0 {
        return v;
    }
    TTL_STEPS
        .iter()
        .copied()
        .filter(|s| *s >= 300)
        .min_by_key(|s| (s - v).abs())
        .unwrap_or(300)
}

/// A number attribute's value, null meaning 0 (what the API answers for an unset number).
fn number_or_zero(v: &Value) -> Option<i64> {
    match v {
        Value::Null => Some(0),
        other => other.as_number().and_then(Number::as_i64),
    }
}

/// SOA timings and the domain's TTL: equal when the API stores them alike (see
/// [`stored_timing`]); unset is 0.
pub fn timing_equality() -> impl Equality + Clone {
    |a: &Value, b: &Value| match (number_or_zero(a), number_or_zero(b)) {
        (Some(x), Some(y)) => stored_timing(x) == stored_timing(y),
        _ => false,
    }
}

/// A record's TTL: equal when stored alike, whether the API rounds up (as documented) or to the
/// nearest step (as record TTLs are in some API versions); unset is 0.
pub fn record_ttl_equality() -> impl Equality + Clone {
    |a: &Value, b: &Value| match (number_or_zero(a), number_or_zero(b)) {
        (Some(x), Some(y)) => {
            stored_timing(x) == stored_timing(y) || nearest_record_ttl(x) == nearest_record_ttl(y)
        }
        _ => false,
    }
}

/// Numbers the API reports as 0 when unset (a record's priority, weight, port).
pub fn zero_is_unset() -> impl Equality + Clone {
    |a: &Value, b: &Value| matches!((number_or_zero(a), number_or_zero(b)), (Some(x), Some(y)) if x == y)
}

/// A record name reduced for comparison: lower case, no trailing dot, `@` for the apex is empty.
fn name_key(name: &str) -> String {
    let n = name.trim().trim_end_matches('.').to_ascii_lowercase();
    if n == "@" { String::new() } else { n }
}

/// Whether `fqdn` is `relative` in some zone: `relative.<zone>`, or the zone itself for the
/// empty name, the zone having at least two labels (`example.com`).
fn qualifies(fqdn: &str, relative: &str) -> bool {
    let zone = if relative.is_empty() {
        fqdn
    } else {
        match fqdn
            .strip_prefix(relative)
            .and_then(|rest| rest.strip_prefix('.'))
        {
            Some(zone) => zone,
            None => return false,
        }
    };
    zone.split('.').filter(|l| !l.is_empty()).count() >= 2
}

/// Whether `name` is a name Linode generated for an SRV record: `_service._protocol`, possibly
/// followed by more labels.
fn generated_srv_name(name: &str) -> bool {
    let mut labels = name.split('.');
    matches!((labels.next(), labels.next()), (Some(s), Some(p)) if s.len() > 1 && p.len() > 1 && s.starts_with('_') && p.starts_with('_'))
}

/// Record names: equal ignoring case and a trailing dot, whether given relative to the zone
/// (`www`) or fully qualified (`www.example.com`; the API answers the relative form, and the
/// empty name for the apex). Linode ignores the name of SRV records and generates
/// `_service._protocol`: any declared name equals a generated one.
pub fn record_name_equality() -> impl Equality + Clone {
    |a: &Value, b: &Value| match (a.as_str(), b.as_str()) {
        (Some(a), Some(b)) => {
            let (x, y) = (name_key(a), name_key(b));
            x == y
                || qualifies(&x, &y)
                || qualifies(&y, &x)
                || generated_srv_name(&x)
                || generated_srv_name(&y)
        }
        _ => false,
    }
}

/// Whether `short` (no dot, as the official provider's target diff suppression has it) is
/// contained in `long`, ignoring case when `long` is a hostname.
fn contained(short: &str, long: &str) -> bool {
    if short.is_empty() || short.contains('.') {
        return false;
    }
    if valid_hostname(long) {
        long.to_ascii_lowercase()
            .contains(&short.to_ascii_lowercase())
    } else {
        long.contains(short)
    }
}

/// Record targets: equal up to a trailing dot; hostnames ignoring case; IPv6 addresses in any
/// notation; and, as the official provider does, a value without dots contained in the other
/// (`mail` for the stored `mail.example.com`). Other text (TXT) is compared with its case.
pub fn target_equality() -> impl Equality + Clone {
    |a: &Value, b: &Value| match (a.as_str(), b.as_str()) {
        (Some(a), Some(b)) => {
            let (x, y) = (
                a.strip_suffix('.').unwrap_or(a),
                b.strip_suffix('.').unwrap_or(b),
            );
            x == y
                || valid_hostname(x) && valid_hostname(y) && x.eq_ignore_ascii_case(y)
                || matches!((x.parse::<Ipv6Addr>(), y.parse::<Ipv6Addr>()), (Ok(p), Ok(q)) if p == q)
                || contained(a, b)
                || contained(b, a)
        }
        _ => false,
    }
}

/// `sip` → `_sip`: Linode prepends an underscore to SRV services and protocols in the name.
pub fn underscored(s: &str) -> String {
    if s.starts_with('_') {
        s.to_string()
    } else {
        format!("_{s}")
    }
}

/// An SRV service or protocol: equal with or without the leading underscore, ignoring case;
/// unset is empty.
pub fn srv_part_equality() -> impl Equality + Clone {
    equality::either(equality::null_is_empty(), |a: &Value, b: &Value| {
        match (a.as_str(), b.as_str()) {
            (Some(a), Some(b)) => underscored(a).eq_ignore_ascii_case(&underscored(b)),
            _ => false,
        }
    })
}

static DOMAIN_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(\*\.)?([a-zA-Z0-9\-_]{1,63}\.)+([a-zA-Z]{2,3}\.)?([a-zA-Z]{2,16}|xn--[a-zA-Z0-9]+)$",
    )
    .expect("static regex")
});

/// Whether `name` is a domain name the API accepts (the pattern of the API specification).
pub fn valid_domain(name: &str) -> bool {
    name.len() <= 253 && DOMAIN_RE.is_match(name)
}

/// Whether `name` is a hostname (labels of letters, digits, `-` and `_`; a trailing dot is
/// allowed).
pub fn valid_hostname(name: &str) -> bool {
    let n = name.strip_suffix('.').unwrap_or(name);
    !n.is_empty()
        && n.len() <= 253
        && n.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
}

/// Whether `target` is a valid IPv4 address (`[remote_addr]` asks the API for the caller's).
pub fn valid_ipv4(target: &str) -> bool {
    target == "[remote_addr]" || target.parse::<Ipv4Addr>().is_ok()
}

/// Whether `target` is a valid IPv6 address.
pub fn valid_ipv6(target: &str) -> bool {
    target.parse::<Ipv6Addr>().is_ok()
}

/// A record name relative to `zone`, lower case (for looking records up by name): no trailing
/// dot, `@` and the zone itself become the empty name, a `.<zone>` suffix is removed.
pub fn relative_name(name: &str, zone: &str) -> String {
    let n = name_key(name);
    let zone = name_key(zone);
    if n == zone {
        return String::new();
    }
    n.strip_suffix(&format!(".{zone}"))
        .map_or(n.clone(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(v: i64) -> Value {
        Value::from(v)
    }

    fn s(v: &str) -> Value {
        Value::from(v)
    }

    #[test]
    fn timings_equal_what_the_api_stores() {
        let eq = timing_equality();
        assert!(eq(&n(3000), &n(3600)));
        assert!(!eq(&n(3000), &n(7200)));
        assert!(eq(&n(299), &n(300)) && eq(&n(600), &n(3600)) && eq(&n(3601), &n(7200)));
        assert!(eq(&n(2_419_201), &n(2_419_200)), "above the largest step");
        assert!(eq(&n(99_999_999), &n(2_419_200)));
        assert!(
            eq(&Value::Null, &n(0)) && eq(&n(0), &Value::Null),
            "unset is the default, 0"
        );
        assert!(!eq(&Value::Null, &n(300)));
        assert_eq!(stored_timing(1), 30);
        assert_eq!(stored_timing(0), 0);
    }

    #[test]
    fn record_ttls_round_up_or_to_the_nearest() {
        let eq = record_ttl_equality();
        assert!(eq(&n(400), &n(300)), "nearest");
        assert!(eq(&n(400), &n(3600)), "upward");
        assert!(eq(&n(2_419_201), &n(2_419_200)));
        assert!(eq(&Value::Null, &n(0)));
        assert!(!eq(&n(300), &n(86400)));
        let zero = zero_is_unset();
        assert!(zero(&Value::Null, &n(0)) && !zero(&Value::Null, &n(5)) && zero(&n(5), &n(5)));
    }

    #[test]
    fn names_compare_relative_or_fully_qualified() {
        let eq = record_name_equality();
        assert!(eq(&s("www.example.com"), &s("www")));
        assert!(eq(&s("www.example.com."), &s("www")));
        assert!(eq(&s("WWW"), &s("www")));
        assert!(eq(&s("example.com"), &s("")), "the apex in FQDN form");
        assert!(eq(&s("@"), &s("")));
        assert!(eq(&s("_sip._udp.example.com"), &s("_sip._udp")));
        assert!(
            eq(&s("anything"), &s("_sip._tcp")),
            "Linode generates SRV names"
        );
        assert!(!eq(&s("www"), &s("mail")));
        assert!(
            !eq(&s("www.example"), &s("www")),
            "a one-label suffix is no zone"
        );
        assert!(!eq(&s("api.example.com"), &s("www")));
    }

    #[test]
    fn targets_compare_like_dns() {
        let eq = target_equality();
        assert!(eq(&s("mail.example.com."), &s("mail.example.com")));
        assert!(eq(&s("Web.Example.net."), &s("web.example.net")));
        assert!(!eq(&s("Some Text"), &s("some text")), "text keeps its case");
        assert!(eq(&s("mail"), &s("mail.example.com")));
        assert!(eq(&s("2001:db8:0:0::1"), &s("2001:db8::1")));
        assert!(!eq(&s("10.0.0.1"), &s("10.0.0.2")));
        assert!(!eq(&s("192.0.2.2"), &s("198.51.100.7")));
    }

    #[test]
    fn srv_parts_with_or_without_the_underscore() {
        let eq = srv_part_equality();
        assert!(eq(&s("sip"), &s("_sip")) && eq(&s("_TCP"), &s("tcp")));
        assert!(eq(&Value::Null, &s("")));
        assert!(!eq(&s("sip"), &s("xmpp")));
    }

    #[test]
    fn name_and_address_checks() {
        assert!(valid_domain("example.com"));
        assert!(valid_domain("sub.example.co.uk"));
        assert!(!valid_domain("not a domain"));
        assert!(!valid_domain("localhost"));
        assert!(valid_hostname("mail.example.com."));
        assert!(!valid_hostname("bad..name"));
        assert!(valid_ipv4("192.0.2.1") && !valid_ipv4("2001:db8::1"));
        assert!(valid_ipv6("2001:db8::1") && !valid_ipv6("192.0.2.1"));
        assert_eq!(
            relative_name("Hello.Data.Example.com.", "data.example.com"),
            "hello"
        );
        assert_eq!(relative_name("data.example.com", "data.example.com"), "");
        assert_eq!(relative_name("hello", "data.example.com"), "hello");
    }
}
