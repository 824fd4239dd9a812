//! The outbox over the real store: each call is one trip to a pooled connection.

use super::outbox::{Attempt, Due, Outbox};
use crate::db::Db;
use chrono::{DateTime, Utc};
use store::{Delivery, DeliveryKind, DeliveryState, StoreError};

impl Outbox for Db {
    async fn due(&self, sink: &str, now: DateTime<Utc>, limit: usize) -> Result<Vec<Due>, StoreError> {
        let sink = sink.to_owned();
        self.run(move |store| {
            let deliveries = store.due_deliveries(&sink, now, limit)?;
            // The findings are read on the same connection, in the same trip.
            deliveries
                .into_iter()
                .map(|delivery| {
                    let (finding, notice) = match delivery.kind {
                        DeliveryKind::Notice => (None, store.notice(&delivery.finding)?),
                        _ => (store.finding(&delivery.finding)?, None),
                    };
                    Ok(Due { finding, notice, delivery })
                })
                .collect()
        })
        .await
    }

    async fn pending(&self, sink: &str, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        let sink = sink.to_owned();
        self.run(move |store| store.deliveries(&sink, DeliveryState::Pending, limit)).await
    }

    async fn record(&self, attempts: Vec<(i64, Attempt)>) -> Result<(), StoreError> {
        self.run(move |store| {
            for (delivery, attempt) in &attempts {
                let outcome = match attempt {
                    Attempt::Delivered => Ok(()),
                    Attempt::Retry { error, at } => Err((error.as_str(), Some(*at))),
                    Attempt::GaveUp { error } => Err((error.as_str(), None)),
                };
                store.record_attempt(*delivery, outcome)?;
            }
            Ok(())
        })
        .await
    }

    async fn replay(&self, sink: &str, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let sink = sink.to_owned();
        self.run(move |store| store.replay_failed(&sink, now)).await
    }
}
