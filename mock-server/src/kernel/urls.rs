//! URL and identifier checks every provider's validation uses.

use super::error::{ApiError, invalid};

/// Whether `url` is an absolute http(s) URL, and whether it is HTTPS.
pub fn parse_url(url: &str) -> Option<bool> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    if host.is_empty() || host.contains(char::is_whitespace) || url.contains(char::is_whitespace) {
        return None;
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Some(true),
        "http" => Some(false),
        _ => None,
    }
}

/// Whether a URL's host is a loopback address: receivers under test listen
/// there over plain HTTP, so the mock accepts `http://` for them.
pub fn is_loopback(url: &str) -> bool {
    let Some((_, rest)) = url.split_once("://") else {
        return false;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or_default()
    };
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Whether a parsed URL's host is a loopback IP (127.0.0.0/8, ::1) or
/// `localhost`, read the way the HTTP client that would send to it reads it.
pub fn is_loopback_url(url: &reqwest::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// Checks a webhook URL: absolute, http(s), and HTTPS unless `allow_http`
/// (the provider's own rule, such as sandbox keys).
///
/// Plain HTTP is always accepted on loopback hosts, for every provider and key
/// mode: receivers under test listen there (a documented mock affordance).
pub fn check_url<P>(param: &str, url: &str, allow_http: bool) -> Result<(), ApiError<P>> {
    let allow_http = allow_http || is_loopback(url);
    match parse_url(url) {
        None => Err(invalid(
            param,
            format!("'{param}' must be an absolute http(s) URL."),
        )),
        Some(false) if !allow_http => Err(invalid(param, format!("'{param}' must use HTTPS."))),
        Some(_) => Ok(()),
    }
}

/// Whether `s` is a UUID in its usual text form.
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}
