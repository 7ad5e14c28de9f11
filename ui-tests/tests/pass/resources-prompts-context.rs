// Every resource, template, prompt and completer shape, and `Context` in each kind of handler, compile without warnings.
#![deny(warnings)]
use gumstack::{
    prelude::*,
    prompts::{PromptMessage, Role},
    resources::{Blob, ResourceContents},
};
use serde::Serialize;

#[derive(Serialize)]
struct Item {
    id: u32,
}

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct Contact {
    /// Your name
    name: String,
}

struct Shapes;

#[gumstack::server(auth = none)]
impl Shapes {
    /// Text.
    #[resource(uri = "test://text", name = "text", title = "Text", mime_type = "text/markdown")]
    fn text(&self) -> String {
        "# text".into()
    }

    /// A static str.
    #[resource(uri = "test://str")]
    async fn static_str(&self) -> &'static str {
        "text"
    }

    /// Bytes.
    #[resource(uri = "test://bytes", subscribe)]
    fn bytes(&self) -> Blob {
        Blob::new(vec![1, 2, 3])
    }

    /// Contents.
    #[resource(uri = "test://contents")]
    fn contents(&self) -> Vec<ResourceContents> {
        vec![ResourceContents::text("a", "test://contents#a")]
    }

    /// JSON, for a typed id, with the context.
    #[resource(uri = "test://items/{id}/v{version}", subscribe)]
    async fn item(
        &self,
        ctx: Context,
        #[arg(complete = suggest_ids)] id: u32,
        version: u8,
    ) -> gumstack::Result<Item> {
        ctx.debug(format!("version {version}")).await;
        Ok(Item { id })
    }

    /// A renamed placeholder.
    #[resource(uri = "notes://{noteName}")]
    fn note(&self, #[arg(name = "noteName")] note_name: String) -> Result<String, std::io::Error> {
        Ok(note_name)
    }

    /// One user message.
    #[prompt(title = "Greet")]
    fn greet(&self, name: String, times: Option<u8>) -> String {
        format!("Greet {name} {} times.", times.unwrap_or(1))
    }

    /// Messages, with a completer that takes the context.
    #[prompt(name = "review-code")]
    async fn review(
        &self,
        ctx: Context,
        #[arg(description = "Language", complete = suggest_languages)] language: String,
    ) -> Result<Vec<PromptMessage>, std::fmt::Error> {
        ctx.info("review").await;
        Ok(vec![
            PromptMessage::new_text(Role::User, format!("Review this {language} code.")),
            PromptMessage::new(Role::Assistant, Content::text("Paste it.")),
        ])
    }

    /// One message.
    #[prompt]
    fn single(&self) -> PromptMessage {
        PromptMessage::new_text(Role::User, "hi")
    }

    /// A sync tool with the context, and a renamed argument.
    #[tool]
    fn cancellable(&self, ctx: Context, #[arg(name = "maxItems")] max_items: u32) -> String {
        format!("{max_items} {}", ctx.is_cancelled())
    }

    /// Every async `Context` method.
    #[tool]
    async fn everything(&self, ctx: Context) -> gumstack::Result<String> {
        ctx.progress(1.0, 2.0).await;
        ctx.progress_message(2.0, None, "done").await;
        ctx.warning("careful").await;
        ctx.error("oops").await;
        let _ = ctx.notify_resource_updated("test://bytes").await;
        let name = match ctx.elicit::<Contact>("Who are you?").await? {
            gumstack::context::Elicitation::Accepted(contact) => contact.name,
            _ => String::new(),
        };
        let _ = ctx.elicit_url("Sign in", "https://example.com/login").await?;
        let reply = ctx
            .sample(gumstack::context::Sampling::new(10).system("Be brief.").user(name))
            .await?;
        tokio::select! {
            _ = ctx.cancelled() => {}
            _ = std::future::ready(()) => {}
        }
        Ok(reply.text().unwrap_or_default().to_owned())
    }

    fn suggest_ids(&self, value: String) -> Vec<String> {
        vec![value]
    }

    async fn suggest_languages(&self, ctx: Context, value: &str) -> gumstack::Result<Vec<&'static str>> {
        ctx.debug(value.to_owned()).await;
        Ok(["rust", "python"]
            .into_iter()
            .filter(|l| l.starts_with(value))
            .collect())
    }
}

fn main() {
    let _ = Shapes.run();
    let _ = Context::detached();
}
