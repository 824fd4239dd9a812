//! Secrets named by the settings, read from environment variables or files at start-up
//! (the settings hold only where a secret is, never the secret).

use crate::config::ServiceConfig;
use crate::state::Secrets;
use anyhow::Context;
use std::collections::HashMap;

/// One secret from an environment variable or a file (trailing newline dropped).
pub(crate) fn read(env: Option<&str>, file: Option<&std::path::Path>) -> anyhow::Result<Option<String>> {
    let value = match (env, file) {
        (Some(name), _) => std::env::var(name)
            .with_context(|| format!("the environment variable `{name}` named in the config is not set"))?,
        (None, Some(path)) => std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the secret file `{}`", path.display()))?
            .trim_end_matches(['\n', '\r'])
            .to_string(),
        (None, None) => return Ok(None),
    };
    anyhow::ensure!(!value.is_empty(), "a configured secret is empty");
    Ok(Some(value))
}

/// The secrets the settings name: the Okta event hook's authorization and each webhook's key.
pub(crate) fn read_all(config: &ServiceConfig) -> anyhow::Result<Secrets> {
    let server = &config.server;
    let okta_hook_authorization =
        read(server.okta_hook_authorization_env.as_deref(), server.okta_hook_authorization_file.as_deref())?;
    let mut webhooks = HashMap::new();
    for hook in &server.webhooks {
        let provider = model::Provider::parse(&hook.provider)
            .with_context(|| format!("webhook `{}`: unknown provider `{}`", hook.name, hook.provider))?;
        let secret = read(hook.secret_env.as_deref(), hook.secret_file.as_deref())?
            .with_context(|| format!("webhook `{}` has no secret", hook.name))?;
        webhooks.insert(hook.name.clone(), (provider, hook.signature_header.to_ascii_lowercase(), secret.into_bytes()));
    }
    Ok(Secrets { okta_hook_authorization, webhooks })
}
