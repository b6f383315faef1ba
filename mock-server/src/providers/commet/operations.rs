//! Commet's operations, once for both contracts: the seed page's (every
//! body in the `{"success": true, "data": …}` envelope, update by PUT) and
//! the current one (bare resources, lists as `{"object": "list", …}`, update
//! by PATCH). A [`Contract`] says how a success is written; the store is one.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::Path;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::json;

use super::wire::{
    CreateWebhookRequest, CreatedWebhook, DeletedObject, EventType, ListParams, SigningSecret,
    UpdateWebhookRequest, Webhook, WebhookTest,
};
use super::{Commet, EVENT_TYPES, StoredWebhook, TenantData};
use crate::kernel::error::{ApiError, ErrorKind, invalid, missing};
use crate::kernel::extract::{Auth, JsonBody, Query, Store, header_text};
use crate::kernel::paging::{bounded, cursor_page};
use crate::kernel::provider::{MockProvider, Mode};
use crate::kernel::respond::json_bytes_response;
use crate::kernel::signed_events::{SignedEvents, Subscriber, delivery};
use crate::kernel::store::{IdempotencyKeys, Idempotent, Replay, Saved, write_once};
use crate::kernel::urls::check_url;

/// One of Commet's contracts over the shared store.
pub trait Contract: MockProvider<TenantData = TenantData> {
    /// A single resource as this contract answers it.
    fn one<T: Serialize>(data: T) -> Bytes;
    /// A page of endpoints as this contract answers it.
    fn page(data: Vec<Webhook>, next_cursor: Option<String>) -> Bytes;
}

/// What a handler of contract `C` answers.
pub type Answer<C> = Result<Response, ApiError<C>>;

/// The 404 of an unknown endpoint ID, in both contracts.
pub fn not_found<C>() -> ApiError<C> {
    ApiError::new(
        ErrorKind::NotFound,
        "webhook_not_found",
        "The requested webhook endpoint does not exist in this organization.",
    )
}

fn idempotency(data: &mut TenantData) -> &mut IdempotencyKeys {
    &mut data.idempotency
}

fn conflict<C>() -> ApiError<C> {
    ApiError::new(
        ErrorKind::Conflict,
        "idempotency_key_mismatch",
        "This Idempotency-Key was already used with a different request.",
    )
}

fn idempotency_key(headers: &HeaderMap) -> Option<String> {
    header_text(headers, "idempotency-key")
}

fn check_events<C>(events: &[EventType]) -> Result<Vec<String>, ApiError<C>> {
    for event in events {
        if !EVENT_TYPES.contains(&event.0.as_str()) {
            return Err(invalid(
                "events",
                format!("Unknown event type '{}'.", event.0),
            ));
        }
    }
    Ok(events.iter().map(|e| e.0.clone()).collect())
}

/// An `apiVersion` pin must be a version (`YYYY-MM-DD`).
fn check_version<C>(version: Option<&String>) -> Result<(), ApiError<C>> {
    version.map_or(Ok(()), |v| super::Version::parse(v, "apiVersion").map(drop))
}

/// Any key may register an `http://` URL, as the docs' own example does
/// (nothing ties a scheme rule to a key).
fn check_commet_url<C>(url: &str) -> Result<(), ApiError<C>> {
    check_url("url", url, true)
}

/// Create webhook endpoint.
pub fn create<C: Contract>(
    Store(state): Store<C>,
    Auth(tenant, ..): Auth<C>,
    headers: HeaderMap,
    JsonBody(body, raw, ..): JsonBody<C, CreateWebhookRequest>,
) -> Answer<C> {
    let url = body.url.ok_or_else(|| missing("url"))?;
    check_commet_url(&url)?;
    let events = body.events.ok_or_else(|| missing("events"))?;
    if events.is_empty() {
        return Err(invalid(
            "events",
            "'events' must list at least one event type.",
        ));
    }
    let events = check_events(&events)?;
    check_version(body.api_version.as_ref())?;
    // Without apiVersion the endpoint takes the creating request's version.
    let api_version = body
        .api_version
        .or_else(|| header_text(&headers, "commet-version"));
    // The contract is part of the request: a key reused in the other one is a conflict.
    let fingerprint = || json!(["POST", "/webhooks", C::NAME, raw.value()]);
    let key = idempotency_key(&headers);
    write_once(
        &state.tenants,
        &tenant.key,
        idempotency,
        Idempotent {
            key,
            fingerprint,
            conflict,
            now: state.env.now(),
        },
        |data, positions| {
            let webhook = Webhook {
                id: state.env.alnum("wh_", 24),
                url,
                events,
                description: body.description,
                is_active: true,
                api_version,
                created_at: state.env.now_rfc3339(),
                object: "webhook".into(),
                livemode: tenant.mode == Mode::Live,
            };
            let secret = state.env.alnum("whsec_", 32);
            let created = CreatedWebhook {
                webhook: webhook.clone(),
                secret_key: SigningSecret(secret.clone()),
            };
            data.webhooks.insert(
                positions.next(),
                webhook.id.clone(),
                StoredWebhook {
                    webhook,
                    secret,
                    failed_events: 0,
                },
            );
            Ok(Saved::new(201, C::one(created)))
        },
    )
    .map(IntoResponse::into_response)
}

/// List webhook endpoints.
pub fn list<C: Contract>(
    Store(state): Store<C>,
    Auth(tenant, ..): Auth<C>,
    Query(params, ..): Query<C, ListParams>,
) -> Answer<C> {
    let limit = bounded("limit", params.limit, 25, 1, 100)?;
    let tenants = state.tenants.lock();
    let webhooks = tenants.get(&tenant.key).map(|d| &d.webhooks);
    let (page, next_cursor) = cursor_page(webhooks, params.cursor.as_deref(), limit)?;
    let data = page.into_iter().map(|w| w.webhook.clone()).collect();
    Ok(json_bytes_response(200, C::page(data, next_cursor)))
}

/// Get webhook endpoint.
pub fn get<C: Contract>(
    Store(state): Store<C>,
    Auth(tenant, ..): Auth<C>,
    Path(id): Path<String>,
) -> Answer<C> {
    let tenants = state.tenants.lock();
    let stored = tenants
        .find(&tenant.key, |d| &d.webhooks, &id)
        .ok_or_else(not_found)?;
    Ok(json_bytes_response(200, C::one(&stored.webhook)))
}

/// Update webhook endpoint (PUT or PATCH): only the fields sent change.
pub fn update<C: Contract>(
    Store(state): Store<C>,
    Auth(tenant, ..): Auth<C>,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(body, raw, ..): JsonBody<C, UpdateWebhookRequest>,
) -> Answer<C> {
    if let Some(url) = &body.url {
        check_commet_url(url)?;
    }
    let events = body.events.as_deref().map(check_events).transpose()?;
    check_version(body.api_version.as_ref())?;
    // PUT and PATCH change the same fields: a retry may use either.
    let fingerprint = || json!(["update", C::NAME, id, raw.value()]);
    let key = idempotency_key(&headers);
    write_once(
        &state.tenants,
        &tenant.key,
        idempotency,
        Idempotent {
            key,
            fingerprint,
            conflict,
            now: state.env.now(),
        },
        |data, _| {
            let stored = data.webhooks.get_mut(&id).ok_or_else(not_found)?;
            let webhook = &mut stored.webhook;
            if let Some(url) = body.url {
                webhook.url = url;
            }
            if let Some(events) = events {
                webhook.events = events;
            }
            if let Some(description) = body.description {
                webhook.description = description;
            }
            if let Some(active) = body.is_active {
                webhook.is_active = active;
            }
            if let Some(version) = body.api_version {
                webhook.api_version = Some(version);
            }
            Ok(Saved::new(200, C::one(&*webhook)))
        },
    )
    .map(IntoResponse::into_response)
}

/// Delete webhook endpoint.
pub fn delete<C: Contract>(
    Store(state): Store<C>,
    Auth(tenant, ..): Auth<C>,
    Path(id): Path<String>,
) -> Answer<C> {
    let mut tenants = state.tenants.lock();
    tenants
        .remove(&tenant.key, |d| &mut d.webhooks, &id)
        .ok_or_else(not_found)?;
    let deleted = DeletedObject {
        id,
        deleted: true,
        object: "webhook".into(),
        livemode: tenant.mode == Mode::Live,
    };
    Ok(json_bytes_response(200, C::one(deleted)))
}

/// Test webhook endpoint: really POSTs a signed `webhook.test` event.
pub async fn test<C: Contract>(
    Store(state): Store<C>,
    Auth(tenant, ..): Auth<C>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Answer<C> {
    // A retried test with the same key reports the first delivery instead of sending another.
    let key = idempotency_key(&headers);
    let fingerprint = json!(["POST", C::NAME, format!("/webhooks/{id}/test")]);
    if let Some(key) = &key {
        let mut tenants = state.tenants.lock();
        let now = state.env.now();
        match tenants
            .of(&tenant.key)
            .idempotency
            .check(key, &fingerprint, now)
        {
            Replay::Same(status, body) => return Ok(json_bytes_response(status, body)),
            Replay::Conflict => return Err(conflict()),
            Replay::Fresh => {}
        }
    }
    let (url, secret, api_version) = {
        let tenants = state.tenants.lock();
        let stored = tenants
            .find(&tenant.key, |d| &d.webhooks, &id)
            .ok_or_else(not_found)?;
        (
            stored.webhook.url.clone(),
            stored.secret.clone(),
            stored.webhook.api_version.clone(),
        )
    };
    let event = Commet::envelope(
        &state.env,
        &tenant,
        "webhook.test",
        Some(json!({"webhookId": id})),
    );
    let to = Subscriber {
        endpoint_id: id.clone(),
        url,
        secret,
        api_version,
    };
    // One attempt, reported at once; it does not count toward auto-disable.
    let delivery = delivery::<Commet>(&event, to, &[Duration::ZERO]);
    let attempt = state.deliverer.run(delivery).await;
    let (success, timestamp) = (attempt.succeeded(), attempt.at.clone());
    let test = WebhookTest {
        success,
        delivery_id: attempt.id,
        delivered_at: timestamp,
        object: "webhook_delivery".into(),
        livemode: tenant.mode == Mode::Live,
    };
    let saved = Saved::new(200, C::one(test));
    if let Some(key) = key {
        let mut tenants = state.tenants.lock();
        let keys = &mut tenants.of(&tenant.key).idempotency;
        keys.save(key, fingerprint, &saved, state.env.now());
    }
    Ok(saved.into_response())
}
