//! Commet: create, list, fetch, update, test and delete webhook endpoints.
//!
//! Authenticates with `x-api-key: <key>` (sandbox keys start `ck_sandbox_`).
//! Every request carries `Commet-Version: `[`API_VERSION`], the version whose
//! contract these types describe; without it Commet would answer in the
//! account's pinned version, whose bodies may not parse. Bodies use the docs'
//! envelope `{"success": true, "data": …}`. The generated [`Client`], request
//! builders ([`builder`]) and models ([`types`]) come from
//! `openapi/commet.yaml`.
//!
//! ```no_run
//! use webhooks_sdk::commet::{Client, BASE_URL};
//! use webhooks_sdk::commet::EventType;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let client = Client::with_api_key(BASE_URL, "ck_sandbox_xxxxxxxxx")?;
//! let created = client
//!     .create_webhook_endpoint()
//!     .body_map(|body| {
//!         body.url("https://example.com/webhooks/commet")
//!             .events(vec![EventType::SubscriptionCreated])
//!     })
//!     .send()
//!     .await?
//!     .into_inner()
//!     .data;
//! let test = client.test_webhook_endpoint().id(&created.id).send().await?.into_inner();
//! println!("test delivery {} succeeded: {}", test.data.delivery_id, test.data.success);
//! # Ok(()) }
//! ```

#[path = "generated/commet.rs"]
#[rustfmt::skip]
#[allow(clippy::all)]
mod generated;
pub mod v2026_08_27;
pub mod webhook;

pub use generated::*;

/// The old name of [`v2026_08_27`], Commet's current contract.
#[deprecated(
    note = "use `commet::v2026_08_27`: `latest` would stop being true with Commet's next version"
)]
pub use v2026_08_27 as latest;

crate::open_enum::open_enum! {
    /// An event type an endpoint can subscribe to: the 66 of API 2026-08-27
    /// (the 60 of 2026-07-31 and six `subscription.pause*`/`resume*` types),
    /// for both contracts. Commet adds event types without a new version.
    pub enum EventType {
        SubscriptionCreated = "subscription.created",
        SubscriptionActivated = "subscription.activated",
        SubscriptionReactivated = "subscription.reactivated",
        SubscriptionCanceled = "subscription.canceled",
        SubscriptionUpdated = "subscription.updated",
        SubscriptionPlanChanged = "subscription.plan_changed",
        SubscriptionCancellationScheduled = "subscription.cancellation_scheduled",
        SubscriptionCancellationRevoked = "subscription.cancellation_revoked",
        SubscriptionPlanChangeScheduled = "subscription.plan_change_scheduled",
        SubscriptionPlanChangeRevoked = "subscription.plan_change_revoked",
        SubscriptionPastDue = "subscription.past_due",
        SubscriptionPauseScheduled = "subscription.pause_scheduled",
        SubscriptionPauseUpdated = "subscription.pause_updated",
        SubscriptionPauseRevoked = "subscription.pause_revoked",
        SubscriptionPaused = "subscription.paused",
        SubscriptionResumed = "subscription.resumed",
        SubscriptionResumeFailed = "subscription.resume_failed",
        TrialStarted = "trial.started",
        TrialConverted = "trial.converted",
        TrialExpired = "trial.expired",
        TrialWillEnd = "trial.will_end",
        TrialCheckoutReady = "trial.checkout_ready",
        CheckoutReady = "checkout.ready",
        PaymentReceived = "payment.received",
        PaymentFailed = "payment.failed",
        PaymentRecovered = "payment.recovered",
        PaymentRetryFailed = "payment.retry_failed",
        PaymentRefunded = "payment.refunded",
        PaymentDisputed = "payment.disputed",
        PaymentDisputeResolved = "payment.dispute_resolved",
        PaymentLinkCreated = "payment_link.created",
        PaymentLinkCompleted = "payment_link.completed",
        PaymentLinkFailed = "payment_link.failed",
        PaymentLinkCanceled = "payment_link.canceled",
        InvoiceCreated = "invoice.created",
        InvoiceVoided = "invoice.voided",
        InvoiceOverdue = "invoice.overdue",
        InvoiceUpcoming = "invoice.upcoming",
        PaymentMethodAttached = "payment_method.attached",
        PaymentMethodUpdated = "payment_method.updated",
        CustomerCreated = "customer.created",
        CustomerUpdated = "customer.updated",
        CustomerStateChanged = "customer.state_changed",
        PlanGrantCreated = "plan_grant.created",
        PlanGrantUpdated = "plan_grant.updated",
        PlanGrantExpired = "plan_grant.expired",
        PlanGrantRevoked = "plan_grant.revoked",
        CreditsGranted = "credits.granted",
        CreditsPurchased = "credits.purchased",
        CreditsLow = "credits.low",
        CreditsDepleted = "credits.depleted",
        CreditsExpired = "credits.expired",
        BalanceToppedUp = "balance.topped_up",
        BalanceLow = "balance.low",
        BalanceDepleted = "balance.depleted",
        QuotaThresholdReached = "quota.threshold_reached",
        QuotaExceeded = "quota.exceeded",
        SeatsUpdated = "seats.updated",
        SeatsLimitReached = "seats.limit_reached",
        AddonActivated = "addon.activated",
        AddonDeactivated = "addon.deactivated",
        UsageRecorded = "usage.recorded",
        PayoutAvailable = "payout.available",
        PayoutCreated = "payout.created",
        PayoutPaid = "payout.paid",
        PayoutFailed = "payout.failed",
    }
}

/// Commet's base URL (sandbox and live alike; the key picks the mode).
pub const BASE_URL: &str = "https://commet.co/api/v1";

/// The `Commet-Version` every client sends unless told otherwise: the newest
/// known version whose contract is the one these types describe (the
/// `{success, data}` envelope, update by PUT; Commet's Node SDK 7.10.0 pins
/// it). Commet's current contract (from `2026-07-31`, by our reading of its
/// SDK changelog) answers with bare resources: use [`v2026_08_27`] for it.
pub const API_VERSION: &str = "2026-07-11";

/// The first version of Commet's current contract, by our reading of its
/// SDK changelog (an inference; see `INFERENCES.md`): `AnyClient` pinned to it
/// or later speaks [`v2026_08_27`].
#[cfg(feature = "endpoints")]
const CURRENT_CONTRACT_SINCE: &str = "2026-07-31";

crate::declare::declare_provider! {
    provider: Commet,
    base_url: BASE_URL,
    auth: Header("x-api-key"),
    api_version: ("commet-version", API_VERSION),
    idempotent_operations: [
        "create_webhook_endpoint",
        "update_webhook_endpoint",
        "patch_webhook_endpoint",
        "test_webhook_endpoint",
    ],
    retry_429_without_retry_after: false,
    error: types::ErrorResponse {
        code: |e| Some(&e.error.code),
        message: |e| Some(&e.error.message),
        request_id: |_e| None,
        status: |_e| None,
    },
    endpoints: {
        create: neutral::create,
        list: neutral::list,
        get: neutral::get,
        delete: neutral::delete,
        set_enabled: crate::endpoints::set_enabled_by_update,
        update: neutral::update,
    },
    any_client: contract_for_version,
    webhook: webhook::Commet,
}

/// `AnyClient`'s Commet client: the contract of the version it pins
/// (dates compare as text).
#[cfg(feature = "endpoints")]
fn contract_for_version(
    settings: crate::client::Settings,
) -> Result<Box<dyn crate::endpoints::DynEndpoints>, crate::client::BuildError> {
    match settings.api_version.as_deref() {
        Some(version) if version >= CURRENT_CONTRACT_SINCE => v2026_08_27::any_client(settings),
        _ => crate::declare::build_any::<Client>(settings),
    }
}

/// What both of Commet's contracts share but their types: `.stream()` over
/// the list's `nextCursor`, and the provider-neutral operations; `resource`
/// reads a single-resource answer (enveloped in the seed contract, bare in
/// the current one). Run in each contract's module.
macro_rules! contract_operations {
    (list: $list:ty, resource: |$answer:ident| $resource:expr) => {
        impl<'a> builder::ListWebhookEndpoints<'a> {
            /// Every endpoint, following `nextCursor` page after page (the next page
            /// is requested only when the caller has pulled the current one).
            pub fn stream(
                self,
            ) -> crate::pagination::ItemStream<'a, types::Webhook, types::ErrorResponse> {
                crate::pagination::paginate(
                    self,
                    crate::pagination::Pager {
                        at: Self::cursor::<String>,
                        send: Self::send,
                        split: |page: $list| crate::pagination::Page {
                            next: page.next_cursor.filter(|_| page.has_more),
                            items: page.data,
                        },
                    },
                )
            }
        }

        /// The provider-neutral operations (`crate::endpoints`).
        #[cfg(feature = "endpoints")]
        mod neutral {
            use futures_util::stream::BoxStream;

            use super::{Client, types};
            use crate::commet::EventType;
            use crate::endpoints::{Endpoint, EndpointUpdate, Error, NewEndpoint, listed};

            pub async fn create(client: &Client, new: NewEndpoint) -> Result<Endpoint, Error> {
                let events: Vec<_> = new.events.into_iter().map(EventType::from).collect();
                let mut request = client
                    .create_webhook_endpoint()
                    .body_map(|b| b.url(new.url).events(events).description(new.description));
                if let Some(key) = new.idempotency_key {
                    request = request.idempotency_key(key);
                }
                let $answer = request.send().await?.into_inner();
                let created = $resource;
                Ok(Endpoint {
                    id: created.id,
                    url: created.url,
                    events: created.events,
                    enabled: created.is_active,
                    description: created.description,
                    secret: Some(created.secret_key),
                })
            }
            pub fn list(client: &Client) -> BoxStream<'_, Result<Endpoint, Error>> {
                listed(client.list_webhook_endpoints().stream(), endpoint)
            }

            pub async fn get(client: &Client, id: &str) -> Result<Endpoint, Error> {
                let $answer = client
                    .get_webhook_endpoint()
                    .id(id)
                    .send()
                    .await?
                    .into_inner();
                Ok(endpoint($resource))
            }

            pub async fn delete(client: &Client, id: &str) -> Result<(), Error> {
                client.delete_webhook_endpoint().id(id).send().await?;
                Ok(())
            }

            /// By the contract's own update (PUT in the seed's, PATCH in the current one).
            pub async fn update(
                client: &Client,
                id: &str,
                change: EndpointUpdate,
            ) -> Result<Endpoint, Error> {
                let events: Vec<_> = change
                    .events
                    .unwrap_or_default()
                    .into_iter()
                    .map(EventType::from)
                    .collect();
                let $answer = client
                    .update_webhook_endpoint()
                    .id(id)
                    .body_map(|b| {
                        b.is_active(change.enabled)
                            .events(events)
                            .description(change.description)
                    })
                    .send()
                    .await?
                    .into_inner();
                Ok(endpoint($resource))
            }

            fn endpoint(w: types::Webhook) -> Endpoint {
                Endpoint {
                    id: w.id,
                    url: w.url,
                    events: w.events,
                    enabled: w.is_active,
                    description: w.description,
                    secret: None,
                }
            }
        }
    };
}
use contract_operations;

contract_operations!(list: types::WebhookListResponse, resource: |answer| answer.data);
