//! The entry form of a unit for a period: which indicators it holds for a user.

use binhdang_domain::{Indicator, Period, REFORM_DATE, UnitLevel};
use binhdang_store::{Store, StoreError, UnitSummary, User};

/// The level an indicator is collected at for a period: its lowest level, or the nearest
/// level above it that exists then (districts ended on 30 June 2025).
pub fn collection_level(indicator: &Indicator, period: &Period) -> Option<UnitLevel> {
    let districts_exist = period.end() < REFORM_DATE;
    [
        UnitLevel::Commune,
        UnitLevel::District,
        UnitLevel::Province,
        UnitLevel::Country,
    ]
    .into_iter()
    .filter(|l| *l <= indicator.lowest_level)
    .find(|l| *l != UnitLevel::District || districts_exist)
}

/// The indicators the form shows `user` for a unit and period, in catalogue order: those
/// collected at the unit's level (every one with `show_all`), and for an officer of an
/// agency only those the agency answers for.
pub async fn form_indicators(
    store: &Store,
    user: &User,
    unit: &UnitSummary,
    period: &Period,
    show_all: bool,
) -> Result<Vec<Indicator>, StoreError> {
    let mut out = Vec::new();
    for indicator in store.indicators().await? {
        if !show_all && collection_level(&indicator, period) != Some(unit.level) {
            continue;
        }
        if !crate::scope::may_enter(store, user, &indicator.code).await? {
            continue;
        }
        out.push(indicator);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn district_indicators_move_up_to_the_province_after_the_reform() {
        let catalogue = binhdang_domain::shipped::catalogue().unwrap();
        let district_level = catalogue
            .indicators
            .iter()
            .find(|i| i.lowest_level == UnitLevel::District)
            .expect("the catalogue has an indicator collected by districts");
        let before: Period = "2024".parse().unwrap();
        let after: Period = "2026".parse().unwrap();
        assert_eq!(collection_level(district_level, &before), Some(UnitLevel::District));
        assert_eq!(collection_level(district_level, &after), Some(UnitLevel::Province));
    }
}
