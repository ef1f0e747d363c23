//! Transport settings: CA bundle, certificate verification and proxies.

use super::*;
use pretty_assertions::assert_eq;

fn transport(fixture: &Fixture, overrides: &TransportOverrides) -> TransportConfig {
    resolve_transport(overrides, &fixture.env()).unwrap()
}

#[test]
fn ca_bundle_flag_beats_env_beats_profile() {
    let fixture = Fixture::new()
        .config("[default]\nca_bundle = ~/corp/ca.pem\n[profile dev]\nca_bundle = /etc/dev.pem\n")
        .var("AWS_CA_BUNDLE", "/env/ca.pem");
    let flag = TransportOverrides {
        ca_bundle: Some(PathBuf::from("/flag/ca.pem")),
        ..TransportOverrides::default()
    };
    let bundle = transport(&fixture, &flag).ca_bundle.unwrap();
    assert_eq!(
        (bundle.value, bundle.source.as_str()),
        (PathBuf::from("/flag/ca.pem"), "--ca-bundle")
    );
    let bundle = transport(&fixture, &TransportOverrides::default())
        .ca_bundle
        .unwrap();
    assert_eq!(
        (bundle.value, bundle.source.as_str()),
        (PathBuf::from("/env/ca.pem"), "AWS_CA_BUNDLE")
    );

    let fixture = Fixture::new()
        .config("[default]\nca_bundle = ~/corp/ca.pem\n[profile dev]\nca_bundle = /etc/dev.pem\n");
    let bundle = transport(&fixture, &TransportOverrides::default())
        .ca_bundle
        .unwrap();
    assert_eq!(bundle.value, fixture.home.path().join("corp/ca.pem"));
    assert!(
        bundle.source.starts_with("profile 'default' in "),
        "{}",
        bundle.source
    );
    let dev = TransportOverrides {
        profile: Some("dev".to_owned()),
        ..TransportOverrides::default()
    };
    assert_eq!(
        transport(&fixture, &dev).ca_bundle.unwrap().value,
        PathBuf::from("/etc/dev.pem")
    );
    let fixture = fixture.var("AWS_PROFILE", "dev");
    assert_eq!(
        transport(&fixture, &TransportOverrides::default())
            .ca_bundle
            .unwrap()
            .value,
        PathBuf::from("/etc/dev.pem")
    );
    assert!(
        transport(&Fixture::new(), &TransportOverrides::default())
            .ca_bundle
            .is_none()
    );
}

#[test]
fn verification_is_on_unless_asked_off() {
    assert!(transport(&Fixture::new(), &TransportOverrides::default()).verify_tls);
    let off = TransportOverrides {
        no_verify_ssl: true,
        ..TransportOverrides::default()
    };
    assert!(!transport(&Fixture::new(), &off).verify_tls);
}

#[test]
fn proxies_per_scheme_lower_case_first_all_proxy_last() {
    let fixture = Fixture::new()
        .var("HTTPS_PROXY", "http://upper:3128")
        .var("https_proxy", "http://lower:3128")
        .var("ALL_PROXY", "http://all:3128")
        .var("NO_PROXY", " localhost,,.corp.example , 10.0.0.0/8");
    let config = transport(&fixture, &TransportOverrides::default());
    let https = config.https_proxy.unwrap();
    assert_eq!(
        (https.value.as_str(), https.source.as_str()),
        ("http://lower:3128", "https_proxy")
    );
    let http = config.http_proxy.unwrap();
    assert_eq!(
        (http.value.as_str(), http.source.as_str()),
        ("http://all:3128", "ALL_PROXY")
    );
    assert_eq!(
        config.no_proxy.unwrap().value,
        ["localhost", ".corp.example", "10.0.0.0/8"]
    );
    let none = transport(
        &Fixture::new().var("HTTP_PROXY", ""),
        &TransportOverrides::default(),
    );
    assert!(none.http_proxy.is_none() && none.https_proxy.is_none() && none.no_proxy.is_none());
}

#[test]
fn proxy_passwords_never_show() {
    let fixture = Fixture::new().var("HTTPS_PROXY", "http://user:s3cr3t@proxy.corp:8080/");
    let config = transport(&fixture, &TransportOverrides::default());
    let proxy = config.https_proxy.clone().unwrap().value;
    assert_eq!(proxy.redacted(), "http://user:***@proxy.corp:8080/");
    assert_eq!(proxy.as_str(), "http://user:s3cr3t@proxy.corp:8080/");
    assert!(!format!("{config:?}").contains("s3cr3t"));
}
