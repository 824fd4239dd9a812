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
    a_version_3_database_is_upgraded_and_its_rows_still_load,
    applying_detections_reports_new_findings_and_queues_one_delivery_per_sink,
    applying_the_same_detections_twice_changes_nothing,
    retracting_a_finding_deletes_it_and_its_undelivered_deliveries,
    a_failed_apply_writes_nothing,
    a_snapshot_replaces_the_previous_one,
    incident_filters_each_narrow_the_queue_and_combine,
    incident_pages_follow_the_queue_and_say_exactly_when_more_follow,
    a_zero_limit_reads_pages_of_fifty,
    finding_filters_each_narrow_newest_first_and_page,
    status_changes_only_stored_incidents_and_each_change_is_audited,
    status_and_comments_outlive_the_incident_being_upserted_or_dropped,
    comments_need_a_stored_incident_and_read_oldest_first,
    an_assignee_is_set_and_cleared_only_on_stored_incidents_each_change_audited,
    the_queue_filters_by_assignee_or_unassigned,
    the_audit_log_reads_newest_first_pages_and_filters_by_target,
    a_token_is_found_by_hash_listed_oldest_first_and_revoked_once,
    a_token_whose_id_or_hash_is_stored_is_refused,
    only_pending_deliveries_whose_time_has_come_are_due,
    a_retried_delivery_stays_pending_with_its_last_error_and_count,
    a_delivery_given_up_is_failed_until_replayed,
    source_stats_count_events_per_provider_tenant_and_category,
    identity_events_find_the_subject_by_id_or_login_newest_first,
    identity_events_keep_to_their_categories_provider_and_tenant,
    identity_events_around_a_time_read_both_sides_oldest_first,
    events_are_found_by_provider_event_id,
    ledger_records_are_stored_once_and_found_by_id_and_identity,
    an_approval_is_replaced_only_at_the_version_its_writer_read,
    approvals_list_newest_first_by_state_and_page,
    a_campaign_is_created_once_and_replaced_at_its_version,
    a_decision_with_its_approval_and_audit_is_written_all_or_nothing,
    a_notice_is_stored_with_its_approval_and_queued_for_the_sinks_it_names,
    a_notice_and_its_approval_change_are_written_all_or_nothing,
    raw_records_round_trip_with_their_events,
    a_duplicate_post_keeps_the_first_raw_record_once,
    events_appended_without_raw_records_store_none,
    a_raw_record_that_does_not_inflate_is_refused_as_corrupt,
);
