//! Streams over every item of a list operation, following the provider's own
//! pagination. One generic paginator; each provider module adds a small
//! adapter (`.stream()` on its list builders) that fetches one page and says
//! where the next one starts.

use std::collections::VecDeque;
use std::future::Future;

use futures_util::stream::{self, BoxStream, StreamExt};
use progenitor_client::{Error, ResponseValue};

/// Every item of a list, page after page; an error ends it after being yielded.
pub type ItemStream<'a, T, E> = BoxStream<'a, Result<T, Error<E>>>;

/// One page: its items, and where the next page starts (`None` on the last).
pub(crate) struct Page<T, C> {
    pub items: Vec<T>,
    pub next: Option<C>,
}

/// How a provider pages: where a page starts, how it is sent, and what it
/// holds.
pub(crate) struct Pager<B, C, R, T, Fut> {
    /// The list request starting at a cursor.
    pub at: fn(B, C) -> B,
    /// Sends a list request.
    pub send: fn(B) -> Fut,
    /// A response's items and the cursor of the next page.
    pub split: fn(R) -> Page<T, C>,
}

/// Streams the items of every page: the builder as the caller set it up for
/// the first page, then at each next cursor, only once the caller has pulled
/// every item of the page before.
pub(crate) fn paginate<'a, B, C, R, T, E, Fut>(
    builder: B,
    pager: Pager<B, C, R, T, Fut>,
) -> ItemStream<'a, T, E>
where
    B: Clone + Send + 'a,
    C: Send + 'a,
    R: 'a,
    T: Send + 'a,
    E: Send + 'a,
    Fut: Future<Output = Result<ResponseValue<R>, Error<E>>> + Send + 'a,
{
    struct State<B, C, R, T, Fut> {
        builder: B,
        pager: Pager<B, C, R, T, Fut>,
        items: VecDeque<T>,
        // `Some(None)`: the first page is due; `None`: no page is left.
        next: Option<Option<C>>,
    }
    let state = State {
        builder,
        pager,
        items: VecDeque::new(),
        next: Some(None),
    };
    stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.items.pop_front() {
                return Some((Ok(item), state));
            }
            let request = match state.next.take()? {
                Some(cursor) => (state.pager.at)(state.builder.clone(), cursor),
                None => state.builder.clone(),
            };
            match (state.pager.send)(request).await {
                Ok(response) => {
                    let page = (state.pager.split)(response.into_inner());
                    state.items = page.items.into();
                    state.next = page.next.map(Some);
                }
                Err(e) => return Some((Err(e), state)),
            }
        }
    })
    .boxed()
}
