//! The plan for every provider's capabilities, as its client declares them.

use super::*;
use crate::AnyClient;
use crate::endpoints::{Capabilities, Endpoints};

fn caps(provider: Provider) -> Capabilities {
    AnyClient::with_api_key(provider, "http://127.0.0.1:9", "key")
        .expect("a client builds")
        .capabilities()
}

fn wanted(provider: Provider, url: &str, events: &[&str]) -> DesiredEndpoint {
    DesiredEndpoint {
        provider,
        url: url.to_string(),
        events: events.iter().map(|e| e.to_string()).collect(),
        description: None,
        enabled: true,
    }
}

fn endpoint(id: &str, url: &str, events: &[&str]) -> Endpoint {
    Endpoint {
        id: id.to_string(),
        url: url.to_string(),
        events: events.iter().map(|e| e.to_string()).collect(),
        enabled: true,
        description: None,
        secret: None,
    }
}

/// What a provider shows: its list, or (meum.io) the state file.
fn seen(provider: Provider, endpoints: Vec<Endpoint>) -> Observed {
    Observed {
        listed: caps(provider).list,
        ..Observed::listed(provider, endpoints)
    }
}

fn recorded(provider: Provider, url: &str, id: &str) -> Records {
    let mut records = Records::default();
    let record = Record {
        endpoint_id: Some(id.to_string()),
        secret: Some("whsec_known".into()),
        unanswered_create: None,
    };
    records.insert(key(provider, url), record);
    records
}

fn one(
    provider: Provider,
    d: DesiredEndpoint,
    there: Vec<Endpoint>,
    records: &Records,
    options: Options,
) -> Item {
    let desired = Desired { endpoints: vec![d] };
    let plan = plan(&desired, &[seen(provider, there)], caps, records, options);
    plan.items.into_iter().next().expect("one step")
}

const URL: &str = "https://example.com/hooks";

#[test]
fn nothing_there_is_a_create_with_a_new_secret_at_every_provider() {
    for provider in Provider::ALL {
        let item = one(
            provider,
            wanted(provider, URL, &["a"]),
            vec![],
            &Records::default(),
            Options::default(),
        );
        assert_eq!(item.action, Action::Create, "{provider}");
        assert_eq!(item.secret, SecretState::New, "{provider}");
        assert_eq!(item.refused, None, "{provider}");
    }
}

#[test]
fn changed_events_are_an_update_where_the_provider_can_update_and_a_refused_replace_elsewhere() {
    for provider in Provider::ALL {
        let records = recorded(provider, URL, "ep_1");
        let there = vec![endpoint("ep_1", URL, &["a"])];
        let item = one(
            provider,
            wanted(provider, URL, &["a", "b"]),
            there.clone(),
            &records,
            Options::default(),
        );
        if caps(provider).update {
            assert_eq!(item.action, Action::Update, "{provider}");
            assert_eq!(item.secret, SecretState::Known, "{provider}");
            assert_eq!(item.refused, None, "{provider}");
        } else {
            assert_eq!(item.action, Action::Replace, "{provider}");
            assert_eq!(item.secret, SecretState::Rotated, "{provider}");
            let why = item.refused.expect("refused without --allow-replace");
            assert!(
                why.contains("--allow-replace") && why.contains("rotates"),
                "{why}"
            );
            let allowed = Options {
                allow_replace: true,
                ..Options::default()
            };
            let item = one(
                provider,
                wanted(provider, URL, &["b", "a"]),
                there,
                &records,
                allowed,
            );
            assert_eq!(
                (item.action, item.refused),
                (Action::Replace, None),
                "{provider}"
            );
        }
    }
    let replacing = Provider::ALL.into_iter().filter(|p| !caps(*p).update);
    assert!(replacing.count() >= 2, "billing.io and another replace");
}

#[test]
fn the_same_endpoint_is_nothing_when_recorded_and_adopted_with_its_secret_unknown_when_not() {
    for provider in Provider::ALL {
        let there = vec![endpoint(
            "ep_1",
            "HTTPS://Example.COM:443/hooks",
            &["b", "a"],
        )];
        let records = recorded(provider, URL, "ep_1");
        let item = one(
            provider,
            wanted(provider, URL, &["a", "b"]),
            there.clone(),
            &records,
            Options::default(),
        );
        assert_eq!(
            (item.action, item.secret, item.adopt),
            (Action::Nothing, SecretState::Known, false)
        );
        let item = one(
            provider,
            wanted(provider, URL, &["a", "b"]),
            there,
            &Records::default(),
            Options::default(),
        );
        assert_eq!(
            (item.action, item.secret, item.adopt),
            (Action::Adopt, SecretState::Unknown, true)
        );
        assert!(item.secret.describe().contains("only at creation"));
        let plan = Plan { items: vec![item] };
        assert!(
            !plan.has_changes(),
            "adopting changes nothing at the provider"
        );
    }
}

#[test]
fn a_trailing_slash_is_another_endpoint() {
    let there = vec![endpoint("ep_1", "https://example.com/hooks/", &["a"])];
    let item = one(
        Provider::Commet,
        wanted(Provider::Commet, URL, &["a"]),
        there,
        &Records::default(),
        Options::default(),
    );
    assert_eq!(item.action, Action::Create);
    assert_eq!(
        normalise_url("HTTP://EXAMPLE.com:80"),
        "http://example.com/"
    );
}

#[test]
fn a_paused_endpoint_is_refused_where_the_provider_cannot_pause() {
    for provider in Provider::ALL {
        let d = DesiredEndpoint {
            enabled: false,
            ..wanted(provider, URL, &["a"])
        };
        let item = one(provider, d, vec![], &Records::default(), Options::default());
        let c = caps(provider);
        assert_eq!(
            item.refused.is_some(),
            !c.update && !c.set_enabled,
            "{provider}"
        );
    }
}

#[test]
fn pruning_deletes_or_disables_what_the_file_does_not_name() {
    for provider in Provider::ALL {
        let there = vec![
            endpoint("ep_keep", URL, &["a"]),
            endpoint("ep_old", "https://example.com/old", &["a"]),
        ];
        let desired = Desired {
            endpoints: vec![wanted(provider, URL, &["a"])],
        };
        let records = recorded(provider, URL, "ep_keep");
        let observed = [seen(provider, there)];
        let quiet = plan(&desired, &observed, caps, &records, Options::default());
        assert_eq!(
            quiet.items.len(),
            1,
            "without --prune nothing else is touched"
        );
        let pruned = plan(
            &desired,
            &observed,
            caps,
            &records,
            Options {
                prune: true,
                ..Options::default()
            },
        );
        let last = pruned.items.last().expect("a step for the other endpoint");
        assert_eq!(last.endpoint_id.as_deref(), Some("ep_old"));
        if caps(provider).delete {
            assert_eq!(last.action, Action::Delete, "{provider}");
        } else {
            assert_eq!(last.action, Action::Update, "{provider}");
            assert!(
                last.notes.iter().any(|n| n.contains("disabled instead")),
                "{provider}"
            );
        }
    }
}

#[test]
fn a_second_endpoint_at_the_url_is_named_and_pruned_only_when_asked() {
    let there = vec![endpoint("ep_1", URL, &["a"]), endpoint("ep_2", URL, &["a"])];
    let records = recorded(Provider::BillingIo, URL, "ep_2");
    let item = one(
        Provider::BillingIo,
        wanted(Provider::BillingIo, URL, &["a"]),
        there.clone(),
        &records,
        Options::default(),
    );
    assert_eq!(
        (item.action, item.endpoint_id.as_deref()),
        (Action::Nothing, Some("ep_2")),
        "the recorded one is ours"
    );
    assert!(item.notes.iter().any(|n| n.contains("ep_1")));
    let desired = Desired {
        endpoints: vec![wanted(Provider::BillingIo, URL, &["a"])],
    };
    let pruned = plan(
        &desired,
        &[seen(Provider::BillingIo, there)],
        caps,
        &records,
        Options {
            prune: true,
            ..Options::default()
        },
    );
    let deleted: Vec<_> = pruned
        .items
        .iter()
        .filter(|i| i.action == Action::Delete)
        .map(|i| i.endpoint_id.clone())
        .collect();
    assert_eq!(deleted, [Some("ep_1".to_string())]);
}

#[test]
fn an_unanswered_create_is_resumed_by_key_adopted_by_url_or_refused_where_nothing_lists() {
    let unanswered = |provider| {
        let mut records = Records::default();
        let record = Record {
            unanswered_create: Some(String::new()),
            ..Record::default()
        };
        records.insert(key(provider, URL), record);
        records
    };
    let there = || vec![endpoint("ep_1", URL, &["a"])];
    let item = one(
        Provider::BillingIo,
        wanted(Provider::BillingIo, URL, &["a"]),
        there(),
        &unanswered(Provider::BillingIo),
        Options::default(),
    );
    assert_eq!(
        item.action,
        Action::Create,
        "the same key answers the first endpoint with its secret"
    );
    // A provider that lists its endpoints but takes no idempotency key.
    let by_url = Provider::ALL
        .into_iter()
        .find(|p| caps(*p).list && !caps(*p).idempotent_create)
        .expect("one provider is found again by URL");
    let item = one(
        by_url,
        wanted(by_url, URL, &["a"]),
        there(),
        &unanswered(by_url),
        Options::default(),
    );
    assert_eq!(
        (item.action, item.secret),
        (Action::Adopt, SecretState::Unknown)
    );
    let item = one(
        Provider::Meum,
        wanted(Provider::Meum, URL, &["a"]),
        vec![],
        &unanswered(Provider::Meum),
        Options::default(),
    );
    assert!(
        item.refused
            .is_some_and(|why| why.contains("never answered"))
    );
}

#[test]
fn idempotency_keys_are_uuids_stable_per_entry_and_new_once_the_last_endpoint_is_gone() {
    let d = wanted(Provider::BillingIo, URL, &["b", "a"]);
    let key = idempotency_key(&d, None);
    assert!(key.parse::<uuid::Uuid>().is_ok(), "{key}");
    assert_eq!(
        key,
        idempotency_key(
            &wanted(
                Provider::BillingIo,
                "https://EXAMPLE.com/hooks",
                &["a", "b"]
            ),
            None
        )
    );
    assert_ne!(key, idempotency_key(&d, Some("ep_deleted")));
    assert_ne!(
        key,
        idempotency_key(&wanted(Provider::Commet, URL, &["a", "b"]), None)
    );
}

#[test]
fn a_file_naming_an_endpoint_twice_or_without_events_has_problems() {
    let desired = Desired {
        endpoints: vec![
            wanted(Provider::Meum, URL, &["a"]),
            wanted(Provider::Meum, "https://example.com:443/hooks", &[]),
            wanted(Provider::Meum, "not a url", &["a"]),
        ],
    };
    let problems = desired.problems();
    assert_eq!(problems.len(), 3, "{problems:?}");
}
