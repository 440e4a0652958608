//! Sentences on the organisation behind the figures — the Committee for the Advancement of
//! Women, the staff working on gender equality, inspections — shared by the period reports
//! and the phase review.

use crate::build::{Builder, body};
use crate::model::Block;
use crate::words::NO_DATA;
use binhdang_domain::vn::format_number;
use rust_decimal::Decimal;

fn count(d: Decimal) -> String {
    format_number(d, Some(0))
}

impl Builder<'_> {
    pub(crate) fn organisation_sentences(&self) -> Vec<Block> {
        let f = self.facts;
        let mut out = Vec::new();
        match &f.committee {
            Some((filed, c)) => out.push(body(format!(
                "Ban vì sự tiến bộ của phụ nữ ({}) có {} thành viên (nam {}, nữ {}).",
                filed.label_vi().to_lowercase(),
                count(c.members.total),
                count(c.members.male),
                count(c.members.female)
            ))),
            None => out.push(body(format!("Ban vì sự tiến bộ của phụ nữ: {NO_DATA}."))),
        }
        match &f.staff {
            Some((filed, s)) => out.push(body(format!(
                "Đội ngũ làm công tác bình đẳng giới ({}): {} người, trong đó chuyên trách {} (nam {}, nữ {}), kiêm nhiệm {} (nam {}, nữ {}).",
                filed.label_vi().to_lowercase(),
                count(s.total.total),
                count(s.full_time.total),
                count(s.full_time.male),
                count(s.full_time.female),
                count(s.part_time.total),
                count(s.part_time.male),
                count(s.part_time.female)
            ))),
            None => out.push(body(format!("Đội ngũ làm công tác bình đẳng giới: {NO_DATA}."))),
        }
        match &f.inspections {
            Some(i) => out.push(body(format!(
                "Đã tiến hành {} cuộc thanh tra, kiểm tra việc thực hiện pháp luật về bình đẳng giới; phát hiện {} vi phạm, đã xử lý {}.",
                count(i.inspections),
                count(i.violations_found),
                count(i.violations_handled)
            ))),
            None => out.push(body(format!("Thanh tra, kiểm tra về bình đẳng giới: {NO_DATA}."))),
        }
        out
    }
}
