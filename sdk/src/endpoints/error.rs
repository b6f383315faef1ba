//! Why an [`Endpoints`](super::Endpoints) operation failed.

use std::fmt;
use std::time::Duration;

use reqwest::StatusCode;

use super::Operation;
use crate::error::{ApiError, ErrorBody};
use crate::provider::Provider;

/// A failure the provider answered with, read through [`ApiError`].
#[derive(Debug, Clone)]
pub struct Failure {
    status: Option<StatusCode>,
    code: Option<String>,
    message: Option<String>,
    request_id: Option<String>,
    retry_after: Option<Duration>,
    retryable: bool,
}

impl Failure {
    fn from<E: ErrorBody>(error: &progenitor_client::Error<E>) -> Self {
        Self {
            status: error.http_status(),
            code: error.code().map(str::to_string),
            message: error.message().map(str::to_string).or_else(|| match error {
                progenitor_client::Error::CommunicationError(e) => Some(e.to_string()),
                progenitor_client::Error::InvalidRequest(why) => Some(why.clone()),
                progenitor_client::Error::InvalidResponsePayload(_, e) => Some(e.to_string()),
                _ => None,
            }),
            request_id: error.request_id().map(str::to_string),
            retry_after: error.retry_after(),
            retryable: error.should_retry(),
        }
    }
}

/// Why an [`Endpoints`](super::Endpoints) operation failed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Error {
    /// The provider documents no such operation; nothing was sent.
    Unsupported {
        /// The provider.
        provider: Provider,
        /// The operation.
        operation: Operation,
    },
    /// The request could not be built (a value outside what the provider accepts).
    InvalidRequest(String),
    /// The provider (or the connection to it) failed.
    Api(Failure),
}

impl Error {
    /// The answer to an operation `provider` does not document.
    pub fn unsupported(provider: Provider, operation: Operation) -> Self {
        Self::Unsupported {
            provider,
            operation,
        }
    }
}

impl<E: ErrorBody> From<progenitor_client::Error<E>> for Error {
    fn from(error: progenitor_client::Error<E>) -> Self {
        match error {
            progenitor_client::Error::InvalidRequest(why) => Self::InvalidRequest(why),
            other => Self::Api(Failure::from(&other)),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unsupported {
                provider,
                operation,
            } => write!(
                f,
                "{provider} documents no {operation} operation for webhook endpoints"
            ),
            Self::InvalidRequest(why) => write!(f, "invalid request: {why}"),
            Self::Api(failure) => {
                match failure.status {
                    Some(status) => write!(f, "{status}")?,
                    None => f.write_str("no answer")?,
                }
                if let Some(code) = &failure.code {
                    write!(f, " {code}")?;
                }
                if let Some(message) = &failure.message {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {}

impl ApiError for Error {
    fn http_status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(failure) => failure.status,
            _ => None,
        }
    }

    fn code(&self) -> Option<&str> {
        match self {
            Self::Api(failure) => failure.code.as_deref(),
            _ => None,
        }
    }

    fn message(&self) -> Option<&str> {
        match self {
            Self::Api(failure) => failure.message.as_deref(),
            Self::InvalidRequest(why) => Some(why),
            Self::Unsupported { .. } => None,
        }
    }

    fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api(failure) => failure.request_id.as_deref(),
            _ => None,
        }
    }

    fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::Api(failure) => failure.retry_after,
            _ => None,
        }
    }

    fn should_retry(&self) -> bool {
        matches!(self, Self::Api(failure) if failure.retryable)
    }
}
