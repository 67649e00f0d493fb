//! DNS rules shared by the domain and record resources: the API's TTL rounding, name and target
//! equivalence (what makes a declared value "the same" as the one the API stores), and the
//! plan-time checks of names and addresses.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use regex::Regex;
use tfplugin::Val;

/// The values Linode accepts for SOA timings and TTLs; other values are rounded up to the next.
pub const TTL_STEPS: &[i64] = &[
    30, 120, 300, 3600, 7200, 14400, 28800, 57600, 86400, 172800, 345600, 604800, 1209600, 2419200,
];

/// The value the API stores for a requested TTL or SOA timing: the next valid value (0 stays 0,
/// meaning "the default").
pub fn round_up_ttl(v: i64) -> i64 {
    if v <= 0 {
        return 0;
    }
    TTL_STEPS.iter().copied().find(|s| *s >= v).unwrap_or(2_419_200)
}

/// The nearest valid record TTL (some API versions round record TTLs to the nearest value).
fn round_nearest_ttl(v: i64) -> i64 {
    if v <= 0 {
        return 0;
    }
    TTL_STEPS.iter().copied().filter(|s| *s >= 300).min_by_key(|s| (s - v).abs()).unwrap_or(300)
}

/// Whether a declared domain timing is stored by the API as `api`.
pub fn soa_equivalent(declared: i64, api: i64) -> bool {
    declared == api || round_up_ttl(declared) == api
}

/// Whether a declared record TTL is stored by the API as `api`.
pub fn record_ttl_equivalent(declared: i64, api: i64) -> bool {
    soa_equivalent(declared, api) || round_nearest_ttl(declared) == api
}

/// The state value of an optional number the API rounds: the prior (declared) value when it is
/// equivalent to what the API returned, null when it was unset and the API reports the default
/// 0, the API's value otherwise (a real change).
pub fn keep_number(prior: &Val<i64>, api: i64, equivalent: impl Fn(i64, i64) -> bool) -> Val<i64> {
    match prior {
        Val::Known(p) if equivalent(*p, api) => Val::Known(*p),
        Val::Null | Val::Unknown if api == 0 => Val::Null,
        _ => Val::Known(api),
    }
}

/// [`keep_number`] for numbers stored exactly.
pub fn keep_exact(prior: &Val<i64>, api: i64) -> Val<i64> {
    keep_number(prior, api, |a, b| a == b)
}

/// The state value of an optional string: null when unset and the API returns an empty value,
/// the prior value when `same` says it is equivalent, the API's value otherwise.
pub fn keep_string(prior: &Val<String>, api: Option<&str>, same: impl Fn(&str, &str) -> bool) -> Val<String> {
    let api = api.unwrap_or("");
    match prior {
        Val::Known(p) if same(p, api) => Val::Known(p.clone()),
        Val::Null | Val::Unknown if api.is_empty() => Val::Null,
        _ => Val::Known(api.to_string()),
    }
}

/// The state value of an optional string set: the prior value when it holds the same elements
/// (`same` compares elements), null when unset and the API returns none, the API's otherwise.
pub fn keep_set(prior: &Val<Vec<String>>, api: &[String], same: impl Fn(&str, &str) -> bool) -> Val<Vec<String>> {
    match prior {
        Val::Known(p) if same_elements(p, api, &same) => Val::Known(p.clone()),
        Val::Null | Val::Unknown if api.is_empty() => Val::Null,
        _ => Val::Known(api.to_vec()),
    }
}

/// Whether two string collections hold the same elements under `same` (order ignored).
pub fn same_elements(a: &[String], b: &[String], same: &impl Fn(&str, &str) -> bool) -> bool {
    a.iter().all(|x| b.iter().any(|y| same(x, y))) && b.iter().all(|y| a.iter().any(|x| same(x, y)))
}

/// Tags compare case-insensitively (Linode lower-cases some).
pub fn same_tag(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b)
}

static DOMAIN_RE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\*\.)?([a-zA-Z0-9\-_]{1,63}\.)+([a-zA-Z]{2,3}\.)?([a-zA-Z]{2,16}|xn--[a-zA-Z0-9]+)$")
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
                && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
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

/// A record name reduced to its zone-relative, lower-case form: no trailing dot, `@` and the
/// zone itself become the empty name, and a `.<zone>` suffix is removed when the zone is known.
pub fn relative_name(name: &str, zone: Option<&str>) -> String {
    let n = name.trim().trim_end_matches('.').to_ascii_lowercase();
    if n == "@" {
        return String::new();
    }
    if let Some(zone) = zone {
        let zone = zone.trim_end_matches('.').to_ascii_lowercase();
        if n == zone {
            return String::new();
        }
        if let Some(prefix) = n.strip_suffix(&format!(".{zone}")) {
            return prefix.to_string();
        }
    }
    n
}

/// Whether a declared record name is equivalent to the name the API reports: the same
/// zone-relative name, or (SRV) the name the API generated from the service and protocol.
pub fn name_equivalent(
    declared: &str,
    api: &str,
    zone: Option<&str>,
    record_type: &str,
    service: Option<&str>,
    protocol: Option<&str>,
) -> bool {
    if relative_name(declared, zone) == relative_name(api, zone) {
        return true;
    }
    if record_type == "SRV"
        && let (Some(service), Some(protocol)) = (service, protocol)
    {
        let generated = format!("{}.{}", underscored(service), underscored(protocol)).to_ascii_lowercase();
        let api = relative_name(api, zone);
        return api == generated || api.starts_with(&format!("{generated}."));
    }
    false
}

/// `sip` → `_sip` (the API prefixes SRV services and protocols with an underscore).
pub fn underscored(s: &str) -> String {
    if s.starts_with('_') { s.to_string() } else { format!("_{s}") }
}

/// Whether a declared SRV service or protocol equals the API's (which carries a leading `_`).
pub fn same_srv_part(declared: &str, api: &str) -> bool {
    underscored(declared).eq_ignore_ascii_case(&underscored(api))
}

/// Whether a declared target is equivalent to the stored one: equal up to a trailing dot (and
/// case, for hostname targets), or (as the official provider does) a declared value without dots
/// contained in the stored one.
pub fn target_equivalent(declared: &str, api: &str, record_type: &str) -> bool {
    let d = declared.strip_suffix('.').unwrap_or(declared);
    let a = api.strip_suffix('.').unwrap_or(api);
    let hostname_target = matches!(record_type, "CNAME" | "MX" | "NS" | "PTR" | "SRV");
    if d == a || hostname_target && d.eq_ignore_ascii_case(a) {
        return true;
    }
    if matches!(record_type, "AAAA")
        && let (Ok(x), Ok(y)) = (d.parse::<Ipv6Addr>(), a.parse::<Ipv6Addr>())
    {
        return x == y;
    }
    if declared.is_empty() || declared.contains('.') {
        return false;
    }
    if hostname_target { a.to_ascii_lowercase().contains(&declared.to_ascii_lowercase()) } else { a.contains(declared) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttls_round_up_to_valid_values() {
        assert_eq!(round_up_ttl(0), 0);
        assert_eq!(round_up_ttl(1), 30);
        assert_eq!(round_up_ttl(300), 300);
        assert_eq!(round_up_ttl(301), 3600);
        assert_eq!(round_up_ttl(9_999_999), 2_419_200);
        assert!(soa_equivalent(3000, 3600));
        assert!(!soa_equivalent(3000, 7200));
        assert!(record_ttl_equivalent(400, 300), "nearest rounding");
        assert!(record_ttl_equivalent(400, 3600), "upward rounding");
    }

    #[test]
    fn numbers_keep_the_declared_form() {
        assert_eq!(keep_number(&Val::Known(3000), 3600, soa_equivalent), Val::Known(3000));
        assert_eq!(keep_number(&Val::Known(3000), 7200, soa_equivalent), Val::Known(7200));
        assert_eq!(keep_number(&Val::Null, 0, soa_equivalent), Val::Null);
        assert_eq!(keep_number(&Val::Null, 300, soa_equivalent), Val::Known(300));
    }

    #[test]
    fn names_compare_relative_to_the_zone() {
        assert!(name_equivalent("www.example.com", "www", Some("example.com"), "A", None, None));
        assert!(name_equivalent("www.example.com.", "www", Some("example.com"), "A", None, None));
        assert!(name_equivalent("WWW", "www", None, "A", None, None));
        assert!(name_equivalent("example.com", "", Some("example.com"), "A", None, None));
        assert!(name_equivalent("@", "", None, "A", None, None));
        assert!(!name_equivalent("www.other.com", "www", Some("example.com"), "A", None, None));
        assert!(!name_equivalent("www.example.com", "www", None, "A", None, None));
        assert!(name_equivalent("anything", "_sip._tcp", None, "SRV", Some("sip"), Some("tcp")));
        assert!(name_equivalent("x", "_sip._tcp.example.com", Some("example.com"), "SRV", Some("_sip"), Some("_tcp")));
        assert!(!name_equivalent("x", "_sip._udp", None, "SRV", Some("sip"), Some("tcp")));
    }

    #[test]
    fn targets_compare_like_dns() {
        assert!(target_equivalent("mail.example.com.", "mail.example.com", "MX"));
        assert!(target_equivalent("Mail.Example.com", "mail.example.com", "CNAME"));
        assert!(!target_equivalent("Some Text", "some text", "TXT"));
        assert!(target_equivalent("mail", "mail.example.com", "MX"));
        assert!(target_equivalent("2001:db8:0:0::1", "2001:db8::1", "AAAA"));
        assert!(!target_equivalent("10.0.0.1", "10.0.0.2", "A"));
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
    }
}
