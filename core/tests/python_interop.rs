//! Artifacts and keys interoperate with the Python mcp-orchestration: vectors signed by it
//! (`tests/vectors/python-interop.json`) must canonicalize, hash, sign and verify identically.
// Test code: a failed step panics with what went wrong, which is the report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mcp_orchestration_core::Timestamp;
use mcp_orchestration_core::artifact::{self, Artifact};
use mcp_orchestration_core::canonical;
use mcp_orchestration_core::signing::{PublicKey, SigningKeys};
use serde_json::{Map, Value};

fn vectors() -> Value {
    serde_json::from_str(include_str!("vectors/python-interop.json")).unwrap()
}

fn text<'a>(v: &'a Value, field: &str) -> &'a str {
    v[field]
        .as_str()
        .unwrap_or_else(|| panic!("vector field {field} is missing"))
}

fn their_keys(v: &Value) -> (SigningKeys, PublicKey) {
    (
        SigningKeys::from_pkcs8_pem(text(v, "private_key_pem")).unwrap(),
        PublicKey::from_spki_pem(text(v, "public_key_pem")).unwrap(),
    )
}

fn cases(v: &Value, group: &str) -> Vec<Value> {
    let cases = v[group].as_array().unwrap().clone();
    assert!(!cases.is_empty(), "no {group} vectors");
    cases
}

#[test]
fn canonical_form_and_ids_match_python() {
    let v = vectors();
    for case in cases(&v, "artifacts") {
        assert_eq!(
            canonical::to_string(&case["payload"]),
            text(&case, "canonical")
        );
        assert_eq!(
            artifact::artifact_id(&case["payload"]),
            text(&case, "artifact_id")
        );
    }
}

#[test]
fn our_signatures_equal_theirs_and_theirs_verify() {
    let v = vectors();
    let (keys, public) = their_keys(&v);
    assert_eq!(keys.public_key(), public);
    for case in cases(&v, "artifacts") {
        let canonical = text(&case, "canonical").as_bytes();
        assert_eq!(keys.sign(canonical), text(&case, "signature"));
        public.verify(canonical, text(&case, "signature")).unwrap();
    }
}

#[test]
fn sealed_artifacts_equal_theirs_and_verify() {
    let v = vectors();
    let (keys, public) = their_keys(&v);
    for case in cases(&v, "artifacts") {
        let sealed = artifact::seal(
            case["payload"].clone(),
            "claude-desktop",
            "default",
            Timestamp(0),
            &keys,
            Map::new(),
        );
        assert_eq!(sealed.artifact_id, text(&case, "artifact_id"));
        assert_eq!(sealed.signature, text(&case, "signature"));
        artifact::verify(&sealed, &public).unwrap();
    }
}

#[test]
fn tampered_cases_are_rejected() {
    let v = vectors();
    let (_, public) = their_keys(&v);
    let original = &cases(&v, "artifacts")[0];
    for case in cases(&v, "tampered") {
        assert_eq!(case["valid"], Value::Bool(false));
        let payload = &case["payload"];
        // The signature does not cover the changed payload.
        let err = public
            .verify(&canonical::to_vec(payload), text(&case, "signature"))
            .unwrap_err();
        assert_eq!(err.code, "SIGNATURE_INVALID");
        // As an artifact still carrying the original id, it is caught as tampered.
        let art = Artifact {
            artifact_id: text(original, "artifact_id").to_owned(),
            client_id: "claude-desktop".into(),
            profile_id: "default".into(),
            created_at: Timestamp(0),
            payload: payload.clone(),
            signature: text(&case, "signature").to_owned(),
            signing_key_id: public.key_id(),
            metadata: Map::new(),
        };
        assert_eq!(
            artifact::verify(&art, &public).unwrap_err().code,
            "ARTIFACT_TAMPERED"
        );
        // And with its id recomputed, the signature still fails.
        let relabeled = Artifact {
            artifact_id: artifact::artifact_id(payload),
            ..art
        };
        assert_eq!(
            artifact::verify(&relabeled, &public).unwrap_err().code,
            "SIGNATURE_INVALID"
        );
    }
}

#[test]
fn our_pem_export_of_their_key_round_trips() {
    let v = vectors();
    let (keys, public) = their_keys(&v);
    let private_pem = keys.to_pkcs8_pem().unwrap();
    let public_pem = keys.public_key_pem().unwrap();
    // Byte for byte what Python's cryptography wrote.
    assert_eq!(private_pem, text(&v, "private_key_pem"));
    assert_eq!(public_pem, text(&v, "public_key_pem"));
    let again = SigningKeys::from_pkcs8_pem(&private_pem).unwrap();
    assert_eq!(again.key_id(), keys.key_id());
    assert_eq!(again.public_key(), public);
    assert_eq!(PublicKey::from_spki_pem(&public_pem).unwrap(), public);
}
