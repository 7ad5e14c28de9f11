//! Roots: the directories or other places the client lets the server work in
//! (`roots/list`).

use rmcp::model::{InputRequest, ListRootsRequest, ListRootsResult};

use super::{Context, exchange::Kind};
use crate::Result;

/// One of the client's roots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    /// A `file://` URI, most often.
    pub uri: String,
    /// A name for people, when the client gives one.
    pub name: Option<String>,
}

impl Context {
    /// The client's roots. Fails when the client does not offer them (it
    /// declared no `roots` capability) or the exchange fails.
    pub fn roots(&self) -> impl Future<Output = Result<Vec<Root>>> + Send + 'static {
        let ctx = self.clone();
        async move { ctx.roots_owned().await }
    }

    async fn roots_owned(&self) -> Result<Vec<Root>> {
        if !self.supports(Kind::Roots, false) {
            return Err(self.unsupported(Kind::Roots, "roots"));
        }
        let answer = self
            .ask(Kind::Roots, |_| {
                InputRequest::ListRoots(ListRootsRequest::default())
            })
            .await?;
        let result: ListRootsResult = Self::answer(Kind::Roots, answer)?;
        Ok(result
            .roots
            .into_iter()
            .map(|root| Root {
                uri: root.uri,
                name: root.name,
            })
            .collect())
    }
}
