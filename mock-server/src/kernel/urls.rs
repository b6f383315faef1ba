//! URL and identifier checks every provider's validation uses.

use super::error::{ApiError, invalid};

/// `url` as the HTTP client will read it (WHATWG parsing), if it is an
/// absolute http(s) URL with a host and no whitespace.
pub fn parse_url(url: &str) -> Option<reqwest::Url> {
    if url.contains(char::is_whitespace) {
        return None;
    }
    let parsed = reqwest::Url::parse(url).ok()?;
    (matches!(parsed.scheme(), "http" | "https") && parsed.host().is_some()).then_some(parsed)
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
    match parse_url(url) {
        None => Err(invalid(
            param,
            format!("'{param}' must be an absolute http(s) URL."),
        )),
        Some(url) if url.scheme() == "http" && !allow_http && !is_loopback_url(&url) => {
            Err(invalid(param, format!("'{param}' must use HTTPS.")))
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_hosts_count_as_loopback_however_the_url_is_written() {
        let loopback = [
            "http://127.0.0.1:8080/h",
            "http://127.1/h",
            "http://127.255.255.254/h",
            "http://[::1]:9/h",
            "http://LOCALHOST/h",
            "http://localhost:1/h",
            "http://user@127.0.0.1/h",
            "http://%31%32%37.0.0.1/h",
            "http://0x7f000001/h",
        ];
        let remote = [
            "http://example.com\\@127.0.0.1:80/h",
            "http://example.com\\@127.0.0.1/h",
            "http://127.0.0.1@example.com/h",
            "http://127.0.0.1:80@example.com/h",
            "http://0.0.0.0/h",
            "http://[::]/h",
            "http://[::ffff:8.8.8.8]/h",
            "http://localhost.example.com/h",
            "http://example.com/127.0.0.1",
            "http://10.0.0.1/h",
            "http://192.0.2.1/h",
            "http://localhost./h",
        ];
        for url in loopback {
            let parsed = parse_url(url).unwrap_or_else(|| panic!("{url} parses"));
            assert!(is_loopback_url(&parsed), "{url} is loopback");
        }
        for url in remote {
            assert!(
                !parse_url(url).is_some_and(|u| is_loopback_url(&u)),
                "{url} is not loopback"
            );
        }
        for bad in [
            "ftp://127.0.0.1/h",
            "http://exa mple.com/",
            "/relative",
            "http://",
        ] {
            assert!(parse_url(bad).is_none(), "{bad} is refused");
        }
    }
}
