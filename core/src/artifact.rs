//! Content-addressed, signed artifacts: the immutable published form of a client profile's
//! config.
//!
//! An artifact's id is the lowercase hex SHA-256 of the canonical JSON ([`crate::canonical`]) of
//! its payload, and its signature is Ed25519 over the same canonical bytes, so the same payload
//! always has the same id and artifacts interoperate with the Python mcp-orchestration.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::canonical;
use crate::error::{Code, Error, Result};
use crate::signing::{PublicKey, SigningKeys, sha256_hex};
use crate::timestamp::Timestamp;

/// A published, signed config.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, JsonSchema)]
pub struct Artifact {
    /// Hex SHA-256 of the canonical payload.
    pub artifact_id: String,
    /// The client app it was published for.
    pub client_id: String,
    /// The client's profile.
    pub profile_id: String,
    /// When it was published.
    pub created_at: Timestamp,
    /// The config, in the `{"mcpServers": {...}}` form.
    pub payload: Value,
    /// Base64 Ed25519 signature of the canonical payload.
    pub signature: String,
    /// Id of the key that signed it.
    pub signing_key_id: String,
    /// Free-form facts about the publication (e.g. changelog, server count).
    pub metadata: Map<String, Value>,
}

/// The content address of `payload`: lowercase hex SHA-256 of its canonical bytes.
pub fn artifact_id(payload: &Value) -> String {
    sha256_hex(&canonical::to_vec(payload))
}

/// Whether `s` has the shape of an artifact id: 64 lowercase hex characters.
pub fn is_artifact_id(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Addresses and signs `payload` as an artifact of `client_id`/`profile_id`.
pub fn seal(
    payload: Value,
    client_id: &str,
    profile_id: &str,
    created_at: Timestamp,
    keys: &SigningKeys,
    metadata: Map<String, Value>,
) -> Artifact {
    let bytes = canonical::to_vec(&payload);
    Artifact {
        artifact_id: sha256_hex(&bytes),
        client_id: client_id.to_owned(),
        profile_id: profile_id.to_owned(),
        created_at,
        payload,
        signature: keys.sign(&bytes),
        signing_key_id: keys.key_id(),
        metadata,
    }
}

/// Checks that `artifact`'s payload still has its id (else 409 `ARTIFACT_TAMPERED`) and that
/// its signature over the canonical payload verifies with `key` (else 409 `SIGNATURE_INVALID`,
/// naming both key ids when the artifact says another key signed it).
pub fn verify(artifact: &Artifact, key: &PublicKey) -> Result<()> {
    let bytes = canonical::to_vec(&artifact.payload);
    let actual = sha256_hex(&bytes);
    if actual != artifact.artifact_id {
        return Err(Error::new(
            Code::ArtifactTampered,
            format!(
                "Artifact '{}' does not match its payload, whose hash is '{actual}'",
                artifact.artifact_id
            ),
        ));
    }
    key.verify(&bytes, &artifact.signature).map_err(|mut e| {
        let key_id = key.key_id();
        if artifact.signing_key_id != key_id {
            e.detail = format!(
                "{}: the artifact was signed by key '{}' but was checked with key '{key_id}'",
                e.detail, artifact.signing_key_id
            );
        }
        e
    })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;

    use super::*;
    use crate::ports::Fixed;

    fn keys(seed: u64) -> SigningKeys {
        SigningKeys::generate(&Fixed::new(Timestamp(0), seed)).unwrap()
    }

    fn sample(keys: &SigningKeys) -> Artifact {
        let mut meta = Map::new();
        meta.insert("changelog".into(), json!("first"));
        seal(
            json!({"mcpServers": {"fs": {"command": "npx", "args": ["-y"]}}}),
            "claude-desktop",
            "default",
            Timestamp(1_764_117_357_123),
            keys,
            meta,
        )
    }

    #[test]
    fn id_depends_on_content_not_key_order() {
        let a = json!({"mcpServers": {"a": {"command": "x", "args": []}, "b": {"url": "u"}}});
        let b: Value = serde_json::from_str(
            r#"{"mcpServers":{"b":{"url":"u"},"a":{"args":[],"command":"x"}}}"#,
        )
        .unwrap();
        assert_eq!(artifact_id(&a), artifact_id(&b));
        assert_ne!(artifact_id(&a), artifact_id(&json!({"mcpServers": {}})));
        assert!(is_artifact_id(&artifact_id(&a)));
    }

    #[test]
    fn artifact_ids_are_64_lowercase_hex() {
        assert!(is_artifact_id(&"0123456789abcdef".repeat(4)));
        for bad in [
            "",
            "abc",
            &"A".repeat(64),
            &"g".repeat(64),
            &"a".repeat(63),
            &"a".repeat(65),
            &format!("{}é", "a".repeat(62)),
        ] {
            assert!(!is_artifact_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn sealed_artifacts_verify_and_serialize_in_the_api_shape() {
        let k = keys(1);
        let art = sample(&k);
        assert_eq!(art.signing_key_id, k.key_id());
        verify(&art, &k.public_key()).unwrap();
        let v = serde_json::to_value(&art).unwrap();
        assert_eq!(v["created_at"], "2025-11-26T00:35:57.123Z");
        assert_eq!(v["metadata"]["changelog"], "first");
        let back: Artifact = serde_json::from_value(v).unwrap();
        assert_eq!(back, art);
    }

    #[test]
    fn a_changed_payload_is_tampered() {
        let k = keys(1);
        let mut art = sample(&k);
        art.payload["mcpServers"]["fs"]["command"] = json!("evil");
        let err = verify(&art, &k.public_key()).unwrap_err();
        assert_eq!(
            (err.status(), err.code.as_str()),
            (409, "ARTIFACT_TAMPERED")
        );
    }

    #[test]
    fn a_payload_and_id_swapped_together_still_fail_the_signature() {
        let k = keys(1);
        let mut art = sample(&k);
        art.payload = json!({"mcpServers": {}});
        art.artifact_id = artifact_id(&art.payload);
        assert_eq!(
            verify(&art, &k.public_key()).unwrap_err().code,
            "SIGNATURE_INVALID"
        );
    }

    #[test]
    fn another_key_fails_and_the_detail_names_both_keys() {
        let (k1, k2) = (keys(1), keys(2));
        let err = verify(&sample(&k1), &k2.public_key()).unwrap_err();
        assert_eq!(err.code, "SIGNATURE_INVALID");
        assert!(
            err.detail.contains(&k1.key_id()) && err.detail.contains(&k2.key_id()),
            "{}",
            err.detail
        );
    }

    fn arb_payload() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<String>().prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
                prop::collection::btree_map(any::<String>(), inner, 0..5)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn any_payload_round_trips(payload in arb_payload()) {
            let k = keys(7);
            let art = seal(payload, "c", "p", Timestamp(0), &k, Map::new());
            prop_assert!(verify(&art, &k.public_key()).is_ok());
        }

        #[test]
        fn any_single_bit_flip_of_the_signature_fails(payload in arb_payload(), bit in 0usize..512) {
            use base64::Engine as _;
            let engine = base64::engine::general_purpose::STANDARD;
            let k = keys(7);
            let mut art = seal(payload, "c", "p", Timestamp(0), &k, Map::new());
            let mut sig = engine.decode(&art.signature).unwrap();
            sig[bit / 8] ^= 1 << (bit % 8);
            art.signature = engine.encode(sig);
            let err = verify(&art, &k.public_key()).unwrap_err();
            prop_assert_eq!(err.code, "SIGNATURE_INVALID");
        }

        #[test]
        fn any_change_to_the_payload_fails(payload in arb_payload(), other in arb_payload()) {
            prop_assume!(canonical::to_vec(&payload) != canonical::to_vec(&other));
            let k = keys(7);
            let mut art = seal(payload, "c", "p", Timestamp(0), &k, Map::new());
            art.payload = other;
            prop_assert_eq!(verify(&art, &k.public_key()).unwrap_err().code, "ARTIFACT_TAMPERED");
            // Even with the id recomputed, the signature no longer matches.
            art.artifact_id = artifact_id(&art.payload);
            prop_assert_eq!(verify(&art, &k.public_key()).unwrap_err().code, "SIGNATURE_INVALID");
        }
    }
}
