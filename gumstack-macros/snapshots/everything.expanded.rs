impl Everything {
    /// Returns a simple text response.
    #[tool(__gumstack_expanded)]
    fn test_simple_text(&self) -> &'static str {
        "This is a simple text response for testing."
    }
    /// Returns an image (a 1x1 red PNG).
    #[tool(__gumstack_expanded)]
    fn test_image_content(&self) -> Content {
        red_pixel()
    }
    /// Returns audio (a short WAV).
    #[tool(__gumstack_expanded)]
    fn test_audio_content(&self) -> Content {
        Content::audio(SILENCE_WAV, "audio/wav")
    }
    /// Returns an embedded resource.
    #[tool(__gumstack_expanded)]
    fn test_embedded_resource(&self) -> Content {
        Content::resource(
            ResourceContents::text(
                "This is an embedded resource content.",
                "test://embedded-resource",
            ),
        )
    }
    /// Returns text, an image and an embedded resource.
    #[tool(__gumstack_expanded)]
    fn test_multiple_content_types(&self) -> Vec<Content> {
        vec![
            Content::text("Multiple content types test:"), red_pixel(),
            Content::resource(ResourceContents::text(r#"{"test":"data","value":123}"#,
            "test://mixed-content-resource",).with_mime_type("application/json"),),
        ]
    }
    /// Sends three log messages while it runs.
    #[tool(__gumstack_expanded)]
    async fn test_tool_with_logging(&self, ctx: Context) -> &'static str {
        ctx.info("Tool execution started").await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        ctx.info("Tool processing data").await;
        tokio::time::sleep(Duration::from_millis(50)).await;
        ctx.info("Tool execution completed").await;
        "Tool with logging executed successfully"
    }
    /// Reports progress 0, 50 and 100 of 100.
    #[tool(__gumstack_expanded)]
    async fn test_tool_with_progress(
        &self,
        ctx: Context,
    ) -> gumstack::Result<&'static str> {
        for (i, done) in [0.0, 50.0, 100.0].into_iter().enumerate() {
            if ctx.is_cancelled() {
                return Err(gumstack::Error::msg("cancelled"));
            }
            if i > 0 {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            ctx.progress(done, 100.0).await;
        }
        Ok("Tool with progress executed successfully")
    }
    /// Waits `ms` milliseconds (at most a minute), then says so: a call still
    /// running when the server is asked to stop (tests/tests/lifecycle.rs).
    #[tool(__gumstack_expanded)]
    async fn wait(&self, ms: u64) -> String {
        let ms = ms.min(60_000);
        tokio::time::sleep(Duration::from_millis(ms)).await;
        format!("waited {ms} ms")
    }
    /// Always fails.
    #[tool(__gumstack_expanded)]
    fn test_error_handling(&self) -> gumstack::Result<String> {
        Err(gumstack::Error::msg("This tool intentionally returns an error for testing"))
    }
    /// Asks the client's model to answer a prompt.
    #[tool(__gumstack_expanded)]
    async fn test_sampling(
        &self,
        ctx: Context,
        prompt: String,
    ) -> gumstack::Result<String> {
        let reply = ctx.sample_text(prompt, 100).await?;
        Ok(format!("LLM response: {reply}"))
    }
    /// Asks the user for their name and email.
    #[tool(__gumstack_expanded)]
    async fn test_elicitation(
        &self,
        ctx: Context,
        message: String,
    ) -> gumstack::Result<String> {
        let answer = ctx.elicit::<Contact>(message).await?;
        Ok(format!("User response: {}", describe(& answer)))
    }
    /// Asks the user's name, under the key `user_name` (SEP-2322).
    #[tool(__gumstack_expanded)]
    async fn test_input_required_result_elicitation(
        &self,
        ctx: Context,
    ) -> gumstack::Result<String> {
        greet_by_name(ctx).await
    }
    /// Asks the client's model a question (SEP-2322).
    #[tool(__gumstack_expanded)]
    async fn test_input_required_result_sampling(
        &self,
        ctx: Context,
    ) -> gumstack::Result<String> {
        let reply = ctx.sample_text("What is the capital of France?", 100).await?;
        Ok(format!("The model answered: {reply}"))
    }
    /// Lists the client's roots (SEP-2322).
    #[tool(__gumstack_expanded)]
    async fn test_input_required_result_list_roots(
        &self,
        ctx: Context,
    ) -> gumstack::Result<String> {
        let roots = ctx.key("client_roots").roots().await?;
        let names: Vec<String> = roots
            .iter()
            .map(|r| format!("{} ({})", r.uri, r.name.as_deref().unwrap_or("unnamed")))
            .collect();
        Ok(format!("The client has {} roots: {}", roots.len(), names.join(", ")))
    }
    /// Asks for a confirmation; the retry carries the sealed requestState.
    #[tool(__gumstack_expanded)]
    async fn test_input_required_result_request_state(
        &self,
        ctx: Context,
    ) -> gumstack::Result<String> {
        let answer = ctx.key("confirm").elicit::<Confirmation>("Please confirm").await?;
        let ok = answer.accepted().is_some_and(|c| c.ok);
        Ok(format!("state-ok: the requestState was valid, confirmed={ok}"))
    }
    /// Asks three things of three kinds in one round.
    #[tool(__gumstack_expanded)]
    async fn test_input_required_result_multiple_inputs(
        &self,
        ctx: Context,
    ) -> gumstack::Result<String> {
        let (name, greeting, roots) = tokio::join!(
            ctx.key("user_name").elicit::< Name > ("What is your name?"), ctx
            .key("greeting").sample(Sampling::new(50).user("Write a short greeting.")),
            ctx.key("client_roots").roots(),
        );
        let (name, greeting, roots) = (name?, greeting?, roots?);
        Ok(
            format!(
                "{} / {} / {} roots", name_of(name), greeting.text().unwrap_or_default(),
                roots.len()
            ),
        )
    }
    /// Asks in two rounds: the second question depends on the first answer.
    #[tool(__gumstack_expanded)]
    async fn test_input_required_result_multi_round(
        &self,
        ctx: Context,
    ) -> gumstack::Result<String> {
        let name = name_of(ctx.key("step1").elicit::<Name>("What is your name?").await?);
        let colour = ctx
            .key("step2")
            .elicit::<Colour>(format!("{name}, what is your favourite colour?"))
            .await?;
        let colour = colour
            .accepted()
            .map_or_else(|| "no colour".to_owned(), |c| c.color);
        Ok(format!("{name} likes {colour}"))
    }
    /// Asks for a name; the suite sends back an altered requestState.
    #[tool(__gumstack_expanded)]
    async fn test_input_required_result_tampered_state(
        &self,
        ctx: Context,
    ) -> gumstack::Result<String> {
        greet_by_name(ctx).await
    }
    /// Asks the user and the model at once: only what the client declared
    /// goes out (the suite declares sampling alone).
    #[tool(__gumstack_expanded)]
    async fn test_input_required_result_capabilities(
        &self,
        ctx: Context,
    ) -> gumstack::Result<String> {
        let (name, reply) = tokio::join!(
            ctx.key("user_name").elicit::< Name > ("What is your name?"), ctx
            .key("capital").sample_text("What is the capital of France?", 100),
        );
        let name = name.map(name_of).unwrap_or_else(|_| "(no elicitation)".to_owned());
        Ok(format!("{name} / {}", reply ?))
    }
    /// Needs sampling: a client that did not declare it gets -32021.
    #[tool(__gumstack_expanded)]
    async fn test_missing_capability(&self, ctx: Context) -> gumstack::Result<String> {
        let reply = ctx.sample_text("Say hello.", 20).await?;
        Ok(format!("The model said: {reply}"))
    }
    /// Elicits: under 2026-07-28 the question comes back in the result,
    /// never as a request on the response stream.
    #[tool(__gumstack_expanded)]
    async fn test_streaming_elicitation(
        &self,
        ctx: Context,
    ) -> gumstack::Result<String> {
        let name = ctx.elicit::<Name>("What is your name?").await?;
        Ok(format!("Hello, {}!", name_of(name)))
    }
    /// Echoes a region that the client also sends as `Mcp-Param-Region`
    /// (SEP-2243): the server checks that header and argument agree.
    #[tool(__gumstack_expanded)]
    fn test_custom_header(&self, region: String) -> String {
        format!("region: {region}")
    }
    /// Greets someone, at once (never a task).
    #[tool(__gumstack_expanded)]
    fn greet(&self, name: String) -> String {
        format!("Hello, {name}!")
    }
    /// Computes for `seconds`; a task when the client supports tasks.
    #[tool(__gumstack_expanded)]
    async fn slow_compute(
        &self,
        ctx: Context,
        seconds: f64,
        label: Option<String>,
    ) -> gumstack::Result<String> {
        let label = label.unwrap_or_else(|| "job".to_owned());
        tokio::select! {
            () = tokio::time::sleep(Duration::from_secs_f64(seconds.clamp(0.0, 600.0)))
            => { Ok(format!("{label}: computed for {seconds} s")) } () = ctx.cancelled()
            => Err(gumstack::Error::msg(format!("{label}: cancelled"))),
        }
    }
    /// Always a task, which ends with a tool error.
    #[tool(__gumstack_expanded)]
    async fn failing_job(&self) -> gumstack::Result<String> {
        tokio::time::sleep(Duration::from_millis(200)).await;
        Err(gumstack::Error::msg("failing_job failed, as it always does"))
    }
    /// A task that fails (the tool panics): the task is `failed`, with an error.
    #[tool(__gumstack_expanded)]
    async fn protocol_error_job(&self) -> String {
        tokio::time::sleep(Duration::from_millis(100)).await;
        panic!("protocol_error_job fails the task on purpose")
    }
    /// Asks the user to confirm before deleting (in a task: the question is
    /// answered with `tasks/update`).
    #[tool(__gumstack_expanded)]
    async fn confirm_delete(
        &self,
        ctx: Context,
        filename: String,
    ) -> gumstack::Result<String> {
        let answer = ctx.elicit::<Confirm>(format!("Delete {filename}?")).await?;
        Ok(
            match answer.accepted() {
                Some(Confirm { confirm: true }) => format!("deleted {filename}"),
                _ => format!("kept {filename}"),
            },
        )
    }
    /// Asks two questions at once (two pending inputs).
    #[tool(__gumstack_expanded)]
    async fn multi_input(&self, ctx: Context) -> gumstack::Result<String> {
        let (name, confirm) = tokio::join!(
            ctx.elicit::< Name > ("What is your name?"), ctx.elicit::< Confirm >
            ("Go on?"),
        );
        let confirmed = confirm?.accepted().is_some_and(|c| c.confirm);
        Ok(format!("{}, confirmed={confirmed}", name_of(name ?)))
    }
    /// Asks a name through the request's rounds, then goes on as a task.
    #[tool(__gumstack_expanded)]
    async fn test_tool_with_task(&self, ctx: Context) -> gumstack::Result<String> {
        let name = name_of(
            ctx.key("user_name").elicit::<Name>("What is your name?").await?,
        );
        ctx.become_task()?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        Ok(format!("Hello, {name}!"))
    }
    /// Logs at info: sent only to a client that asked for that level.
    #[tool(__gumstack_expanded)]
    async fn test_logging_tool(&self, ctx: Context) -> &'static str {
        ctx.info("test_logging_tool ran").await;
        "logged"
    }
    /// Asks the user for a form whose fields all have defaults (SEP-1034).
    #[tool(__gumstack_expanded)]
    async fn test_elicitation_sep1034_defaults(
        &self,
        ctx: Context,
    ) -> gumstack::Result<String> {
        let answer = ctx
            .elicit::<Defaults>("Please review and update the form fields with defaults")
            .await?;
        Ok(format!("Elicitation completed: {}", describe(& answer)))
    }
    /// Asks the user to choose, in every enum shape (SEP-1330).
    #[tool(__gumstack_expanded)]
    async fn test_elicitation_sep1330_enums(
        &self,
        ctx: Context,
    ) -> gumstack::Result<String> {
        let answer = ctx
            .elicit::<Choices>("Please select options from the enum fields")
            .await?;
        Ok(format!("Elicitation completed: {}", describe(& answer)))
    }
    /// Tool with JSON Schema 2020-12 features.
    #[tool(__gumstack_expanded)]
    fn json_schema_2020_12_tool(
        &self,
        name: Option<String>,
        address: Option<Address>,
    ) -> String {
        let city = address.and_then(|a| a.city.or(a.street));
        format!(
            "name={}, city={}", name.as_deref().unwrap_or("-"), city.as_deref()
            .unwrap_or("-")
        )
    }
    /// Changes `test://watched-resource` and notifies its subscribers.
    #[tool(__gumstack_expanded)]
    async fn touch_watched_resource(&self, ctx: Context) -> String {
        let version = self.watched_version.fetch_add(1, Ordering::Relaxed) + 1;
        let notified = ctx.notify_resource_updated("test://watched-resource").await;
        format!(
            "watched resource is now version {version}; {notified} subscriber(s) notified"
        )
    }
    /// A static text resource.
    #[resource(__gumstack_expanded)]
    fn static_text(&self) -> &'static str {
        "This is the content of the static text resource."
    }
    /// A static binary resource (a 1x1 red PNG).
    #[resource(__gumstack_expanded)]
    fn static_binary(&self) -> gumstack::Result<Blob> {
        Blob::from_base64(RED_PIXEL_PNG)
    }
    /// Data for any id.
    #[resource(__gumstack_expanded)]
    fn template_data(&self, id: String) -> TemplateData {
        TemplateData {
            data: format!("Data for ID: {id}"),
            id,
            template_test: true,
        }
    }
    /// A resource clients can subscribe to.
    #[resource(__gumstack_expanded)]
    fn watched_resource(&self) -> String {
        let version = self.watched_version.load(Ordering::Relaxed);
        format!("Watched resource content (version {version})")
    }
    /// A simple prompt without arguments.
    #[prompt(__gumstack_expanded)]
    fn test_simple_prompt(&self) -> &'static str {
        "This is a simple prompt for testing."
    }
    /// A prompt with two arguments.
    #[prompt(__gumstack_expanded)]
    fn test_prompt_with_arguments(&self, arg1: String, arg2: String) -> String {
        format!("Prompt with arguments: arg1='{arg1}', arg2='{arg2}'")
    }
    /// A prompt that embeds a resource.
    #[prompt(__gumstack_expanded)]
    fn test_prompt_with_embedded_resource(
        &self,
        resource_uri: String,
    ) -> Vec<PromptMessage> {
        vec![
            PromptMessage::new(Role::User,
            Content::resource(ResourceContents::text("Embedded resource content for testing.",
            resource_uri,)),), PromptMessage::new_text(Role::User,
            "Please process the embedded resource above."),
        ]
    }
    /// A prompt that asks the user for context first (SEP-2322).
    #[prompt(__gumstack_expanded)]
    async fn test_input_required_result_prompt(
        &self,
        ctx: Context,
    ) -> gumstack::Result<String> {
        let answer = ctx
            .key("user_context")
            .elicit::<UserContext>("What are you working on?")
            .await?;
        let context = answer
            .accepted()
            .map_or_else(|| "nothing".to_owned(), |c| c.context);
        Ok(format!("Help me with what I am working on: {context}"))
    }
    /// A prompt with an image.
    #[prompt(__gumstack_expanded)]
    fn test_prompt_with_image(&self) -> Vec<PromptMessage> {
        vec![
            PromptMessage::new(Role::User, red_pixel()),
            PromptMessage::new_text(Role::User, "Please analyze the image above."),
        ]
    }
    /// Values of `arg1` that start with what was typed.
    fn suggest_arg1(&self, value: &str) -> Vec<&'static str> {
        ["paris", "park", "party", "test", "testing"]
            .into_iter()
            .filter(|v| v.starts_with(value))
            .collect()
    }
    /// Ids that start with what was typed.
    async fn suggest_ids(&self, value: String) -> Vec<String> {
        (1..=200).map(|id| id.to_string()).filter(|id| id.starts_with(&value)).collect()
    }
}
const _: () = {
    #[allow(unused_imports)]
    use ::gumstack::__private::{
        ContextType as _, CredentialsType as _, TextArgType as _, ToolArgType as _,
        Unchecked as _,
    };
    const _: () = <u64 as ::gumstack::tools::ToolArg>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolArg>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolArg>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolArg>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolArg>::__CHECK;
    const _: () = <f64 as ::gumstack::tools::ToolArg>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolArg>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolArg>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolArg>::__CHECK;
    const _: () = <Address as ::gumstack::tools::ToolArg>::__CHECK;
    const _: () = <&'static str as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <Content as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <Content as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <Content as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <Vec<Content> as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <&'static str as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <&'static str as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <&'static str as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <String as ::gumstack::tools::ToolOutput>::__CHECK;
    const _: () = <Context as ::gumstack::context::IsContext>::__CHECK;
    const _: () = <Context as ::gumstack::context::IsContext>::__CHECK;
    const _: () = <Context as ::gumstack::context::IsContext>::__CHECK;
    const _: () = <Context as ::gumstack::context::IsContext>::__CHECK;
    const _: () = <Context as ::gumstack::context::IsContext>::__CHECK;
    const _: () = <Context as ::gumstack::context::IsContext>::__CHECK;
    const _: () = <Context as ::gumstack::context::IsContext>::__CHECK;
    const _: () = <Context as ::gumstack::context::IsContext>::__CHECK;
    const _: () = <Context as ::gumstack::context::IsContext>::__CHECK;
    const _: () = <Context as ::gumstack::context::IsContext>::__CHECK;
    const _: () = <Context as ::gumstack::context::IsContext>::__CHECK;
    const _: () = <Context as ::gumstack::context::IsContext>::__CHECK;
    const _: () = <Context as ::gumstack::context::IsContext>::__CHECK;
    const _: () = <Context as ::gumstack::context::IsContext>::__CHECK;
    const _: () = <Context as ::gumstack::context::IsContext>::__CHECK;
    const _: () = <Context as ::gumstack::context::IsContext>::__CHECK;
    const _: () = <Context as ::gumstack::context::IsContext>::__CHECK;
    const _: () = <Context as ::gumstack::context::IsContext>::__CHECK;
    const _: () = <Context as ::gumstack::context::IsContext>::__CHECK;
    const _: () = <Context as ::gumstack::context::IsContext>::__CHECK;
    const _: () = <Context as ::gumstack::context::IsContext>::__CHECK;
    const _: () = <Context as ::gumstack::context::IsContext>::__CHECK;
    const _: () = <&'static str as ::gumstack::resources::ResourceValue>::__CHECK;
    const _: () = <Blob as ::gumstack::resources::ResourceValue>::__CHECK;
    const _: () = <String as ::gumstack::prompts::TextArg>::__CHECK;
    const _: () = <TemplateData as ::gumstack::resources::ResourceValue>::__CHECK;
    const _: () = <String as ::gumstack::resources::ResourceValue>::__CHECK;
    static __GUMSTACK_TEMPLATE_0: ::gumstack::__private::UriTemplate = ::gumstack::__private::UriTemplate(
        &[
            ::gumstack::__private::UriPart::Literal("test://template/"),
            ::gumstack::__private::UriPart::Placeholder("id"),
            ::gumstack::__private::UriPart::Literal("/data"),
        ],
    );
    const _: () = <&'static str as ::gumstack::prompts::PromptValue>::__CHECK;
    const _: () = <String as ::gumstack::prompts::TextArg>::__CHECK;
    const _: () = <String as ::gumstack::prompts::TextArg>::__CHECK;
    const _: () = <String as ::gumstack::prompts::PromptValue>::__CHECK;
    const _: () = <String as ::gumstack::prompts::TextArg>::__CHECK;
    const _: () = <Vec<PromptMessage> as ::gumstack::prompts::PromptValue>::__CHECK;
    const _: () = <String as ::gumstack::prompts::PromptValue>::__CHECK;
    const _: () = <Context as ::gumstack::context::IsContext>::__CHECK;
    const _: () = <Vec<PromptMessage> as ::gumstack::prompts::PromptValue>::__CHECK;
    const _: () = <Vec<&'static str> as ::gumstack::CompletionValues>::__CHECK;
    const _: () = <Vec<String> as ::gumstack::CompletionValues>::__CHECK;
    static __GUMSTACK_ENV_CREDS: ::std::sync::OnceLock<()> = ::std::sync::OnceLock::new();
    impl Everything {
        /// The operator's credentials (`auth = none`), read from env once at
        /// start-up: synchronous and free of allocation.
        #[allow(dead_code)]
        pub fn creds(&self) -> &'static () {
            __GUMSTACK_ENV_CREDS
                .get_or_init(|| {
                    (&::gumstack::__private::UserType::<()>::new())
                        .env_creds_outside_host()
                })
        }
    }
    /// What this server remembers of its sessions: log levels, subscriptions.
    static __GUMSTACK_STATE: ::gumstack::__private::ServerState = ::gumstack::__private::ServerState::new();
    /// The server the host runs (set at start-up, for tasks).
    #[allow(dead_code)]
    static __GUMSTACK_INSTANCE: ::std::sync::OnceLock<::std::sync::Arc<Everything>> = ::std::sync::OnceLock::new();
    impl ::gumstack::Server for Everything {
        type Auth = ::gumstack::__private::NoAuth<()>;
        const NAME: &'static str = "everything";
        const VERSION: &'static str = ::core::env!("CARGO_PKG_VERSION");
        const INSTRUCTIONS: ::core::option::Option<&'static str> = ::core::option::Option::Some(
            "The MCP conformance suite's fixture: every kind of tool, resource and prompt.",
        );
        fn tools() -> &'static [::gumstack::__private::rmcp::model::Tool] {
            static TOOLS: ::std::sync::LazyLock<
                ::std::vec::Vec<::gumstack::__private::rmcp::model::Tool>,
            > = ::std::sync::LazyLock::new(|| {
                ::std::vec![
                    ::gumstack::__private::tool("test_simple_text",
                    ::core::option::Option::None, "Returns a simple text response.",
                    ::gumstack::__private::rmcp::handler::server::common::schema_for_empty_input(),
                    { #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as
                    _, StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < & 'static str > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("test_image_content",
                    ::core::option::Option::None, "Returns an image (a 1x1 red PNG).",
                    ::gumstack::__private::rmcp::handler::server::common::schema_for_empty_input(),
                    { #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as
                    _, StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < Content > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("test_audio_content",
                    ::core::option::Option::None, "Returns audio (a short WAV).",
                    ::gumstack::__private::rmcp::handler::server::common::schema_for_empty_input(),
                    { #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as
                    _, StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < Content > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("test_embedded_resource",
                    ::core::option::Option::None, "Returns an embedded resource.",
                    ::gumstack::__private::rmcp::handler::server::common::schema_for_empty_input(),
                    { #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as
                    _, StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < Content > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("test_multiple_content_types",
                    ::core::option::Option::None,
                    "Returns text, an image and an embedded resource.",
                    ::gumstack::__private::rmcp::handler::server::common::schema_for_empty_input(),
                    { #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as
                    _, StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < Vec < Content > > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("test_tool_with_logging",
                    ::core::option::Option::None,
                    "Sends three log messages while it runs.",
                    ::gumstack::__private::rmcp::handler::server::common::schema_for_empty_input(),
                    { #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as
                    _, StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < & 'static str > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("test_tool_with_progress",
                    ::core::option::Option::None,
                    "Reports progress 0, 50 and 100 of 100.",
                    ::gumstack::__private::rmcp::handler::server::common::schema_for_empty_input(),
                    { #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as
                    _, StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < & 'static str > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]), ::gumstack::__private::tool("wait",
                    ::core::option::Option::None,
                    "Waits `ms` milliseconds (at most a minute), then says so: a call still\nrunning when the server is asked to stop (tests/tests/lifecycle.rs).",
                    { let schema = ::gumstack::__private::InputSchema::new(); let schema
                    = (& ::gumstack::__private::UserType:: < u64 > ::new()).param(schema,
                    "ms", ::core::option::Option::None, true); schema.finish() }, {
                    #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as _,
                    StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("test_error_handling",
                    ::core::option::Option::None, "Always fails.",
                    ::gumstack::__private::rmcp::handler::server::common::schema_for_empty_input(),
                    { #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as
                    _, StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("test_sampling",
                    ::core::option::Option::None,
                    "Asks the client's model to answer a prompt.", { let schema =
                    ::gumstack::__private::InputSchema::new(); let schema = (&
                    ::gumstack::__private::UserType:: < String > ::new()).param(schema,
                    "prompt",
                    ::core::option::Option::Some("The prompt to send to the LLM"), true);
                    schema.finish() }, { #[allow(unused_imports)] use
                    ::gumstack::__private:: { NoSchema as _, StructuredSchema as _,
                    UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("test_elicitation",
                    ::core::option::Option::None,
                    "Asks the user for their name and email.", { let schema =
                    ::gumstack::__private::InputSchema::new(); let schema = (&
                    ::gumstack::__private::UserType:: < String > ::new()).param(schema,
                    "message",
                    ::core::option::Option::Some("The message to show the user"), true);
                    schema.finish() }, { #[allow(unused_imports)] use
                    ::gumstack::__private:: { NoSchema as _, StructuredSchema as _,
                    UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("test_input_required_result_elicitation",
                    ::core::option::Option::None,
                    "Asks the user's name, under the key `user_name` (SEP-2322).",
                    ::gumstack::__private::rmcp::handler::server::common::schema_for_empty_input(),
                    { #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as
                    _, StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("test_input_required_result_sampling",
                    ::core::option::Option::None,
                    "Asks the client's model a question (SEP-2322).",
                    ::gumstack::__private::rmcp::handler::server::common::schema_for_empty_input(),
                    { #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as
                    _, StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("test_input_required_result_list_roots",
                    ::core::option::Option::None, "Lists the client's roots (SEP-2322).",
                    ::gumstack::__private::rmcp::handler::server::common::schema_for_empty_input(),
                    { #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as
                    _, StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("test_input_required_result_request_state",
                    ::core::option::Option::None,
                    "Asks for a confirmation; the retry carries the sealed requestState.",
                    ::gumstack::__private::rmcp::handler::server::common::schema_for_empty_input(),
                    { #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as
                    _, StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("test_input_required_result_multiple_inputs",
                    ::core::option::Option::None,
                    "Asks three things of three kinds in one round.",
                    ::gumstack::__private::rmcp::handler::server::common::schema_for_empty_input(),
                    { #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as
                    _, StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("test_input_required_result_multi_round",
                    ::core::option::Option::None,
                    "Asks in two rounds: the second question depends on the first answer.",
                    ::gumstack::__private::rmcp::handler::server::common::schema_for_empty_input(),
                    { #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as
                    _, StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("test_input_required_result_tampered_state",
                    ::core::option::Option::None,
                    "Asks for a name; the suite sends back an altered requestState.",
                    ::gumstack::__private::rmcp::handler::server::common::schema_for_empty_input(),
                    { #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as
                    _, StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("test_input_required_result_capabilities",
                    ::core::option::Option::None,
                    "Asks the user and the model at once: only what the client declared\ngoes out (the suite declares sampling alone).",
                    ::gumstack::__private::rmcp::handler::server::common::schema_for_empty_input(),
                    { #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as
                    _, StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("test_missing_capability",
                    ::core::option::Option::None,
                    "Needs sampling: a client that did not declare it gets -32021.",
                    ::gumstack::__private::rmcp::handler::server::common::schema_for_empty_input(),
                    { #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as
                    _, StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("test_streaming_elicitation",
                    ::core::option::Option::None,
                    "Elicits: under 2026-07-28 the question comes back in the result,\nnever as a request on the response stream.",
                    ::gumstack::__private::rmcp::handler::server::common::schema_for_empty_input(),
                    { #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as
                    _, StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("test_custom_header",
                    ::core::option::Option::None,
                    "Echoes a region that the client also sends as `Mcp-Param-Region`\n(SEP-2243): the server checks that header and argument agree.",
                    { let schema = ::gumstack::__private::InputSchema::new(); let schema
                    = (& ::gumstack::__private::UserType:: < String > ::new())
                    .param(schema, "region",
                    ::core::option::Option::Some("Where to run"), true); let schema =
                    schema.header("region", "Region"); schema.finish() }, {
                    #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as _,
                    StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]), ::gumstack::__private::tool("greet",
                    ::core::option::Option::None,
                    "Greets someone, at once (never a task).", { let schema =
                    ::gumstack::__private::InputSchema::new(); let schema = (&
                    ::gumstack::__private::UserType:: < String > ::new()).param(schema,
                    "name", ::core::option::Option::None, true); schema.finish() }, {
                    #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as _,
                    StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("slow_compute",
                    ::core::option::Option::None,
                    "Computes for `seconds`; a task when the client supports tasks.", {
                    let schema = ::gumstack::__private::InputSchema::new(); let schema =
                    (& ::gumstack::__private::UserType:: < f64 > ::new()).param(schema,
                    "seconds", ::core::option::Option::None, true); let schema = (&
                    ::gumstack::__private::UserType:: < Option < String > > ::new())
                    .param(schema, "label", ::core::option::Option::None, false); schema
                    .finish() }, { #[allow(unused_imports)] use ::gumstack::__private:: {
                    NoSchema as _, StructuredSchema as _, UncheckedOutputSchema as _ };
                    (& ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("failing_job",
                    ::core::option::Option::None,
                    "Always a task, which ends with a tool error.",
                    ::gumstack::__private::rmcp::handler::server::common::schema_for_empty_input(),
                    { #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as
                    _, StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("protocol_error_job",
                    ::core::option::Option::None,
                    "A task that fails (the tool panics): the task is `failed`, with an error.",
                    ::gumstack::__private::rmcp::handler::server::common::schema_for_empty_input(),
                    { #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as
                    _, StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("confirm_delete",
                    ::core::option::Option::None,
                    "Asks the user to confirm before deleting (in a task: the question is\nanswered with `tasks/update`).",
                    { let schema = ::gumstack::__private::InputSchema::new(); let schema
                    = (& ::gumstack::__private::UserType:: < String > ::new())
                    .param(schema, "filename", ::core::option::Option::None, true);
                    schema.finish() }, { #[allow(unused_imports)] use
                    ::gumstack::__private:: { NoSchema as _, StructuredSchema as _,
                    UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("multi_input",
                    ::core::option::Option::None,
                    "Asks two questions at once (two pending inputs).",
                    ::gumstack::__private::rmcp::handler::server::common::schema_for_empty_input(),
                    { #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as
                    _, StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("test_tool_with_task",
                    ::core::option::Option::None,
                    "Asks a name through the request's rounds, then goes on as a task.",
                    ::gumstack::__private::rmcp::handler::server::common::schema_for_empty_input(),
                    { #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as
                    _, StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("test_logging_tool",
                    ::core::option::Option::None,
                    "Logs at info: sent only to a client that asked for that level.",
                    ::gumstack::__private::rmcp::handler::server::common::schema_for_empty_input(),
                    { #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as
                    _, StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < & 'static str > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("test_elicitation_sep1034_defaults",
                    ::core::option::Option::None,
                    "Asks the user for a form whose fields all have defaults (SEP-1034).",
                    ::gumstack::__private::rmcp::handler::server::common::schema_for_empty_input(),
                    { #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as
                    _, StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("test_elicitation_sep1330_enums",
                    ::core::option::Option::None,
                    "Asks the user to choose, in every enum shape (SEP-1330).",
                    ::gumstack::__private::rmcp::handler::server::common::schema_for_empty_input(),
                    { #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as
                    _, StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("json_schema_2020_12_tool",
                    ::core::option::Option::None,
                    "Tool with JSON Schema 2020-12 features.", { let schema =
                    ::gumstack::__private::InputSchema::new(); let schema = (&
                    ::gumstack::__private::UserType:: < Option < String > > ::new())
                    .param(schema, "name", ::core::option::Option::None, false); let
                    schema = (& ::gumstack::__private::UserType:: < Option < Address > >
                    ::new()).param(schema, "address", ::core::option::Option::None,
                    false); schema.finish() }, { #[allow(unused_imports)] use
                    ::gumstack::__private:: { NoSchema as _, StructuredSchema as _,
                    UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None]),
                    ::gumstack::__private::tool("touch_watched_resource",
                    ::core::option::Option::None,
                    "Changes `test://watched-resource` and notifies its subscribers.",
                    ::gumstack::__private::rmcp::handler::server::common::schema_for_empty_input(),
                    { #[allow(unused_imports)] use ::gumstack::__private:: { NoSchema as
                    _, StructuredSchema as _, UncheckedOutputSchema as _ }; (&
                    ::gumstack::__private::OutputSchema:: < String > ::new())
                    .output_schema() }, [::core::option::Option::None,
                    ::core::option::Option::None, ::core::option::Option::None,
                    ::core::option::Option::None])
                ]
            });
            &TOOLS
        }
        #[allow(unused_mut, unused_variables, clippy::let_unit_value)]
        fn call_tool<'a>(
            &'a self,
            name: &'a str,
            arguments: ::gumstack::__private::rmcp::model::JsonObject,
        ) -> impl ::core::future::Future<
            Output = ::core::option::Option<
                ::gumstack::__private::rmcp::model::CallToolResult,
            >,
        > + ::core::marker::Send + 'a {
            async move {
                match name {
                    "test_simple_text" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "test_simple_text",
                                    arguments,
                                );
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&[])
                                {
                                    return error;
                                }
                                let () = () else { ::core::unreachable!() };
                                {
                                    #[allow(unused_imports)]
                                    use ::gumstack::__private::{
                                        IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                    };
                                    (&::gumstack::__private::Output::new(
                                        self.test_simple_text(),
                                    ))
                                        .tool_result()
                                }
                            }
                                .await,
                        )
                    }
                    "test_image_content" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "test_image_content",
                                    arguments,
                                );
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&[])
                                {
                                    return error;
                                }
                                let () = () else { ::core::unreachable!() };
                                {
                                    #[allow(unused_imports)]
                                    use ::gumstack::__private::{
                                        IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                    };
                                    (&::gumstack::__private::Output::new(
                                        self.test_image_content(),
                                    ))
                                        .tool_result()
                                }
                            }
                                .await,
                        )
                    }
                    "test_audio_content" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "test_audio_content",
                                    arguments,
                                );
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&[])
                                {
                                    return error;
                                }
                                let () = () else { ::core::unreachable!() };
                                {
                                    #[allow(unused_imports)]
                                    use ::gumstack::__private::{
                                        IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                    };
                                    (&::gumstack::__private::Output::new(
                                        self.test_audio_content(),
                                    ))
                                        .tool_result()
                                }
                            }
                                .await,
                        )
                    }
                    "test_embedded_resource" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "test_embedded_resource",
                                    arguments,
                                );
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&[])
                                {
                                    return error;
                                }
                                let () = () else { ::core::unreachable!() };
                                {
                                    #[allow(unused_imports)]
                                    use ::gumstack::__private::{
                                        IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                    };
                                    (&::gumstack::__private::Output::new(
                                        self.test_embedded_resource(),
                                    ))
                                        .tool_result()
                                }
                            }
                                .await,
                        )
                    }
                    "test_multiple_content_types" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "test_multiple_content_types",
                                    arguments,
                                );
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&[])
                                {
                                    return error;
                                }
                                let () = () else { ::core::unreachable!() };
                                {
                                    #[allow(unused_imports)]
                                    use ::gumstack::__private::{
                                        IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                    };
                                    (&::gumstack::__private::Output::new(
                                        self.test_multiple_content_types(),
                                    ))
                                        .tool_result()
                                }
                            }
                                .await,
                        )
                    }
                    "test_tool_with_logging" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "test_tool_with_logging",
                                    arguments,
                                );
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&[])
                                {
                                    return error;
                                }
                                let () = () else { ::core::unreachable!() };
                                let __gumstack_ctx = ::gumstack::__private::Context::current();
                                {
                                    #[allow(unused_imports)]
                                    use ::gumstack::__private::{
                                        IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                    };
                                    (&::gumstack::__private::Output::new(
                                        self
                                            .test_tool_with_logging(
                                                (&::gumstack::__private::UserType::<Context>::new())
                                                    .context_arg(&__gumstack_ctx),
                                            )
                                            .await,
                                    ))
                                        .tool_result()
                                }
                            }
                                .await,
                        )
                    }
                    "test_tool_with_progress" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "test_tool_with_progress",
                                    arguments,
                                );
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&[])
                                {
                                    return error;
                                }
                                let () = () else { ::core::unreachable!() };
                                let __gumstack_ctx = ::gumstack::__private::Context::current();
                                match self
                                    .test_tool_with_progress(
                                        (&::gumstack::__private::UserType::<Context>::new())
                                            .context_arg(&__gumstack_ctx),
                                    )
                                    .await
                                {
                                    ::core::result::Result::Ok(value) => {
                                        #[allow(unused_imports)]
                                        use ::gumstack::__private::{
                                            IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                        };
                                        (&::gumstack::__private::Output::new(value)).tool_result()
                                    }
                                    ::core::result::Result::Err(error) => {
                                        ::gumstack::__private::tool_error(error)
                                    }
                                }
                            }
                                .await,
                        )
                    }
                    "wait" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "wait",
                                    arguments,
                                );
                                let __gumstack_arg_ms = (&::gumstack::__private::UserType::<
                                    u64,
                                >::new())
                                    .required(&mut arguments, "ms");
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&["ms"])
                                {
                                    return error;
                                }
                                let (::core::option::Option::Some(__gumstack_arg_ms),) = (
                                    __gumstack_arg_ms,
                                ) else { ::core::unreachable!() };
                                {
                                    #[allow(unused_imports)]
                                    use ::gumstack::__private::{
                                        IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                    };
                                    (&::gumstack::__private::Output::new(
                                        self.wait(__gumstack_arg_ms).await,
                                    ))
                                        .tool_result()
                                }
                            }
                                .await,
                        )
                    }
                    "test_error_handling" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "test_error_handling",
                                    arguments,
                                );
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&[])
                                {
                                    return error;
                                }
                                let () = () else { ::core::unreachable!() };
                                match self.test_error_handling() {
                                    ::core::result::Result::Ok(value) => {
                                        #[allow(unused_imports)]
                                        use ::gumstack::__private::{
                                            IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                        };
                                        (&::gumstack::__private::Output::new(value)).tool_result()
                                    }
                                    ::core::result::Result::Err(error) => {
                                        ::gumstack::__private::tool_error(error)
                                    }
                                }
                            }
                                .await,
                        )
                    }
                    "test_sampling" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "test_sampling",
                                    arguments,
                                );
                                let __gumstack_arg_prompt = (&::gumstack::__private::UserType::<
                                    String,
                                >::new())
                                    .required(&mut arguments, "prompt");
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&["prompt"])
                                {
                                    return error;
                                }
                                let (
                                    ::core::option::Option::Some(__gumstack_arg_prompt),
                                ) = (__gumstack_arg_prompt,) else {
                                    ::core::unreachable!()
                                };
                                let __gumstack_ctx = ::gumstack::__private::Context::current();
                                match self
                                    .test_sampling(
                                        (&::gumstack::__private::UserType::<Context>::new())
                                            .context_arg(&__gumstack_ctx),
                                        __gumstack_arg_prompt,
                                    )
                                    .await
                                {
                                    ::core::result::Result::Ok(value) => {
                                        #[allow(unused_imports)]
                                        use ::gumstack::__private::{
                                            IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                        };
                                        (&::gumstack::__private::Output::new(value)).tool_result()
                                    }
                                    ::core::result::Result::Err(error) => {
                                        ::gumstack::__private::tool_error(error)
                                    }
                                }
                            }
                                .await,
                        )
                    }
                    "test_elicitation" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "test_elicitation",
                                    arguments,
                                );
                                let __gumstack_arg_message = (&::gumstack::__private::UserType::<
                                    String,
                                >::new())
                                    .required(&mut arguments, "message");
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&["message"])
                                {
                                    return error;
                                }
                                let (
                                    ::core::option::Option::Some(__gumstack_arg_message),
                                ) = (__gumstack_arg_message,) else {
                                    ::core::unreachable!()
                                };
                                let __gumstack_ctx = ::gumstack::__private::Context::current();
                                match self
                                    .test_elicitation(
                                        (&::gumstack::__private::UserType::<Context>::new())
                                            .context_arg(&__gumstack_ctx),
                                        __gumstack_arg_message,
                                    )
                                    .await
                                {
                                    ::core::result::Result::Ok(value) => {
                                        #[allow(unused_imports)]
                                        use ::gumstack::__private::{
                                            IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                        };
                                        (&::gumstack::__private::Output::new(value)).tool_result()
                                    }
                                    ::core::result::Result::Err(error) => {
                                        ::gumstack::__private::tool_error(error)
                                    }
                                }
                            }
                                .await,
                        )
                    }
                    "test_input_required_result_elicitation" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "test_input_required_result_elicitation",
                                    arguments,
                                );
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&[])
                                {
                                    return error;
                                }
                                let () = () else { ::core::unreachable!() };
                                let __gumstack_ctx = ::gumstack::__private::Context::current();
                                match self
                                    .test_input_required_result_elicitation(
                                        (&::gumstack::__private::UserType::<Context>::new())
                                            .context_arg(&__gumstack_ctx),
                                    )
                                    .await
                                {
                                    ::core::result::Result::Ok(value) => {
                                        #[allow(unused_imports)]
                                        use ::gumstack::__private::{
                                            IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                        };
                                        (&::gumstack::__private::Output::new(value)).tool_result()
                                    }
                                    ::core::result::Result::Err(error) => {
                                        ::gumstack::__private::tool_error(error)
                                    }
                                }
                            }
                                .await,
                        )
                    }
                    "test_input_required_result_sampling" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "test_input_required_result_sampling",
                                    arguments,
                                );
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&[])
                                {
                                    return error;
                                }
                                let () = () else { ::core::unreachable!() };
                                let __gumstack_ctx = ::gumstack::__private::Context::current();
                                match self
                                    .test_input_required_result_sampling(
                                        (&::gumstack::__private::UserType::<Context>::new())
                                            .context_arg(&__gumstack_ctx),
                                    )
                                    .await
                                {
                                    ::core::result::Result::Ok(value) => {
                                        #[allow(unused_imports)]
                                        use ::gumstack::__private::{
                                            IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                        };
                                        (&::gumstack::__private::Output::new(value)).tool_result()
                                    }
                                    ::core::result::Result::Err(error) => {
                                        ::gumstack::__private::tool_error(error)
                                    }
                                }
                            }
                                .await,
                        )
                    }
                    "test_input_required_result_list_roots" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "test_input_required_result_list_roots",
                                    arguments,
                                );
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&[])
                                {
                                    return error;
                                }
                                let () = () else { ::core::unreachable!() };
                                let __gumstack_ctx = ::gumstack::__private::Context::current();
                                match self
                                    .test_input_required_result_list_roots(
                                        (&::gumstack::__private::UserType::<Context>::new())
                                            .context_arg(&__gumstack_ctx),
                                    )
                                    .await
                                {
                                    ::core::result::Result::Ok(value) => {
                                        #[allow(unused_imports)]
                                        use ::gumstack::__private::{
                                            IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                        };
                                        (&::gumstack::__private::Output::new(value)).tool_result()
                                    }
                                    ::core::result::Result::Err(error) => {
                                        ::gumstack::__private::tool_error(error)
                                    }
                                }
                            }
                                .await,
                        )
                    }
                    "test_input_required_result_request_state" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "test_input_required_result_request_state",
                                    arguments,
                                );
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&[])
                                {
                                    return error;
                                }
                                let () = () else { ::core::unreachable!() };
                                let __gumstack_ctx = ::gumstack::__private::Context::current();
                                match self
                                    .test_input_required_result_request_state(
                                        (&::gumstack::__private::UserType::<Context>::new())
                                            .context_arg(&__gumstack_ctx),
                                    )
                                    .await
                                {
                                    ::core::result::Result::Ok(value) => {
                                        #[allow(unused_imports)]
                                        use ::gumstack::__private::{
                                            IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                        };
                                        (&::gumstack::__private::Output::new(value)).tool_result()
                                    }
                                    ::core::result::Result::Err(error) => {
                                        ::gumstack::__private::tool_error(error)
                                    }
                                }
                            }
                                .await,
                        )
                    }
                    "test_input_required_result_multiple_inputs" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "test_input_required_result_multiple_inputs",
                                    arguments,
                                );
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&[])
                                {
                                    return error;
                                }
                                let () = () else { ::core::unreachable!() };
                                let __gumstack_ctx = ::gumstack::__private::Context::current();
                                match self
                                    .test_input_required_result_multiple_inputs(
                                        (&::gumstack::__private::UserType::<Context>::new())
                                            .context_arg(&__gumstack_ctx),
                                    )
                                    .await
                                {
                                    ::core::result::Result::Ok(value) => {
                                        #[allow(unused_imports)]
                                        use ::gumstack::__private::{
                                            IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                        };
                                        (&::gumstack::__private::Output::new(value)).tool_result()
                                    }
                                    ::core::result::Result::Err(error) => {
                                        ::gumstack::__private::tool_error(error)
                                    }
                                }
                            }
                                .await,
                        )
                    }
                    "test_input_required_result_multi_round" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "test_input_required_result_multi_round",
                                    arguments,
                                );
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&[])
                                {
                                    return error;
                                }
                                let () = () else { ::core::unreachable!() };
                                let __gumstack_ctx = ::gumstack::__private::Context::current();
                                match self
                                    .test_input_required_result_multi_round(
                                        (&::gumstack::__private::UserType::<Context>::new())
                                            .context_arg(&__gumstack_ctx),
                                    )
                                    .await
                                {
                                    ::core::result::Result::Ok(value) => {
                                        #[allow(unused_imports)]
                                        use ::gumstack::__private::{
                                            IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                        };
                                        (&::gumstack::__private::Output::new(value)).tool_result()
                                    }
                                    ::core::result::Result::Err(error) => {
                                        ::gumstack::__private::tool_error(error)
                                    }
                                }
                            }
                                .await,
                        )
                    }
                    "test_input_required_result_tampered_state" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "test_input_required_result_tampered_state",
                                    arguments,
                                );
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&[])
                                {
                                    return error;
                                }
                                let () = () else { ::core::unreachable!() };
                                let __gumstack_ctx = ::gumstack::__private::Context::current();
                                match self
                                    .test_input_required_result_tampered_state(
                                        (&::gumstack::__private::UserType::<Context>::new())
                                            .context_arg(&__gumstack_ctx),
                                    )
                                    .await
                                {
                                    ::core::result::Result::Ok(value) => {
                                        #[allow(unused_imports)]
                                        use ::gumstack::__private::{
                                            IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                        };
                                        (&::gumstack::__private::Output::new(value)).tool_result()
                                    }
                                    ::core::result::Result::Err(error) => {
                                        ::gumstack::__private::tool_error(error)
                                    }
                                }
                            }
                                .await,
                        )
                    }
                    "test_input_required_result_capabilities" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "test_input_required_result_capabilities",
                                    arguments,
                                );
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&[])
                                {
                                    return error;
                                }
                                let () = () else { ::core::unreachable!() };
                                let __gumstack_ctx = ::gumstack::__private::Context::current();
                                match self
                                    .test_input_required_result_capabilities(
                                        (&::gumstack::__private::UserType::<Context>::new())
                                            .context_arg(&__gumstack_ctx),
                                    )
                                    .await
                                {
                                    ::core::result::Result::Ok(value) => {
                                        #[allow(unused_imports)]
                                        use ::gumstack::__private::{
                                            IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                        };
                                        (&::gumstack::__private::Output::new(value)).tool_result()
                                    }
                                    ::core::result::Result::Err(error) => {
                                        ::gumstack::__private::tool_error(error)
                                    }
                                }
                            }
                                .await,
                        )
                    }
                    "test_missing_capability" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "test_missing_capability",
                                    arguments,
                                );
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&[])
                                {
                                    return error;
                                }
                                let () = () else { ::core::unreachable!() };
                                let __gumstack_ctx = ::gumstack::__private::Context::current();
                                match self
                                    .test_missing_capability(
                                        (&::gumstack::__private::UserType::<Context>::new())
                                            .context_arg(&__gumstack_ctx),
                                    )
                                    .await
                                {
                                    ::core::result::Result::Ok(value) => {
                                        #[allow(unused_imports)]
                                        use ::gumstack::__private::{
                                            IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                        };
                                        (&::gumstack::__private::Output::new(value)).tool_result()
                                    }
                                    ::core::result::Result::Err(error) => {
                                        ::gumstack::__private::tool_error(error)
                                    }
                                }
                            }
                                .await,
                        )
                    }
                    "test_streaming_elicitation" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "test_streaming_elicitation",
                                    arguments,
                                );
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&[])
                                {
                                    return error;
                                }
                                let () = () else { ::core::unreachable!() };
                                let __gumstack_ctx = ::gumstack::__private::Context::current();
                                match self
                                    .test_streaming_elicitation(
                                        (&::gumstack::__private::UserType::<Context>::new())
                                            .context_arg(&__gumstack_ctx),
                                    )
                                    .await
                                {
                                    ::core::result::Result::Ok(value) => {
                                        #[allow(unused_imports)]
                                        use ::gumstack::__private::{
                                            IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                        };
                                        (&::gumstack::__private::Output::new(value)).tool_result()
                                    }
                                    ::core::result::Result::Err(error) => {
                                        ::gumstack::__private::tool_error(error)
                                    }
                                }
                            }
                                .await,
                        )
                    }
                    "test_custom_header" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "test_custom_header",
                                    arguments,
                                );
                                let __gumstack_arg_region = (&::gumstack::__private::UserType::<
                                    String,
                                >::new())
                                    .required(&mut arguments, "region");
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&["region"])
                                {
                                    return error;
                                }
                                let (
                                    ::core::option::Option::Some(__gumstack_arg_region),
                                ) = (__gumstack_arg_region,) else {
                                    ::core::unreachable!()
                                };
                                {
                                    #[allow(unused_imports)]
                                    use ::gumstack::__private::{
                                        IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                    };
                                    (&::gumstack::__private::Output::new(
                                        self.test_custom_header(__gumstack_arg_region),
                                    ))
                                        .tool_result()
                                }
                            }
                                .await,
                        )
                    }
                    "greet" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "greet",
                                    arguments,
                                );
                                let __gumstack_arg_name = (&::gumstack::__private::UserType::<
                                    String,
                                >::new())
                                    .required(&mut arguments, "name");
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&["name"])
                                {
                                    return error;
                                }
                                let (::core::option::Option::Some(__gumstack_arg_name),) = (
                                    __gumstack_arg_name,
                                ) else { ::core::unreachable!() };
                                {
                                    #[allow(unused_imports)]
                                    use ::gumstack::__private::{
                                        IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                    };
                                    (&::gumstack::__private::Output::new(
                                        self.greet(__gumstack_arg_name),
                                    ))
                                        .tool_result()
                                }
                            }
                                .await,
                        )
                    }
                    "slow_compute" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "slow_compute",
                                    arguments,
                                );
                                let __gumstack_arg_seconds = (&::gumstack::__private::UserType::<
                                    f64,
                                >::new())
                                    .required(&mut arguments, "seconds");
                                let __gumstack_arg_label = (&::gumstack::__private::UserType::<
                                    String,
                                >::new())
                                    .optional(&mut arguments, "label");
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&["seconds", "label"])
                                {
                                    return error;
                                }
                                let (
                                    ::core::option::Option::Some(__gumstack_arg_seconds),
                                    ::core::option::Option::Some(__gumstack_arg_label),
                                ) = (__gumstack_arg_seconds, __gumstack_arg_label) else {
                                    ::core::unreachable!()
                                };
                                let __gumstack_ctx = ::gumstack::__private::Context::current();
                                match self
                                    .slow_compute(
                                        (&::gumstack::__private::UserType::<Context>::new())
                                            .context_arg(&__gumstack_ctx),
                                        __gumstack_arg_seconds,
                                        __gumstack_arg_label,
                                    )
                                    .await
                                {
                                    ::core::result::Result::Ok(value) => {
                                        #[allow(unused_imports)]
                                        use ::gumstack::__private::{
                                            IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                        };
                                        (&::gumstack::__private::Output::new(value)).tool_result()
                                    }
                                    ::core::result::Result::Err(error) => {
                                        ::gumstack::__private::tool_error(error)
                                    }
                                }
                            }
                                .await,
                        )
                    }
                    "failing_job" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "failing_job",
                                    arguments,
                                );
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&[])
                                {
                                    return error;
                                }
                                let () = () else { ::core::unreachable!() };
                                match self.failing_job().await {
                                    ::core::result::Result::Ok(value) => {
                                        #[allow(unused_imports)]
                                        use ::gumstack::__private::{
                                            IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                        };
                                        (&::gumstack::__private::Output::new(value)).tool_result()
                                    }
                                    ::core::result::Result::Err(error) => {
                                        ::gumstack::__private::tool_error(error)
                                    }
                                }
                            }
                                .await,
                        )
                    }
                    "protocol_error_job" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "protocol_error_job",
                                    arguments,
                                );
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&[])
                                {
                                    return error;
                                }
                                let () = () else { ::core::unreachable!() };
                                {
                                    #[allow(unused_imports)]
                                    use ::gumstack::__private::{
                                        IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                    };
                                    (&::gumstack::__private::Output::new(
                                        self.protocol_error_job().await,
                                    ))
                                        .tool_result()
                                }
                            }
                                .await,
                        )
                    }
                    "confirm_delete" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "confirm_delete",
                                    arguments,
                                );
                                let __gumstack_arg_filename = (&::gumstack::__private::UserType::<
                                    String,
                                >::new())
                                    .required(&mut arguments, "filename");
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&["filename"])
                                {
                                    return error;
                                }
                                let (
                                    ::core::option::Option::Some(__gumstack_arg_filename),
                                ) = (__gumstack_arg_filename,) else {
                                    ::core::unreachable!()
                                };
                                let __gumstack_ctx = ::gumstack::__private::Context::current();
                                match self
                                    .confirm_delete(
                                        (&::gumstack::__private::UserType::<Context>::new())
                                            .context_arg(&__gumstack_ctx),
                                        __gumstack_arg_filename,
                                    )
                                    .await
                                {
                                    ::core::result::Result::Ok(value) => {
                                        #[allow(unused_imports)]
                                        use ::gumstack::__private::{
                                            IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                        };
                                        (&::gumstack::__private::Output::new(value)).tool_result()
                                    }
                                    ::core::result::Result::Err(error) => {
                                        ::gumstack::__private::tool_error(error)
                                    }
                                }
                            }
                                .await,
                        )
                    }
                    "multi_input" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "multi_input",
                                    arguments,
                                );
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&[])
                                {
                                    return error;
                                }
                                let () = () else { ::core::unreachable!() };
                                let __gumstack_ctx = ::gumstack::__private::Context::current();
                                match self
                                    .multi_input(
                                        (&::gumstack::__private::UserType::<Context>::new())
                                            .context_arg(&__gumstack_ctx),
                                    )
                                    .await
                                {
                                    ::core::result::Result::Ok(value) => {
                                        #[allow(unused_imports)]
                                        use ::gumstack::__private::{
                                            IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                        };
                                        (&::gumstack::__private::Output::new(value)).tool_result()
                                    }
                                    ::core::result::Result::Err(error) => {
                                        ::gumstack::__private::tool_error(error)
                                    }
                                }
                            }
                                .await,
                        )
                    }
                    "test_tool_with_task" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "test_tool_with_task",
                                    arguments,
                                );
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&[])
                                {
                                    return error;
                                }
                                let () = () else { ::core::unreachable!() };
                                let __gumstack_ctx = ::gumstack::__private::Context::current();
                                match self
                                    .test_tool_with_task(
                                        (&::gumstack::__private::UserType::<Context>::new())
                                            .context_arg(&__gumstack_ctx),
                                    )
                                    .await
                                {
                                    ::core::result::Result::Ok(value) => {
                                        #[allow(unused_imports)]
                                        use ::gumstack::__private::{
                                            IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                        };
                                        (&::gumstack::__private::Output::new(value)).tool_result()
                                    }
                                    ::core::result::Result::Err(error) => {
                                        ::gumstack::__private::tool_error(error)
                                    }
                                }
                            }
                                .await,
                        )
                    }
                    "test_logging_tool" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "test_logging_tool",
                                    arguments,
                                );
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&[])
                                {
                                    return error;
                                }
                                let () = () else { ::core::unreachable!() };
                                let __gumstack_ctx = ::gumstack::__private::Context::current();
                                {
                                    #[allow(unused_imports)]
                                    use ::gumstack::__private::{
                                        IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                    };
                                    (&::gumstack::__private::Output::new(
                                        self
                                            .test_logging_tool(
                                                (&::gumstack::__private::UserType::<Context>::new())
                                                    .context_arg(&__gumstack_ctx),
                                            )
                                            .await,
                                    ))
                                        .tool_result()
                                }
                            }
                                .await,
                        )
                    }
                    "test_elicitation_sep1034_defaults" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "test_elicitation_sep1034_defaults",
                                    arguments,
                                );
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&[])
                                {
                                    return error;
                                }
                                let () = () else { ::core::unreachable!() };
                                let __gumstack_ctx = ::gumstack::__private::Context::current();
                                match self
                                    .test_elicitation_sep1034_defaults(
                                        (&::gumstack::__private::UserType::<Context>::new())
                                            .context_arg(&__gumstack_ctx),
                                    )
                                    .await
                                {
                                    ::core::result::Result::Ok(value) => {
                                        #[allow(unused_imports)]
                                        use ::gumstack::__private::{
                                            IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                        };
                                        (&::gumstack::__private::Output::new(value)).tool_result()
                                    }
                                    ::core::result::Result::Err(error) => {
                                        ::gumstack::__private::tool_error(error)
                                    }
                                }
                            }
                                .await,
                        )
                    }
                    "test_elicitation_sep1330_enums" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "test_elicitation_sep1330_enums",
                                    arguments,
                                );
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&[])
                                {
                                    return error;
                                }
                                let () = () else { ::core::unreachable!() };
                                let __gumstack_ctx = ::gumstack::__private::Context::current();
                                match self
                                    .test_elicitation_sep1330_enums(
                                        (&::gumstack::__private::UserType::<Context>::new())
                                            .context_arg(&__gumstack_ctx),
                                    )
                                    .await
                                {
                                    ::core::result::Result::Ok(value) => {
                                        #[allow(unused_imports)]
                                        use ::gumstack::__private::{
                                            IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                        };
                                        (&::gumstack::__private::Output::new(value)).tool_result()
                                    }
                                    ::core::result::Result::Err(error) => {
                                        ::gumstack::__private::tool_error(error)
                                    }
                                }
                            }
                                .await,
                        )
                    }
                    "json_schema_2020_12_tool" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "json_schema_2020_12_tool",
                                    arguments,
                                );
                                let __gumstack_arg_name = (&::gumstack::__private::UserType::<
                                    String,
                                >::new())
                                    .optional(&mut arguments, "name");
                                let __gumstack_arg_address = (&::gumstack::__private::UserType::<
                                    Address,
                                >::new())
                                    .optional(&mut arguments, "address");
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&["name", "address"])
                                {
                                    return error;
                                }
                                let (
                                    ::core::option::Option::Some(__gumstack_arg_name),
                                    ::core::option::Option::Some(__gumstack_arg_address),
                                ) = (__gumstack_arg_name, __gumstack_arg_address) else {
                                    ::core::unreachable!()
                                };
                                {
                                    #[allow(unused_imports)]
                                    use ::gumstack::__private::{
                                        IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                    };
                                    (&::gumstack::__private::Output::new(
                                        self
                                            .json_schema_2020_12_tool(
                                                __gumstack_arg_name,
                                                __gumstack_arg_address,
                                            ),
                                    ))
                                        .tool_result()
                                }
                            }
                                .await,
                        )
                    }
                    "touch_watched_resource" => {
                        ::core::option::Option::Some(
                            async {
                                let mut arguments = ::gumstack::__private::Args::new(
                                    "touch_watched_resource",
                                    arguments,
                                );
                                if let ::core::result::Result::Err(error) = arguments
                                    .finish(&[])
                                {
                                    return error;
                                }
                                let () = () else { ::core::unreachable!() };
                                let __gumstack_ctx = ::gumstack::__private::Context::current();
                                {
                                    #[allow(unused_imports)]
                                    use ::gumstack::__private::{
                                        IntoContent as _, IntoStructured as _, UncheckedOutput as _,
                                    };
                                    (&::gumstack::__private::Output::new(
                                        self
                                            .touch_watched_resource(
                                                (&::gumstack::__private::UserType::<Context>::new())
                                                    .context_arg(&__gumstack_ctx),
                                            )
                                            .await,
                                    ))
                                        .tool_result()
                                }
                            }
                                .await,
                        )
                    }
                    _ => ::core::option::Option::None,
                }
            }
        }
        fn __prepare() -> ::gumstack::Result<()> {
            (&::gumstack::__private::UserType::<()>::new())
                .load_env_creds(&__GUMSTACK_ENV_CREDS)
        }
        fn __task_support(name: &str) -> ::gumstack::__private::TaskSupport {
            match name {
                "slow_compute" => ::gumstack::__private::TaskSupport::Optional,
                "failing_job" => ::gumstack::__private::TaskSupport::Required,
                "protocol_error_job" => ::gumstack::__private::TaskSupport::Optional,
                "confirm_delete" => ::gumstack::__private::TaskSupport::Optional,
                "multi_input" => ::gumstack::__private::TaskSupport::Optional,
                "test_tool_with_task" => ::gumstack::__private::TaskSupport::Deferred,
                _ => ::gumstack::__private::TaskSupport::Never,
            }
        }
        fn __instance() -> ::core::option::Option<::std::sync::Arc<Self>> {
            __GUMSTACK_INSTANCE.get().cloned()
        }
        fn __set_instance(server: ::std::sync::Arc<Self>) {
            let _ = __GUMSTACK_INSTANCE.set(server);
        }
    }
    impl Everything {
        /// Run the host: parses the command line (`serve --stdio`,
        /// `serve --http ADDR`, `config`) and serves until shut down.
        #[allow(dead_code)]
        pub async fn run(self) -> ::gumstack::Result<()> {
            ::gumstack::__private::run(self).await
        }
    }
    #[allow(deprecated)]
    impl ::gumstack::__private::rmcp::ServerHandler for Everything {
        fn get_info(&self) -> ::gumstack::__private::rmcp::model::ServerConfig {
            static INFO: ::std::sync::LazyLock<
                ::gumstack::__private::rmcp::model::ServerConfig,
            > = ::std::sync::LazyLock::new(|| ::gumstack::__private::server_config::<
                Everything,
            >(::gumstack::__private::Features {
                resources: true,
                subscribe: true,
                prompts: true,
                completions: true,
                tasks: true,
            }));
            ::core::clone::Clone::clone(&*INFO)
        }
        async fn list_tools(
            &self,
            _request: ::core::option::Option<
                ::gumstack::__private::rmcp::model::PaginatedRequestParams,
            >,
            _context: ::gumstack::__private::rmcp::service::RequestContext<
                ::gumstack::__private::rmcp::RoleServer,
            >,
        ) -> ::core::result::Result<
            ::gumstack::__private::rmcp::model::ListToolsResult,
            ::gumstack::__private::rmcp::ErrorData,
        > {
            ::core::result::Result::Ok(
                ::gumstack::__private::list_tools::<Self>(&_context).await,
            )
        }
        fn call_tool(
            &self,
            request: ::gumstack::__private::rmcp::model::CallToolRequestParams,
            context: ::gumstack::__private::rmcp::service::RequestContext<
                ::gumstack::__private::rmcp::RoleServer,
            >,
        ) -> impl ::core::future::Future<
            Output = ::core::result::Result<
                ::gumstack::__private::rmcp::model::CallToolResponse,
                ::gumstack::__private::rmcp::ErrorData,
            >,
        > + ::gumstack::__private::rmcp::service::MaybeSendFuture + '_ {
            ::gumstack::__private::call_tool(self, request, context, &__GUMSTACK_STATE)
        }
        fn get_tool(
            &self,
            name: &str,
        ) -> ::core::option::Option<::gumstack::__private::rmcp::model::Tool> {
            ::gumstack::__private::get_tool::<Self>(name)
        }
        async fn set_level(
            &self,
            request: ::gumstack::__private::rmcp::model::SetLevelRequestParams,
            context: ::gumstack::__private::rmcp::service::RequestContext<
                ::gumstack::__private::rmcp::RoleServer,
            >,
        ) -> ::core::result::Result<(), ::gumstack::__private::rmcp::ErrorData> {
            ::gumstack::__private::set_level(&__GUMSTACK_STATE, request, &context);
            ::core::result::Result::Ok(())
        }
        async fn list_resources(
            &self,
            _request: ::core::option::Option<
                ::gumstack::__private::rmcp::model::PaginatedRequestParams,
            >,
            _context: ::gumstack::__private::rmcp::service::RequestContext<
                ::gumstack::__private::rmcp::RoleServer,
            >,
        ) -> ::core::result::Result<
            ::gumstack::__private::rmcp::model::ListResourcesResult,
            ::gumstack::__private::rmcp::ErrorData,
        > {
            static LIST: ::std::sync::LazyLock<
                ::std::vec::Vec<::gumstack::__private::rmcp::model::Resource>,
            > = ::std::sync::LazyLock::new(|| {
                ::std::vec![
                    ::gumstack::__private::resource("test://static-text", "static-text",
                    ::core::option::Option::None, "A static text resource.",
                    ::core::option::Option::Some("text/plain")),
                    ::gumstack::__private::resource("test://static-binary",
                    "static-binary", ::core::option::Option::None,
                    "A static binary resource (a 1x1 red PNG).",
                    ::core::option::Option::Some("image/png")),
                    ::gumstack::__private::resource("test://watched-resource",
                    "watched-resource", ::core::option::Option::None,
                    "A resource clients can subscribe to.",
                    ::core::option::Option::Some("text/plain"))
                ]
            });
            ::core::result::Result::Ok(
                ::gumstack::__private::rmcp::model::ListResourcesResult::with_all_items(
                    ::core::clone::Clone::clone(&*LIST),
                ),
            )
        }
        async fn list_resource_templates(
            &self,
            _request: ::core::option::Option<
                ::gumstack::__private::rmcp::model::PaginatedRequestParams,
            >,
            _context: ::gumstack::__private::rmcp::service::RequestContext<
                ::gumstack::__private::rmcp::RoleServer,
            >,
        ) -> ::core::result::Result<
            ::gumstack::__private::rmcp::model::ListResourceTemplatesResult,
            ::gumstack::__private::rmcp::ErrorData,
        > {
            static LIST: ::std::sync::LazyLock<
                ::std::vec::Vec<::gumstack::__private::rmcp::model::ResourceTemplate>,
            > = ::std::sync::LazyLock::new(|| {
                ::std::vec![
                    ::gumstack::__private::resource_template("test://template/{id}/data",
                    "template-data", ::core::option::Option::None, "Data for any id.",
                    ::core::option::Option::Some("application/json"))
                ]
            });
            ::core::result::Result::Ok(
                ::gumstack::__private::rmcp::model::ListResourceTemplatesResult::with_all_items(
                    ::core::clone::Clone::clone(&*LIST),
                ),
            )
        }
        #[allow(unused_variables)]
        async fn read_resource(
            &self,
            mut request: ::gumstack::__private::rmcp::model::ReadResourceRequestParams,
            context: ::gumstack::__private::rmcp::service::RequestContext<
                ::gumstack::__private::rmcp::RoleServer,
            >,
        ) -> ::core::result::Result<
            ::gumstack::__private::rmcp::model::ReadResourceResponse,
            ::gumstack::__private::rmcp::ErrorData,
        > {
            #[allow(unused_imports)]
            use ::gumstack::__private::{
                IntoJsonResource as _, IntoResourceContents as _,
                UncheckedResourceOutput as _,
            };
            let (__gumstack_ctx, mut rounds) = ::gumstack::__private::Rounds::new(
                <Self as ::gumstack::Server>::NAME,
                "resources/read",
                &request.uri,
                &(),
                request.request_state.take(),
                request.input_responses.take(),
                &context,
                &__GUMSTACK_STATE,
            );
            rounds.receive().await?;
            let uri = request.uri.as_str();
            let contents = 'read: {
                match uri {
                    "test://static-text" => {
                        break 'read {
                            let out = self.static_text();
                            (&::gumstack::__private::ResourceOutput::new(out))
                                .contents(uri, ::core::option::Option::Some("text/plain"))
                        };
                    }
                    "test://static-binary" => {
                        break 'read {
                            let out = self.static_binary();
                            match out {
                                ::core::result::Result::Ok(value) => {
                                    (&::gumstack::__private::ResourceOutput::new(value))
                                        .contents(uri, ::core::option::Option::Some("image/png"))
                                }
                                ::core::result::Result::Err(error) => {
                                    ::core::result::Result::Err(
                                        ::gumstack::__private::resource_error(error),
                                    )
                                }
                            }
                        };
                    }
                    "test://watched-resource" => {
                        break 'read {
                            let out = self.watched_resource();
                            (&::gumstack::__private::ResourceOutput::new(out))
                                .contents(uri, ::core::option::Option::Some("text/plain"))
                        };
                    }
                    _ => {}
                }
                if let ::core::option::Option::Some(vars) = __GUMSTACK_TEMPLATE_0
                    .matches(uri)
                {
                    let __gumstack_arg_id = match (&::gumstack::__private::UserType::<
                        String,
                    >::new())
                        .uri_param(&vars, "id", uri)
                    {
                        ::core::result::Result::Ok(value) => value,
                        ::core::result::Result::Err(error) => {
                            let failed = ::core::result::Result::Err(error);
                            break 'read failed;
                        }
                    };
                    break 'read {
                        let out = self.template_data(__gumstack_arg_id);
                        (&::gumstack::__private::ResourceOutput::new(out))
                            .contents(
                                uri,
                                ::core::option::Option::Some("application/json"),
                            )
                    };
                }
                ::core::result::Result::Err(
                    ::gumstack::__private::resource_not_found(uri),
                )
            };
            rounds
                .conclude_result(
                    contents
                        .map(::gumstack::__private::rmcp::model::ReadResourceResult::new),
                )
        }
        async fn subscribe(
            &self,
            request: ::gumstack::__private::rmcp::model::SubscribeRequestParams,
            context: ::gumstack::__private::rmcp::service::RequestContext<
                ::gumstack::__private::rmcp::RoleServer,
            >,
        ) -> ::core::result::Result<(), ::gumstack::__private::rmcp::ErrorData> {
            let uri = request.uri.as_str();
            let subscribable = ::core::matches!(uri, "test://watched-resource");
            ::gumstack::__private::subscribe(
                &__GUMSTACK_STATE,
                uri,
                subscribable,
                &context,
            )
        }
        async fn unsubscribe(
            &self,
            request: ::gumstack::__private::rmcp::model::UnsubscribeRequestParams,
            context: ::gumstack::__private::rmcp::service::RequestContext<
                ::gumstack::__private::rmcp::RoleServer,
            >,
        ) -> ::core::result::Result<(), ::gumstack::__private::rmcp::ErrorData> {
            ::gumstack::__private::unsubscribe(
                &__GUMSTACK_STATE,
                &request.uri,
                &context,
            );
            ::core::result::Result::Ok(())
        }
        fn accepted_subscription_filter(
            &self,
            requested: &::gumstack::__private::rmcp::model::SubscriptionFilter,
        ) -> ::core::option::Option<
            ::gumstack::__private::rmcp::model::SubscriptionFilter,
        > {
            ::gumstack::__private::accepted_subscription_filter(
                requested,
                |uri: &str| ::core::matches!(uri, "test://watched-resource"),
            )
        }
        fn listen(
            &self,
            context: ::gumstack::__private::rmcp::service::SubscriptionContext,
        ) -> impl ::core::future::Future<
            Output = ::core::result::Result<(), ::gumstack::__private::rmcp::ErrorData>,
        > + ::gumstack::__private::rmcp::service::MaybeSendFuture + '_ {
            ::gumstack::__private::listen(&__GUMSTACK_STATE, context)
        }
        async fn list_prompts(
            &self,
            _request: ::core::option::Option<
                ::gumstack::__private::rmcp::model::PaginatedRequestParams,
            >,
            _context: ::gumstack::__private::rmcp::service::RequestContext<
                ::gumstack::__private::rmcp::RoleServer,
            >,
        ) -> ::core::result::Result<
            ::gumstack::__private::rmcp::model::ListPromptsResult,
            ::gumstack::__private::rmcp::ErrorData,
        > {
            static LIST: ::std::sync::LazyLock<
                ::std::vec::Vec<::gumstack::__private::rmcp::model::Prompt>,
            > = ::std::sync::LazyLock::new(|| {
                ::std::vec![
                    ::gumstack::__private::prompt("test_simple_prompt",
                    ::core::option::Option::None, "A simple prompt without arguments.", &
                    []), ::gumstack::__private::prompt("test_prompt_with_arguments",
                    ::core::option::Option::None, "A prompt with two arguments.", &
                    [("arg1", ::core::option::Option::Some("First test argument"), true),
                    ("arg2", ::core::option::Option::Some("Second test argument"),
                    true)]),
                    ::gumstack::__private::prompt("test_prompt_with_embedded_resource",
                    ::core::option::Option::None, "A prompt that embeds a resource.", &
                    [("resourceUri",
                    ::core::option::Option::Some("URI of the resource to embed"),
                    true)]),
                    ::gumstack::__private::prompt("test_input_required_result_prompt",
                    ::core::option::Option::None,
                    "A prompt that asks the user for context first (SEP-2322).", & []),
                    ::gumstack::__private::prompt("test_prompt_with_image",
                    ::core::option::Option::None, "A prompt with an image.", & [])
                ]
            });
            ::core::result::Result::Ok(
                ::gumstack::__private::rmcp::model::ListPromptsResult::with_all_items(
                    ::core::clone::Clone::clone(&*LIST),
                ),
            )
        }
        #[allow(unused_variables, unused_mut)]
        async fn get_prompt(
            &self,
            mut request: ::gumstack::__private::rmcp::model::GetPromptRequestParams,
            context: ::gumstack::__private::rmcp::service::RequestContext<
                ::gumstack::__private::rmcp::RoleServer,
            >,
        ) -> ::core::result::Result<
            ::gumstack::__private::rmcp::model::GetPromptResponse,
            ::gumstack::__private::rmcp::ErrorData,
        > {
            #[allow(unused_imports)]
            use ::gumstack::__private::{IntoPrompt as _, UncheckedPrompt as _};
            let (__gumstack_ctx, mut rounds) = ::gumstack::__private::Rounds::new(
                <Self as ::gumstack::Server>::NAME,
                "prompts/get",
                &request.name,
                &request.arguments,
                request.request_state.take(),
                request.input_responses.take(),
                &context,
                &__GUMSTACK_STATE,
            );
            rounds.receive().await?;
            let result = match request.name.as_str() {
                "test_simple_prompt" => 'get: {
                    let mut arguments = ::gumstack::__private::PromptArgs::new(
                        "test_simple_prompt",
                        request.arguments,
                    );
                    if let ::core::result::Result::Err(error) = arguments.finish(&[]) {
                        let failed = ::core::result::Result::Err(error);
                        break 'get failed;
                    }
                    let out = self.test_simple_prompt();
                    ::core::result::Result::Ok(
                        (&::gumstack::__private::PromptOutput::new(out))
                            .prompt_result("A simple prompt without arguments."),
                    )
                }
                "test_prompt_with_arguments" => 'get: {
                    let mut arguments = ::gumstack::__private::PromptArgs::new(
                        "test_prompt_with_arguments",
                        request.arguments,
                    );
                    let __gumstack_arg_arg1 = (&::gumstack::__private::UserType::<
                        String,
                    >::new())
                        .prompt_required(&mut arguments, "arg1");
                    let __gumstack_arg_arg2 = (&::gumstack::__private::UserType::<
                        String,
                    >::new())
                        .prompt_required(&mut arguments, "arg2");
                    if let ::core::result::Result::Err(error) = arguments
                        .finish(&["arg1", "arg2"])
                    {
                        let failed = ::core::result::Result::Err(error);
                        break 'get failed;
                    }
                    let (
                        ::core::option::Option::Some(__gumstack_arg_arg1),
                        ::core::option::Option::Some(__gumstack_arg_arg2),
                    ) = (__gumstack_arg_arg1, __gumstack_arg_arg2) else {
                        ::core::unreachable!()
                    };
                    let out = self
                        .test_prompt_with_arguments(
                            __gumstack_arg_arg1,
                            __gumstack_arg_arg2,
                        );
                    ::core::result::Result::Ok(
                        (&::gumstack::__private::PromptOutput::new(out))
                            .prompt_result("A prompt with two arguments."),
                    )
                }
                "test_prompt_with_embedded_resource" => 'get: {
                    let mut arguments = ::gumstack::__private::PromptArgs::new(
                        "test_prompt_with_embedded_resource",
                        request.arguments,
                    );
                    let __gumstack_arg_resource_uri = (&::gumstack::__private::UserType::<
                        String,
                    >::new())
                        .prompt_required(&mut arguments, "resourceUri");
                    if let ::core::result::Result::Err(error) = arguments
                        .finish(&["resourceUri"])
                    {
                        let failed = ::core::result::Result::Err(error);
                        break 'get failed;
                    }
                    let (::core::option::Option::Some(__gumstack_arg_resource_uri),) = (
                        __gumstack_arg_resource_uri,
                    ) else { ::core::unreachable!() };
                    let out = self
                        .test_prompt_with_embedded_resource(__gumstack_arg_resource_uri);
                    ::core::result::Result::Ok(
                        (&::gumstack::__private::PromptOutput::new(out))
                            .prompt_result("A prompt that embeds a resource."),
                    )
                }
                "test_input_required_result_prompt" => 'get: {
                    let mut arguments = ::gumstack::__private::PromptArgs::new(
                        "test_input_required_result_prompt",
                        request.arguments,
                    );
                    if let ::core::result::Result::Err(error) = arguments.finish(&[]) {
                        let failed = ::core::result::Result::Err(error);
                        break 'get failed;
                    }
                    let out = self
                        .test_input_required_result_prompt(
                            (&::gumstack::__private::UserType::<Context>::new())
                                .context_arg(&__gumstack_ctx),
                        )
                        .await;
                    match out {
                        ::core::result::Result::Ok(value) => {
                            ::core::result::Result::Ok(
                                (&::gumstack::__private::PromptOutput::new(value))
                                    .prompt_result(
                                        "A prompt that asks the user for context first (SEP-2322).",
                                    ),
                            )
                        }
                        ::core::result::Result::Err(error) => {
                            ::core::result::Result::Err(
                                ::gumstack::__private::prompt_error(error),
                            )
                        }
                    }
                }
                "test_prompt_with_image" => 'get: {
                    let mut arguments = ::gumstack::__private::PromptArgs::new(
                        "test_prompt_with_image",
                        request.arguments,
                    );
                    if let ::core::result::Result::Err(error) = arguments.finish(&[]) {
                        let failed = ::core::result::Result::Err(error);
                        break 'get failed;
                    }
                    let out = self.test_prompt_with_image();
                    ::core::result::Result::Ok(
                        (&::gumstack::__private::PromptOutput::new(out))
                            .prompt_result("A prompt with an image."),
                    )
                }
                _ => {
                    ::core::result::Result::Err(
                        ::gumstack::__private::unknown_prompt(&request.name),
                    )
                }
            };
            rounds.conclude_result(result)
        }
        #[allow(unused_variables)]
        async fn complete(
            &self,
            request: ::gumstack::__private::rmcp::model::CompleteRequestParams,
            context: ::gumstack::__private::rmcp::service::RequestContext<
                ::gumstack::__private::rmcp::RoleServer,
            >,
        ) -> ::core::result::Result<
            ::gumstack::__private::rmcp::model::CompleteResult,
            ::gumstack::__private::rmcp::ErrorData,
        > {
            #[allow(unused_imports)]
            use ::gumstack::__private::{IntoCompletion as _, UncheckedCompletion as _};
            let __gumstack_ctx = ::gumstack::__private::Context::from_request(
                &context,
                &__GUMSTACK_STATE,
            );
            let value = &request.argument.value;
            match (&request.r#ref, request.argument.name.as_str()) {
                (
                    ::gumstack::__private::rmcp::model::Reference::Prompt(r),
                    "arg1",
                ) if r.name == "test_prompt_with_arguments" => {
                    let out = self.suggest_arg1(value.as_str());
                    ::core::result::Result::Ok(
                        (&::gumstack::__private::CompletionOutput::new(out)).completion(),
                    )
                }
                (
                    ::gumstack::__private::rmcp::model::Reference::Resource(r),
                    "id",
                ) if r.uri == "test://template/{id}/data" => {
                    let out = self.suggest_ids(::core::clone::Clone::clone(value)).await;
                    ::core::result::Result::Ok(
                        (&::gumstack::__private::CompletionOutput::new(out)).completion(),
                    )
                }
                (
                    ::gumstack::__private::rmcp::model::Reference::Prompt(r),
                    _,
                ) if ::core::matches!(
                    r.name.as_str(), "test_simple_prompt" | "test_prompt_with_arguments"
                    | "test_prompt_with_embedded_resource" |
                    "test_input_required_result_prompt" | "test_prompt_with_image"
                ) => ::core::result::Result::Ok(::gumstack::__private::no_completion()),
                (
                    ::gumstack::__private::rmcp::model::Reference::Resource(r),
                    _,
                ) if ::core::matches!(r.uri.as_str(), "test://template/{id}/data") => {
                    ::core::result::Result::Ok(::gumstack::__private::no_completion())
                }
                (reference, _) => {
                    ::core::result::Result::Err(
                        ::gumstack::__private::unknown_completion_ref(reference),
                    )
                }
            }
        }
        async fn get_task(
            &self,
            request: ::gumstack::__private::rmcp::model::GetTaskParams,
            context: ::gumstack::__private::rmcp::service::RequestContext<
                ::gumstack::__private::rmcp::RoleServer,
            >,
        ) -> ::core::result::Result<
            ::gumstack::__private::rmcp::model::GetTaskResult,
            ::gumstack::__private::rmcp::ErrorData,
        > {
            ::gumstack::__private::get_task(&__GUMSTACK_STATE, request, &context).await
        }
        async fn update_task(
            &self,
            request: ::gumstack::__private::rmcp::model::UpdateTaskParams,
            context: ::gumstack::__private::rmcp::service::RequestContext<
                ::gumstack::__private::rmcp::RoleServer,
            >,
        ) -> ::core::result::Result<(), ::gumstack::__private::rmcp::ErrorData> {
            ::gumstack::__private::update_task(&__GUMSTACK_STATE, request, &context)
                .await
        }
        async fn cancel_task(
            &self,
            request: ::gumstack::__private::rmcp::model::CancelTaskParams,
            context: ::gumstack::__private::rmcp::service::RequestContext<
                ::gumstack::__private::rmcp::RoleServer,
            >,
        ) -> ::core::result::Result<(), ::gumstack::__private::rmcp::ErrorData> {
            ::gumstack::__private::cancel_task(&__GUMSTACK_STATE, request, &context)
                .await
        }
    }
};
