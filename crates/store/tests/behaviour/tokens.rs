//! API tokens: created once per id and hash, found by hash, listed oldest first, revoked
//! once.

use crate::support::Backend;
use crate::support::fixtures::{at, token};

pub fn a_token_is_found_by_hash_listed_oldest_first_and_revoked_once(db: &dyn Backend) {
    let mut store = db.store();
    assert!(store.tokens().unwrap().is_empty());
    let (t1, t2) = (token(1, "aa11", 0), token(2, "bb22", 5));
    store.create_token(&t2).unwrap();
    store.create_token(&t1).unwrap();
    assert_eq!(store.tokens().unwrap(), vec![t1.clone(), t2.clone()]);
    assert_eq!(store.token_by_hash("aa11").unwrap(), Some(t1.clone()));
    assert_eq!(store.token_by_hash("cc33").unwrap(), None);

    assert!(store.revoke_token("tok_1", at(11, 0)).unwrap());
    assert!(store.revoke_token("tok_1", at(12, 0)).unwrap());
    let revoked = store.token_by_hash("aa11").unwrap().unwrap();
    assert_eq!(revoked.revoked, Some(at(11, 0)), "the first revocation's time is kept");
    assert_eq!(revoked, store::TokenRecord { revoked: Some(at(11, 0)), ..t1 });
    assert!(!store.revoke_token("tok_none", at(11, 0)).unwrap());
    assert_eq!(store.token_by_hash("bb22").unwrap(), Some(t2), "others are untouched");
}

pub fn a_token_whose_id_or_hash_is_stored_is_refused(db: &dyn Backend) {
    let mut store = db.store();
    let t1 = token(1, "aa11", 0);
    store.create_token(&t1).unwrap();
    let same_hash = token(3, "aa11", 1);
    let err = store.create_token(&same_hash).unwrap_err();
    assert!(err.to_string().contains("`tok_3`"), "{err}");
    let same_id = token(1, "dd44", 2);
    assert!(store.create_token(&same_id).is_err());
    assert_eq!(store.tokens().unwrap(), vec![t1]);
    assert_eq!(store.token_by_hash("dd44").unwrap(), None);
}
