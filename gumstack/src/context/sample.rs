//! Sampling: asking the client's model for a completion (`sampling/createMessage`).

#![allow(deprecated)] // see the note in `context/mod.rs`

use rmcp::model::{
    CreateMessageRequest, CreateMessageRequestParams, CreateMessageResult, InputRequest, Role,
    SamplingMessage, SamplingMessageContentBlock,
};

use super::{Context, exchange::Kind};
use crate::{Error, Result};

/// A sampling request: the conversation, and how long the reply may be.
///
/// ```
/// # use gumstack::context::Sampling;
/// let request = Sampling::new(200)
///     .system("You answer in one word.")
///     .user("Capital of France?");
/// ```
#[derive(Debug, Clone)]
pub struct Sampling {
    params: CreateMessageRequestParams,
}

impl Sampling {
    /// An empty conversation whose reply may use up to `max_tokens`.
    pub fn new(max_tokens: u32) -> Self {
        Self {
            params: CreateMessageRequestParams::new(Vec::new(), max_tokens),
        }
    }

    /// Append a message from the user.
    pub fn user(mut self, text: impl Into<String>) -> Self {
        self.params.messages.push(SamplingMessage::new(
            Role::User,
            SamplingMessageContentBlock::text(text),
        ));
        self
    }

    /// Append a message from the assistant (an earlier turn).
    pub fn assistant(mut self, text: impl Into<String>) -> Self {
        self.params.messages.push(SamplingMessage::new(
            Role::Assistant,
            SamplingMessageContentBlock::text(text),
        ));
        self
    }

    /// The system prompt (the client may ignore or change it).
    pub fn system(mut self, prompt: impl Into<String>) -> Self {
        self.params.system_prompt = Some(prompt.into());
        self
    }

    /// Sampling temperature, 0.0 to 1.0.
    pub fn temperature(mut self, temperature: f32) -> Self {
        self.params.temperature = Some(temperature);
        self
    }
}

/// The client model's reply.
#[derive(Debug, Clone)]
pub struct Sampled {
    text: Option<String>,
    model: String,
    stop_reason: Option<String>,
}

impl Sampled {
    /// The reply's text (its text blocks joined); `None` when it has none.
    pub fn text(&self) -> Option<&str> {
        self.text.as_deref()
    }

    /// The model the client used.
    pub fn model(&self) -> &str {
        &self.model
    }

    /// Why generation stopped (`endTurn`, `maxTokens`, ...), when the client says.
    pub fn stop_reason(&self) -> Option<&str> {
        self.stop_reason.as_deref()
    }
}

impl Context {
    /// Ask the client's model for a reply. Fails when the client does not offer
    /// sampling, the user refuses, or the exchange fails.
    pub fn sample(
        &self,
        request: Sampling,
    ) -> impl Future<Output = Result<Sampled>> + Send + 'static {
        let ctx = self.clone();
        async move { ctx.sample_owned(request).await }
    }

    async fn sample_owned(&self, request: Sampling) -> Result<Sampled> {
        if !self.supports(Kind::Sampling, false) {
            return Err(self.unsupported(Kind::Sampling, "sampling"));
        }
        let answer = self
            .ask(Kind::Sampling, |_| {
                InputRequest::CreateMessage(CreateMessageRequest::new(request.params))
            })
            .await?;
        let result: CreateMessageResult = Self::answer(Kind::Sampling, answer)?;
        let texts: Vec<String> = result
            .message
            .content
            .into_vec()
            .into_iter()
            .filter_map(|block| block.as_text().map(|t| t.text.clone()))
            .collect();
        Ok(Sampled {
            text: (!texts.is_empty()).then(|| texts.join("\n")),
            model: result.model,
            stop_reason: result.stop_reason,
        })
    }

    /// Ask the client's model one question and return the text of its answer.
    pub fn sample_text(
        &self,
        prompt: impl Into<String>,
        max_tokens: u32,
    ) -> impl Future<Output = Result<String>> + Send + 'static {
        let reply = self.sample(Sampling::new(max_tokens).user(prompt));
        async move {
            reply
                .await?
                .text
                .ok_or_else(|| Error::msg("the client's model answered without text"))
        }
    }
}
