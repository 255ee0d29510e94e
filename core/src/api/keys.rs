//! Signing keys: initialize or rotate, publish the public half, and find the key that verifies
//! an artifact.

use serde::Deserialize;
use serde_json::json;

use super::{Ctx, Env, Response, body, reply};
use crate::error::{Error, Result};
use crate::records::{self, PublicKeyRecord, StoredSigningKey};
use crate::signing::{PublicKey, SigningKeys};
use crate::store::{Batch, Store};

/// The current signing keys, from the host's keyring or the store.
pub(super) fn current<S: Store + ?Sized>(store: &S, env: &Env<'_>) -> Result<Option<SigningKeys>> {
    let pem = match env.keyring {
        Some(keyring) => keyring.load()?,
        None => records::signing_key(store)?.map(|k| k.private_key_pem),
    };
    pem.map(|pem| {
        SigningKeys::from_pkcs8_pem(&pem).map_err(|e| {
            Error::internal(
                "SIGNING_KEY_UNREADABLE",
                format!("The stored signing key cannot be read: {}", e.detail),
            )
        })
    })
    .transpose()
}

/// The current keys, or 409 telling the caller to initialize them.
pub(super) fn required<S: Store + ?Sized>(store: &S, env: &Env<'_>) -> Result<SigningKeys> {
    current(store, env)?.ok_or_else(|| {
        Error::conflict(
            "KEYS_NOT_INITIALIZED",
            "Signing keys are not initialized: POST /v1/keys/initialize (or run `mcp-orchestration keys init`) first",
        )
    })
}

/// Adds archiving the public half of `keys` to `batch` unless it is archived already, so that
/// artifacts it signs stay verifiable after a rotation.
pub(super) fn archive<S: Store + ?Sized>(
    store: &S,
    batch: &mut Batch,
    keys: &SigningKeys,
    env: &Env<'_>,
) -> Result<()> {
    let key_id = keys.key_id();
    if records::public_key(store, &key_id)?.is_none() {
        records::put_public_key(
            batch,
            &PublicKeyRecord {
                key_id,
                public_key: keys.public_key_pem()?,
                created_at: env.clock.now(),
            },
        )?;
    }
    Ok(())
}

/// The public key with id `key_id`: the archive first, then the current key.
pub(super) fn verifier<S: Store + ?Sized>(
    store: &S,
    env: &Env<'_>,
    key_id: &str,
) -> Result<PublicKey> {
    if let Some(record) = records::public_key(store, key_id)? {
        return PublicKey::from_spki_pem(&record.public_key);
    }
    match current(store, env)? {
        Some(keys) if keys.key_id() == key_id => Ok(keys.public_key()),
        _ => Err(Error::conflict(
            "SIGNING_KEY_UNKNOWN",
            format!(
                "The key '{key_id}' that signed this artifact is not known here, so its signature cannot be verified"
            ),
        )),
    }
}

/// `POST /v1/keys/initialize` with optional `{"regenerate": true}`.
pub(super) fn initialize<S: Store + ?Sized>(ctx: &Ctx<'_, '_>, store: &mut S) -> Result<Response> {
    #[derive(Deserialize)]
    struct Body {
        #[serde(default)]
        regenerate: bool,
    }
    let b: Body = body::optional(&ctx.body)?;
    let env = ctx.env;
    if let Some(existing) = current(store, env)?
        && !b.regenerate
    {
        return Err(Error::conflict(
            "KEYS_ALREADY_INITIALIZED",
            format!(
                "Signing keys are already initialized (key id '{}'); send {{\"regenerate\": true}} to rotate them",
                existing.key_id()
            ),
        ));
    }
    let keys = SigningKeys::generate(env.entropy)?;
    let private_key_pem = keys.to_pkcs8_pem()?;
    let public_key = keys.public_key_pem()?;
    let mut batch = Batch::new();
    match env.keyring {
        Some(keyring) => keyring.save(&private_key_pem, &public_key)?,
        None => records::put_signing_key(&mut batch, &StoredSigningKey { private_key_pem })?,
    }
    archive(store, &mut batch, &keys, env)?;
    store.commit(batch)?;
    let known: Vec<_> = records::public_keys(store)?
        .into_iter()
        .map(|k| k.key_id)
        .collect();
    Ok(reply::json(
        200,
        &json!({
            "success": true,
            "status": "initialized",
            "key_id": keys.key_id(),
            "public_key": public_key,
            "algorithm": "Ed25519",
            "keys": known,
            "message": if b.regenerate { "Signing keys rotated; artifacts signed before stay verifiable" } else { "Signing keys initialized" },
        }),
    ))
}

/// `GET /v1/keys/public`.
pub(super) fn public<S: Store + ?Sized>(ctx: &Ctx<'_, '_>, store: &mut S) -> Result<Response> {
    let keys = current(store, ctx.env)?.ok_or_else(|| {
        Error::not_found(
            "KEYS_NOT_INITIALIZED",
            "Signing keys are not initialized yet",
        )
    })?;
    Ok(reply::json(
        200,
        &json!({ "key_id": keys.key_id(), "public_key": keys.public_key_pem()?, "algorithm": "Ed25519" }),
    ))
}
