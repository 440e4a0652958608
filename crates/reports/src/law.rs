//! The report on the Gender Equality Law (báo cáo thi hành Luật Bình đẳng giới): what a
//! People's Council supervision or a ministry asks of a province or commune over a window of
//! exact dates (from 01/01/2021 to 30/07/2024 in a real one) — the documents issued,
//! communication, the strategy's objectives, the organisation and inspections, GBV support and
//! the budget, the difficulties and proposals, and the annexes.
//!
//! Data is entered by period, so the figures are built from the periods inside the window;
//! the report says which, and how many days at its edges no period covers.

use crate::build::{Builder, body, heading};
use crate::model::*;

impl Builder<'_> {
    /// The body of the law report, its signature and its annexes.
    pub(crate) fn law_review_blocks(&self) -> Vec<Block> {
        let dt = self.doc_template();
        let mut out = self.preamble();
        out.push(heading("I. TÌNH HÌNH THI HÀNH LUẬT BÌNH ĐẲNG GIỚI"));
        out.push(heading(
            "1. Xây dựng, ban hành văn bản chỉ đạo, hướng dẫn thực hiện Luật",
        ));
        self.narrative("situation", &mut out);
        out.extend(self.documents_sentences());
        out.push(heading(
            "2. Tuyên truyền, phổ biến, giáo dục pháp luật về bình đẳng giới",
        ));
        out.extend(self.activity_sentences());
        out.push(heading("3. Kết quả thực hiện các mục tiêu, chỉ tiêu về bình đẳng giới"));
        out.push(self.coverage_sentence());
        out.extend(self.results_by_objective_with("Tổng hợp", |_, _| String::new()));
        out.push(heading(
            "4. Tổ chức bộ máy, cán bộ; thanh tra, kiểm tra việc thực hiện pháp luật về bình đẳng giới",
        ));
        out.extend(self.organisation_sentences());
        out.push(heading("5. Hỗ trợ người bị bạo lực trên cơ sở giới"));
        out.extend(self.gbv_sentences());
        out.push(heading("6. Kinh phí thực hiện"));
        out.extend(self.budget_sentences());
        out.push(heading("II. KHÓ KHĂN, VƯỚNG MẮC VÀ NGUYÊN NHÂN"));
        out.push(heading("1. Khó khăn, vướng mắc"));
        self.narrative("difficulties", &mut out);
        out.push(heading("2. Nguyên nhân"));
        self.narrative("causes", &mut out);
        out.push(heading("III. ĐỀ XUẤT, KIẾN NGHỊ"));
        self.narrative("proposals", &mut out);
        out.push(body(self.fill(&dt.closing)));
        out.push(Block::Signature(self.signature()));
        self.annexes(
            vec![
                (&self.t.tables.assessment_title, self.assessment_table()),
                (&self.t.tables.documents_title, self.documents_table()),
                (&self.t.tables.activities_title, self.activities_table()),
                (&self.t.tables.budget_title, self.budget_table()),
            ],
            &mut out,
        );
        out
    }

    /// Which reporting periods the figures are built from, and the days no period covers.
    fn coverage_sentence(&self) -> Block {
        let window = &self.facts.window;
        let parts: Vec<String> = window.parts().iter().map(|p| p.label_vi().to_lowercase()).collect();
        let mut sentence = format!(
            "Số liệu các chỉ tiêu được tổng hợp từ các kỳ báo cáo: {}",
            parts.join(", ")
        );
        match window.uncovered_days() {
            0 => sentence.push('.'),
            days => sentence.push_str(&format!(
                "; {days} ngày ở đầu hoặc cuối khoảng thời gian không trọn một tháng nên chưa có số liệu riêng."
            )),
        }
        body(sentence)
    }
}
