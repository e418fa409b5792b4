//! The client's network address, for per-address rate limits: the socket's peer, or, when
//! the configuration says a trusted proxy stands in front, the address that proxy saw.
//! An IPv6 address counts by its /64 network: one household or server is handed a whole
//! /64, and could otherwise take a new address, and a fresh rate limit, for each request.

use std::{
    convert::Infallible,
    net::{IpAddr, Ipv6Addr, SocketAddr},
};

use axum::{
    extract::{ConnectInfo, FromRequestParts},
    http::{HeaderMap, request::Parts},
};

use crate::app::AppState;

/// Who is calling, as far as the network can tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        if state.config.trust_forwarded_for
            && let Some(forwarded) = forwarded_for(&parts.headers)
        {
            return Ok(ClientAddress(
                forwarded
                    .parse::<IpAddr>()
                    .map_or_else(|_| forwarded.to_owned(), network),
            ));
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or_else(
                || "unknown".to_owned(),
                |ConnectInfo(addr)| network(addr.ip()),
            );
        Ok(ClientAddress(peer))
    }
}

/// What a rate limit counts `ip` as: an IPv4 address itself (also written as IPv6), an IPv6
/// address by its /64, but this machine's as itself (`::1`).
fn network(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None if v6.is_loopback() => v6.to_string(),
            None => {
                let prefix = u128::from(v6) & !u128::from(u64::MAX);
                format!("{}/64", Ipv6Addr::from(prefix))
            }
        },
    }
}

/// The last `X-Forwarded-For` entry, over all the header's lines: the one the proxy in front
/// added for the address it saw. Those before it are whatever the client sent, so a client
/// that wrote its own could otherwise pick a new address, and a new rate limit, each time.
fn forwarded_for(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|line| line.to_str().ok())
        .flat_map(|line| line.split(','))
        .map(str::trim)
        .rfind(|entry| !entry.is_empty())
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn an_ipv6_client_counts_by_its_network_and_an_ipv4_one_by_its_address() {
        let key = |text: &str| network(text.parse().unwrap());
        assert_eq!(key("203.0.113.9"), "203.0.113.9");
        assert_eq!(key("::ffff:203.0.113.9"), "203.0.113.9");
        assert_eq!(key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(key("::1"), "::1", "this machine is itself");
        assert_eq!(
            key("2001:db8:1:2:ffff:ffff:ffff:ffff"),
            key("2001:db8:1:2::7"),
            "one /64, one limit"
        );
        assert_ne!(key("2001:db8:1:3::7"), key("2001:db8:1:2::7"));
    }

    #[test]
    fn the_address_the_proxy_added_counts_not_what_the_client_wrote() {
        let mut headers = HeaderMap::new();
        assert_eq!(forwarded_for(&headers), None);
        // The proxy appends the address it saw to what the client sent (nginx, load
        // balancers)...
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("10.0.0.7, 203.0.113.9"),
        );
        assert_eq!(forwarded_for(&headers), Some("203.0.113.9"));
        // ...or adds a line of its own after the client's (HAProxy).
        headers.insert("x-forwarded-for", HeaderValue::from_static("10.0.0.8"));
        headers.append("x-forwarded-for", HeaderValue::from_static("198.51.100.4"));
        assert_eq!(forwarded_for(&headers), Some("198.51.100.4"));
        headers.append("x-forwarded-for", HeaderValue::from_static(" , "));
        assert_eq!(
            forwarded_for(&headers),
            Some("198.51.100.4"),
            "blanks skipped"
        );
    }
}
