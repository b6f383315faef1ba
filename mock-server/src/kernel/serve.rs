//! Serving a mock on a listener: HTTP/1 and HTTP/2 connections, each of
//! which a `reset` fault can close without an answer, and a graceful stop.

use std::future::Future;
use std::time::Duration;

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tower::ServiceExt;

use super::app::Scoped;
use super::dispatch::ResetConnection;

/// How long a stop waits for open connections to finish.
const GRACE: Duration = Duration::from_secs(5);

/// Serves `app` on `listener` until `stop` completes, then lets open
/// connections finish (up to a few seconds).
pub async fn serve(listener: TcpListener, app: Scoped, stop: impl Future<Output = ()>) {
    let graceful = GracefulShutdown::new();
    let builder = auto::Builder::new(TokioExecutor::new());
    tokio::pin!(stop);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors or similar: wait instead of spinning.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        let reset = std::sync::Arc::new(tokio::sync::Notify::new());
        let (app, answered) = (app.clone(), reset.clone());
        let service = hyper::service::service_fn(move |request| {
            let (app, reset) = (app.clone(), answered.clone());
            async move {
                let response = app.oneshot(request).await?;
                if response.extensions().get::<ResetConnection>().is_some() {
                    // The connection closes before anything is written.
                    reset.notify_one();
                    std::future::pending::<()>().await;
                }
                Ok::<_, std::convert::Infallible>(response)
            }
        });
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            tokio::select! {
                _ = connection => {}
                () = reset.notified() => {}
            }
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(GRACE, graceful.shutdown()).await;
}
