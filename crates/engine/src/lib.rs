//! The monitoring engine: what happens to a figure between the person who types it and the
//! province that reads it.
//!
//! Every channel that stores data values (the JSON API, the entry form, spreadsheets and CSV,
//! imported reports) goes through [`save`]: who may enter which indicator ([`scope`]), the
//! checks of each value against the catalogue ([`binhdang_domain::input`]), the write with
//! its audit rows and the roll-up deltas of every ancestor in one transaction
//! ([`binhdang_store::Store::write_values`]), and the validation rules on the saved report
//! ([`binhdang_store::Store::validate`]). [`form`] decides which indicators a user's entry
//! form holds. The pure rules live in `domain`; the SQL lives in `store`; `web` only reads
//! requests and renders answers.
//!
//! The path of one value from `PUT /api/v1/values` to the province's sums:
//! `web::api::put_values` → [`save::save_and_validate`] → [`scope::refuse_outside_agency`]
//! → `Store::write_values` (queued, and written with the saves that arrive meanwhile in one
//! transaction: `domain::input::check_inputs`, the unit-period lock,
//! `domain::rollup::{contributions, deltas}`, `store::rollup::apply_unit_deltas`) → commit →
//! `Store::validate`.

pub mod access;
pub mod disclosure;
pub mod exchange;
pub mod form;
pub mod plans;
pub mod save;
pub mod scope;

pub use save::{Refusal, Saved};
