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

pub use crate::generated::commet::*;

pub mod latest;
pub mod webhook;

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
/// SDK changelog) answers with bare resources: use [`latest`] for it.
pub const API_VERSION: &str = "2026-07-11";

crate::client::provider_client! {
    name: "Commet",
    base_url: BASE_URL,
    auth: crate::client::AuthScheme::Header("x-api-key"),
    api_version: Some(("commet-version", API_VERSION)),
    idempotent_operations: [
        "create_webhook_endpoint",
        "update_webhook_endpoint",
        "patch_webhook_endpoint",
        "test_webhook_endpoint",
    ],
    retry_429_without_retry_after: false,
}

crate::error::error_body! {
    types::ErrorResponse,
    code: |e| Some(&e.error.code),
    message: |e| Some(&e.error.message),
    request_id: |_e| None,
    status: |_e| None,
    retry_429_without_retry_after: false,
}

impl<'a> builder::ListWebhookEndpoints<'a> {
    /// Every endpoint, following `nextCursor` page after page (the next page
    /// is requested only when the caller has pulled the current one).
    pub fn stream(self) -> crate::ItemStream<'a, types::Webhook, types::ErrorResponse> {
        crate::pagination::paginate(
            self,
            crate::pagination::Pager {
                at: Self::cursor::<String>,
                send: Self::send,
                split: |page: types::WebhookListResponse| crate::pagination::Page {
                    next: page.next_cursor.filter(|_| page.has_more),
                    items: page.data,
                },
            },
        )
    }
}

impl crate::client::VersionedProvider for Client {}

#[cfg(feature = "endpoints")]
impl crate::endpoints::Endpoints for Client {
    fn provider(&self) -> crate::endpoints::Provider {
        crate::endpoints::Provider::Commet
    }

    fn capabilities(&self) -> crate::endpoints::Capabilities {
        crate::endpoints::Capabilities {
            create: true,
            list: true,
            get: true,
            delete: true,
            set_enabled: true,
        }
    }

    async fn create(
        &self,
        new: crate::endpoints::NewEndpoint,
    ) -> Result<crate::endpoints::Endpoint, crate::endpoints::Error> {
        let body: types::CreateWebhookRequest = crate::endpoints::body(
            serde_json::json!({"url": new.url, "events": new.events, "description": new.description}),
        )?;
        let created = self
            .create_webhook_endpoint()
            .body(body)
            .send()
            .await?
            .into_inner()
            .data;
        Ok(crate::endpoints::Endpoint {
            id: created.id,
            url: created.url,
            events: created.events,
            enabled: created.is_active,
            description: created.description,
            secret: Some(created.secret_key),
        })
    }

    fn list(
        &self,
    ) -> futures_util::stream::BoxStream<
        '_,
        Result<crate::endpoints::Endpoint, crate::endpoints::Error>,
    > {
        use futures_util::StreamExt;
        self.list_webhook_endpoints()
            .stream()
            .map(|item| Ok(endpoint(item?)))
            .boxed()
    }

    async fn get(&self, id: &str) -> Result<crate::endpoints::Endpoint, crate::endpoints::Error> {
        Ok(endpoint(
            self.get_webhook_endpoint()
                .id(id)
                .send()
                .await?
                .into_inner()
                .data,
        ))
    }

    async fn delete(&self, id: &str) -> Result<(), crate::endpoints::Error> {
        self.delete_webhook_endpoint().id(id).send().await?;
        Ok(())
    }

    async fn set_enabled(
        &self,
        id: &str,
        enabled: bool,
    ) -> Result<crate::endpoints::Endpoint, crate::endpoints::Error> {
        let updated = self
            .update_webhook_endpoint()
            .id(id)
            .body_map(|b| b.is_active(enabled))
            .send()
            .await?;
        Ok(endpoint(updated.into_inner().data))
    }
}

#[cfg(feature = "endpoints")]
fn endpoint(w: types::Webhook) -> crate::endpoints::Endpoint {
    crate::endpoints::Endpoint {
        id: w.id,
        url: w.url,
        events: w.events,
        enabled: w.is_active,
        description: w.description,
        secret: None,
    }
}
