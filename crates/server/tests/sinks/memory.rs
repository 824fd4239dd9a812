//! The outbox as the store documents it, kept in memory.

use chrono::{DateTime, Utc};
use model::Finding;
use server::sinks::{Attempt, Due, Outbox};
use std::collections::HashMap;
use std::sync::Mutex;
use store::{Delivery, DeliveryKind, DeliveryState, StoreError};

#[derive(Default)]
pub struct MemoryOutbox {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    deliveries: Vec<Delivery>,
    findings: HashMap<String, Finding>,
}

impl MemoryOutbox {
    /// Stores `finding` and queues a delivery of it to `sink`, due now; returns the delivery id.
    pub fn queue(&self, sink: &str, finding: Finding) -> i64 {
        let mut state = self.state.lock().unwrap();
        let id = state.deliveries.len() as i64 + 1;
        state.deliveries.push(Delivery {
            id,
            sink: sink.into(),
            kind: DeliveryKind::Finding,
            finding: finding.id.clone(),
            state: DeliveryState::Pending,
            attempts: 0,
            next_attempt: Utc::now(),
            last_error: None,
        });
        state.findings.insert(finding.id.clone(), finding);
        id
    }

    pub fn forget_finding(&self, id: &str) {
        self.state.lock().unwrap().findings.remove(id);
    }

    pub fn delivery(&self, id: i64) -> Delivery {
        let state = self.state.lock().unwrap();
        state.deliveries.iter().find(|d| d.id == id).cloned().unwrap()
    }
}

impl Outbox for MemoryOutbox {
    async fn due(&self, sink: &str, now: DateTime<Utc>, limit: usize) -> Result<Vec<Due>, StoreError> {
        let state = self.state.lock().unwrap();
        let mut due: Vec<&Delivery> = state
            .deliveries
            .iter()
            .filter(|d| d.sink == sink && d.state == DeliveryState::Pending && d.next_attempt <= now)
            .collect();
        due.sort_by_key(|d| (d.next_attempt, d.id));
        Ok(due
            .into_iter()
            .take(limit)
            .map(|d| Due { delivery: d.clone(), finding: state.findings.get(&d.finding).cloned(), notice: None })
            .collect())
    }

    async fn pending(&self, sink: &str, limit: usize) -> Result<Vec<Delivery>, StoreError> {
        let state = self.state.lock().unwrap();
        Ok(state
            .deliveries
            .iter()
            .filter(|d| d.sink == sink && d.state == DeliveryState::Pending)
            .take(limit)
            .cloned()
            .collect())
    }

    async fn record(&self, attempts: Vec<(i64, Attempt)>) -> Result<(), StoreError> {
        let mut state = self.state.lock().unwrap();
        for (id, attempt) in attempts {
            let delivery = state.deliveries.iter_mut().find(|d| d.id == id).unwrap();
            delivery.attempts += 1;
            match attempt {
                Attempt::Delivered => delivery.state = DeliveryState::Delivered,
                Attempt::Retry { error, at } => {
                    delivery.last_error = Some(error);
                    delivery.next_attempt = at;
                }
                Attempt::GaveUp { error } => {
                    delivery.last_error = Some(error);
                    delivery.state = DeliveryState::Failed;
                }
            }
        }
        Ok(())
    }

    async fn replay(&self, sink: &str, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let mut state = self.state.lock().unwrap();
        let mut count = 0;
        for delivery in state.deliveries.iter_mut().filter(|d| d.sink == sink && d.state == DeliveryState::Failed) {
            delivery.state = DeliveryState::Pending;
            delivery.attempts = 0;
            delivery.next_attempt = now;
            count += 1;
        }
        Ok(count)
    }
}
