//! The store's behaviour, written once and run against both backends: embedded SQLite and
//! the PostgreSQL on the machine (`FACTORWATCH_TEST_POSTGRES`, default
//! `postgres://postgres@127.0.0.1:5432/test`). A PostgreSQL that cannot be reached fails
//! these tests; it never skips them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod behaviour;
mod support;

/// One `#[test]` per behaviour and backend: `sqlite::name` and `postgres::name`.
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { crate::behaviour::$name(&crate::support::sqlite::SqliteDb::new()); } )*
        }
        mod postgres {
            $( #[test] fn $name() { crate::behaviour::$name(&crate::support::postgres::PostgresDb::new()); } )*
        }
    };
}

on_both_backends!(
    a_new_database_is_migrated_to_the_latest_schema_once,
    a_database_from_a_newer_factorwatch_is_refused,
    an_older_database_gains_the_events_table_and_keeps_its_records,
    saving_the_same_finding_twice_keeps_one_row_with_the_latest_content,
    the_queue_is_by_risk_then_time_and_findings_by_time,
    the_identity_graph_round_trips_and_a_save_replaces_the_last,
    appending_the_same_events_twice_stores_them_once,
    events_differing_in_any_key_field_are_distinct,
    events_read_back_in_sequence_order_from_any_point,
    a_failed_append_stores_none_of_its_batch,
    appended_events_survive_a_reopen,
);
