//! Group commit: saves of data values that arrive while others are being written wait, and
//! are then written together in one transaction.
//!
//! On a deadline day every save adds to the same cells of its province and of the country.
//! Written one transaction per save, those rows are locked, rewritten and committed hundreds
//! of times a second, and the saves queue on them (PostgreSQL) or on the one writer (SQLite).
//! Written together, a batch updates each shared cell once and commits once. On PostgreSQL
//! two batches are written at a time (see [`most_batches_at_once`]).
//!
//! What a caller sees does not change: each save in a batch is checked, locked and written as
//! if alone (it sees what the saves before it in the batch wrote, so the audit trail still
//! chains), and is refused on its own — a wrong value, a locked report, a value changed
//! meanwhile — without touching the others, since every refusal is decided before the save
//! writes anything. When the batch fails as a whole (a deadlock with another writer, a lost
//! connection), each of its saves is written again in a transaction of its own, so every
//! answer is the save's own. Nothing is answered before the commit that stores it.

use crate::outliers::note_writes;
use crate::rollup::{Sums, UnitDeltas, apply_unit_deltas, lock_unit_periods};
use crate::values::{decide, read_stored, write_decided};
use crate::{Actor, QUEUE_WAIT, Store, StoreError, UnitSummary, ValueInput, WriteSummary};
use binhdang_domain::Period;
use binhdang_domain::input::check_inputs;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, MutexGuard};
use tokio::sync::oneshot;

/// The most saves written in one transaction: enough to share the hot cells among many
/// saves, few enough that a batch holds its locks for a short time.
const MOST_SAVES_A_BATCH: usize = 64;

/// Batches written at once. SQLite has one writer. On PostgreSQL a batch spends most of its
/// time in round trips, so a second batch writes its values and audit rows meanwhile; the two
/// take turns only on the rows they share (a province's and the country's sums, its sibling
/// version), which every writer locks in one order.
fn most_batches_at_once(backend: crate::Backend) -> usize {
    match backend {
        crate::Backend::Sqlite => 1,
        crate::Backend::Postgres => 2,
    }
}

/// One save of a unit's values for a period, as [`Store::write_values`] takes it.
#[derive(Debug)]
struct Save {
    unit: UnitSummary,
    period: Period,
    inputs: Vec<ValueInput>,
    actor: Actor,
}

type Answer = Result<WriteSummary, StoreError>;

struct Waiting {
    ticket: u64,
    save: Save,
    answer: oneshot::Sender<Answer>,
}

#[derive(Default)]
struct Queue {
    waiting: Vec<Waiting>,
    /// Tasks writing batches; each takes what waits until nothing does.
    writers: usize,
    next_ticket: u64,
}

/// The queue of saves waiting for their batch, shared by every clone of a [`Store`].
#[derive(Default)]
pub(crate) struct GroupCommit {
    queue: Mutex<Queue>,
}

impl std::fmt::Debug for GroupCommit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GroupCommit").finish_non_exhaustive()
    }
}

impl GroupCommit {
    fn queue(&self) -> MutexGuard<'_, Queue> {
        // A panic while the lock was held left the queue as it was between two statements.
        self.queue.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Store {
    /// Writes a batch of values for one unit and period. Every input is checked first; if
    /// any is wrong, all problems are returned and nothing is written. Otherwise the values,
    /// their audit rows and the sums of every ancestor are written in one transaction that
    /// no other save of the same unit and period interleaves with (shared with saves of
    /// other units that arrived meanwhile: see [`crate::group_commit`]).
    ///
    /// A save that waits for its turn longer than the pools' queue wait is refused as
    /// [`StoreError::Busy`], having written nothing.
    pub async fn write_values(
        &self,
        unit: &UnitSummary,
        period: &Period,
        inputs: &[ValueInput],
        actor: &Actor,
    ) -> Result<WriteSummary, StoreError> {
        let save = Save {
            unit: unit.clone(),
            period: *period,
            inputs: inputs.to_vec(),
            actor: actor.clone(),
        };
        let (answer, answered) = oneshot::channel();
        let (ticket, lead) = {
            let mut queue = self.group.queue();
            let ticket = queue.next_ticket;
            queue.next_ticket += 1;
            queue.waiting.push(Waiting { ticket, save, answer });
            let lead = queue.writers < most_batches_at_once(self.backend);
            if lead {
                queue.writers += 1;
            }
            (ticket, lead)
        };
        if lead {
            // A task of its own, so that a caller who goes away (a closed connection drops
            // the request's future) cannot abandon the saves of the others.
            tokio::spawn(write_batches(self.clone()));
        }
        let mut answered = std::pin::pin!(answered);
        let abandoned = || StoreError::Busy("the save was abandoned before it was written".into());
        match tokio::time::timeout(QUEUE_WAIT, &mut answered).await {
            Ok(answer) => answer.unwrap_or_else(|_| Err(abandoned())),
            Err(_) => {
                let withdrawn = {
                    let mut queue = self.group.queue();
                    let at = queue.waiting.iter().position(|w| w.ticket == ticket);
                    at.map(|at| queue.waiting.remove(at)).is_some()
                };
                if withdrawn {
                    return Err(StoreError::Busy(format!(
                        "no turn to write came within {} s",
                        QUEUE_WAIT.as_secs()
                    )));
                }
                // Already taken into a batch: its answer comes with the batch's commit.
                answered.await.unwrap_or_else(|_| Err(abandoned()))
            }
        }
    }
}

/// Writes batches until no save waits.
async fn write_batches(store: Store) {
    let mut stop = StopWriting {
        store: &store,
        finished: false,
    };
    loop {
        let batch: Vec<Waiting> = {
            let mut queue = store.group.queue();
            if queue.waiting.is_empty() {
                queue.writers -= 1;
                break;
            }
            let n = queue.waiting.len().min(MOST_SAVES_A_BATCH);
            queue.waiting.drain(..n).collect()
        };
        let saves: Vec<&Save> = batch.iter().map(|w| &w.save).collect();
        let started = std::time::Instant::now();
        let answers = write_together(&store, &saves).await;
        tracing::debug!(
            saves = saves.len(),
            ms = started.elapsed().as_millis() as u64,
            "group commit"
        );
        for (waiting, answer) in batch.into_iter().zip(answers) {
            // The caller may have gone away; its save stands.
            let _ = waiting.answer.send(answer);
        }
    }
    stop.finished = true;
}

/// If a writing task ends by a panic, the saves still waiting are answered "busy" (their
/// senders dropped) and the next save starts a new task.
struct StopWriting<'a> {
    store: &'a Store,
    finished: bool,
}

impl Drop for StopWriting<'_> {
    fn drop(&mut self) {
        if !self.finished {
            let mut queue = self.store.group.queue();
            queue.writers -= 1;
            queue.waiting.clear();
        }
    }
}

/// Every save's answer, in order: the batch in one transaction, or each save alone when the
/// batch as a whole fails.
async fn write_together(store: &Store, saves: &[&Save]) -> Vec<Answer> {
    match write_batch(store, saves).await {
        Ok(answers) => answers,
        Err(e) if saves.len() == 1 => vec![Err(e)],
        Err(_) => {
            let mut answers = Vec::with_capacity(saves.len());
            for save in saves {
                answers.push(write_alone(store, save).await);
            }
            answers
        }
    }
}

async fn write_alone(store: &Store, save: &Save) -> Answer {
    let mut tx = store.begin_write().await?;
    let summary = store
        .write_values_in(&mut tx, &save.unit, &save.period, &save.inputs, &save.actor)
        .await?;
    tx.commit().await?;
    Ok(summary)
}

/// Whether `e` refuses one save without anything having gone wrong with the transaction.
fn is_refusal(e: &StoreError) -> bool {
    matches!(
        e,
        StoreError::Invalid(_) | StoreError::Changed(_) | StoreError::NotFound { .. }
    )
}

/// Writes the saves in one transaction: their locks taken in one order, their stored values
/// read at once, each save checked and decided in turn against what the ones before it left
/// (a refused save changes nothing), then the rows, the audit trail and the sums of all of
/// them in a few statements, and one commit. An error other than a save's refusal fails the
/// whole batch.
async fn write_batch(store: &Store, saves: &[&Save]) -> Result<Vec<Answer>, StoreError> {
    let mut tx = store.begin_write().await?;
    let catalogue = store.catalogue_on(&mut tx).await?;
    let elements = &catalogue.elements_by_code;
    let checked: Vec<_> = saves.iter().map(|s| check_inputs(elements, &s.inputs)).collect();
    let passed: Vec<&Save> = saves
        .iter()
        .zip(&checked)
        .filter(|(_, c)| c.is_ok())
        .map(|(s, _)| *s)
        .collect();
    // Every lock the batch needs, taken in one order before anything is read.
    let to_lock: BTreeSet<(i64, String)> = passed.iter().map(|s| (s.unit.id, s.period.to_string())).collect();
    let to_lock: Vec<(i64, String)> = to_lock.into_iter().collect();
    lock_unit_periods(&mut tx, store.backend, &to_lock).await?;
    let pairs: Vec<(i64, &str)> = to_lock.iter().map(|(u, p)| (*u, p.as_str())).collect();
    let mut stored = read_stored(&mut tx, &pairs).await?;
    let today = store.clock.today();
    // Whether entry is open, for every save that passed its checks, in one query.
    let open: Vec<(&UnitSummary, &Period)> = passed.iter().map(|s| (&s.unit, &s.period)).collect();
    let mut open = crate::workflow::entry_checks_on(&mut tx, &open, today)
        .await?
        .into_iter();
    let mut answers = Vec::with_capacity(saves.len());
    let mut decided = Vec::new();
    for (save, checked) in saves.iter().zip(&checked) {
        let outcome = match checked {
            Ok(checked) => match open.next() {
                Some(Ok(())) => {
                    let values = stored.entry(save.unit.id, &save.period.to_string());
                    decide(elements, checked, values, &save.actor)
                }
                Some(Err(e)) => Err(e),
                None => Err(StoreError::Corrupt("a save's entry was not checked".into())),
            },
            Err(problems) => Err(StoreError::Invalid(problems.clone())),
        };
        match outcome {
            Ok(save) => {
                answers.push(Ok(save.summary.clone()));
                decided.push(save);
            }
            Err(e) if is_refusal(&e) => answers.push(Err(e)),
            Err(e) => return Err(e),
        }
    }
    write_decided(&mut tx, store.backend, &store.now_text(), &stored, &decided).await?;
    // The sibling versions the outlier test's cache checks, one bump per unit and period
    // that changed.
    let periods: BTreeMap<String, Period> = saves.iter().map(|s| (s.period.to_string(), s.period)).collect();
    let changed: Vec<(i64, &Period)> = decided
        .iter()
        .filter(|save| save.summary.written + save.summary.deleted > 0)
        .map(|save| (save.unit_id(), &periods[save.period()]))
        .collect();
    note_writes(&mut tx, store.backend, &changed).await?;
    let units: Vec<UnitDeltas> = decided
        .iter()
        .map(|save| UnitDeltas {
            unit_id: save.unit_id(),
            period: save.period(),
            changes: &save.changes,
        })
        .collect();
    apply_unit_deltas(&mut tx, store.backend, Sums::All, &units).await?;
    tx.commit().await?;
    Ok(answers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RawValue;
    use crate::testing::TestDb;
    use binhdang_domain::UnitLevel;

    fn value(element: &str, sex: &str, value: &str) -> ValueInput {
        ValueInput {
            element: element.into(),
            disaggregation: Some(sex.into()),
            value: RawValue::Text(value.into()),
            comment: None,
            source: None,
            expected: None,
        }
    }

    fn save(unit: &UnitSummary, inputs: Vec<ValueInput>) -> Save {
        Save {
            unit: unit.clone(),
            period: "2026H1".parse().unwrap(),
            inputs,
            actor: Actor {
                name: "officer".into(),
                origin: "test".into(),
                entered_from: None,
            },
        }
    }

    fn numbers(den: &str, num: &str) -> Vec<ValueInput> {
        vec![value("6.1.den", "female", den), value("6.1.num", "female", num)]
    }

    async fn stored(store: &Store, unit: &UnitSummary) -> Vec<(String, Option<String>)> {
        let period: Period = "2026H1".parse().unwrap();
        let values = store.values(unit, &period).await.unwrap();
        values.into_iter().map(|v| (v.element.to_string(), v.value)).collect()
    }

    async fn communes(store: &Store) -> Vec<UnitSummary> {
        let period: Period = "2026H1".parse().unwrap();
        let province = binhdang_domain::UnitCode::parse("12").unwrap();
        store
            .units_valid_on(period.end(), Some(UnitLevel::Commune), Some(&province))
            .await
            .unwrap()
    }

    crate::on_both_backends! {
        async fn a_batch_answers_each_save_as_if_it_were_alone(backend: Backend) {
            let db = TestDb::with_provinces(backend, &["12"]).await;
            let store = &db.store;
            let c = communes(store).await;
            let mut changed_meanwhile = numbers("70", "7");
            changed_meanwhile[0].expected = Some(RawValue::Text("69".into()));
            let saves = [
                save(&c[0], numbers("100", "40")),
                // Refused by the catalogue: an element it does not have.
                save(&c[1], vec![value("6.1.den", "female", "10"), value("99.9.num", "female", "1")]),
                // Refused under the lock: the value it expected to replace is not stored.
                save(&c[2], changed_meanwhile),
                // The same commune again: it replaces what the first save of the batch wrote.
                save(&c[0], numbers("120", "40")),
                save(&c[3], numbers("50", "5")),
            ];
            let answers = write_together(store, &saves.iter().collect::<Vec<_>>()).await;
            assert_eq!(answers.len(), 5);
            assert_eq!(answers[0].as_ref().unwrap().written, 2);
            assert!(matches!(answers[1], Err(StoreError::Invalid(_))), "{:?}", answers[1]);
            assert!(matches!(answers[2], Err(StoreError::Changed(_))), "{:?}", answers[2]);
            let second = answers[3].as_ref().unwrap();
            assert_eq!((second.written, second.unchanged), (1, 1));
            assert_eq!(answers[4].as_ref().unwrap().written, 2);

            let den_num = |den: &str, num: &str| {
                // In catalogue order: numerator, then denominator.
                vec![("6.1.num".to_string(), Some(num.to_string())), ("6.1.den".to_string(), Some(den.to_string()))]
            };
            assert_eq!(stored(store, &c[0]).await, den_num("120", "40"));
            assert!(stored(store, &c[1]).await.is_empty(), "a refused save wrote nothing");
            assert!(stored(store, &c[2]).await.is_empty(), "a refused save wrote nothing");
            assert_eq!(stored(store, &c[3]).await, den_num("50", "5"));
            let period: Period = "2026H1".parse().unwrap();
            assert_eq!(store.audit_count(&c[0], &period).await.unwrap(), 3, "2 values, then 1 of them changed");
            let report = store.verify(10).await.unwrap();
            assert_eq!(report.aggregates.mismatches, 0, "{:?}", report.mismatches);
            assert_eq!(report.audit_breaks, 0, "{:?}", report.breaks);
        }
    }

    crate::on_both_backends! {
        async fn a_batch_checks_whether_entry_is_open_for_each_save(backend: Backend) {
            let db = TestDb::with_provinces(backend, &["12"]).await;
            let store = &db.store;
            let c = communes(store).await;
            let period: Period = "2026H1".parse().unwrap();
            let today = crate::testing::test_today();
            let admin = Actor {
                name: "admin".into(),
                origin: "test".into(),
                entered_from: None,
            };
            // The period closed today; one commune of three has an unlock.
            store.close_period("NS-H1", &period, today, &admin).await.unwrap();
            let until = today + time::Duration::days(30);
            store.unlock(&c[1], &period, until, "late figures", &admin).await.unwrap();
            let saves = [
                save(&c[0], numbers("100", "40")),
                save(&c[1], numbers("80", "8")),
                save(&c[2], numbers("60", "6")),
            ];
            let answers = write_together(store, &saves.iter().collect::<Vec<_>>()).await;
            let closed = |answer: &Answer| match answer {
                Err(StoreError::Invalid(problems)) => problems.iter().any(|p| p.code == "period_closed"),
                _ => false,
            };
            assert!(closed(&answers[0]), "{:?}", answers[0]);
            assert_eq!(answers[1].as_ref().unwrap().written, 2);
            assert!(closed(&answers[2]), "{:?}", answers[2]);
            assert!(stored(store, &c[0]).await.is_empty(), "a refused save wrote nothing");
            assert_eq!(stored(store, &c[1]).await.len(), 2);
            assert!(stored(store, &c[2]).await.is_empty(), "a refused save wrote nothing");
            // One unit asked alone gets the answer it got in the batch.
            assert!(store.check_entry_open(&c[0], &period, today).await.is_err());
            assert!(store.check_entry_open(&c[1], &period, today).await.is_ok());
            let report = store.verify(10).await.unwrap();
            assert_eq!(report.aggregates.mismatches, 0, "{:?}", report.mismatches);
        }
    }

    crate::on_both_backends! {
        async fn when_the_batch_fails_each_save_is_written_alone(backend: Backend) {
            let db = TestDb::with_provinces(backend, &["12"]).await;
            let store = &db.store;
            let c = communes(store).await;
            // A unit that is not in the database: its rows break a foreign key, which fails
            // the batch's transaction as a whole.
            let mut missing = c[1].clone();
            missing.id = i64::from(i32::MAX);
            let saves = [
                save(&c[0], numbers("100", "40")),
                save(&missing, numbers("80", "8")),
                save(&c[2], numbers("60", "6")),
            ];
            let answers = write_together(store, &saves.iter().collect::<Vec<_>>()).await;
            assert_eq!(answers[0].as_ref().unwrap().written, 2);
            assert!(matches!(answers[1], Err(StoreError::Database(_))), "{:?}", answers[1]);
            assert_eq!(answers[2].as_ref().unwrap().written, 2);
            assert_eq!(stored(store, &c[2]).await.len(), 2);
            let report = store.verify(10).await.unwrap();
            assert_eq!(report.aggregates.mismatches, 0, "{:?}", report.mismatches);
            assert_eq!(report.audit_breaks, 0, "{:?}", report.breaks);
        }
    }
}
