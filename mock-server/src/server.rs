//! The mock running in-process, for tests.

use std::net::SocketAddr;
use std::sync::Arc;

use crate::kernel::app::MockState;
use crate::kernel::deliveries::{Attempt, DeliveryConfig};
use crate::kernel::faults::Fault;
use crate::kernel::journal::JournalEntry;
use crate::providers::Provider;

pub struct MockServer {
    addr: SocketAddr,
    state: Arc<MockState>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl MockServer {
    /// Starts all five providers on `127.0.0.1:0`.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_with(DeliveryConfig::default()).await
    }

    /// Starts all five providers on `127.0.0.1:0`, delivering events as `config` says.
    pub async fn start_with(config: DeliveryConfig) -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let state = Arc::new(MockState::new(config));
        let app = crate::app_with_state(None, &state, None);
        tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(Self {
            addr,
            state,
            shutdown: Some(tx),
        })
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Forgets one tenant (API key) at every provider, or everything.
    pub fn reset(&self, api_key: Option<&str>) {
        self.state.reset(api_key);
    }

    /// Schedules a fault: the next matching requests answer its status with
    /// the provider's error body (see [`Fault`]); an error names the
    /// documented statuses when the status is not one of them.
    pub fn add_fault(&self, fault: Fault) -> Result<(), String> {
        self.state.faults.add(fault)
    }

    /// Forgets every scheduled fault.
    pub fn clear_faults(&self) {
        self.state.faults.clear();
    }

    /// Every delivery attempt so far, oldest first.
    pub fn deliveries(&self) -> Vec<Attempt> {
        self.state.deliverer.attempts()
    }

    /// Every request received so far, oldest first (API keys redacted).
    pub fn requests(&self) -> Vec<JournalEntry> {
        self.state.journal.entries()
    }

    /// The base URL of `provider` on this server, to give an SDK client.
    pub fn base_url(&self, provider: Provider) -> String {
        format!("http://{}{}", self.addr, provider.shared_prefix())
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
