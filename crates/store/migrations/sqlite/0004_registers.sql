-- Registers: the annex tables of the reports (activities, budgets, documents issued, members
-- of the Committee for the Advancement of Women, staff, GBV case counts, inspections).
-- Every row belongs to a unit and a period (a budget row's period is a year); dates are ISO
-- 8601 text and money canonical decimal text in đồng, as everywhere else. Counts are whole,
-- so they are integers. The rules a row must pass live in binhdang_domain::register and are
-- checked before any write; the CHECKs here are the last line only.
--
-- The lists of activity types, document types and GBV case types are data: seeded here,
-- and an administrator may add to them. Codes are referenced by the rows, so a code in use
-- cannot be deleted.

CREATE TABLE activity_types (
    code TEXT PRIMARY KEY CHECK (code <> ''),
    name_vi TEXT NOT NULL CHECK (name_vi <> ''),
    name_en TEXT NOT NULL,
    sort_order INTEGER NOT NULL
);
INSERT INTO activity_types (code, name_vi, name_en, sort_order) VALUES
    ('hoi-nghi', 'Hội nghị', 'Conference', 1),
    ('tap-huan', 'Tập huấn', 'Training', 2),
    ('mit-tinh', 'Mít tinh', 'Rally', 3),
    ('truyen-thong', 'Truyền thông', 'Communication event', 4),
    ('xe-thong-tin-luu-dong', 'Xe thông tin lưu động', 'Mobile information van', 5),
    ('pano', 'Pano', 'Billboard', 6),
    ('bang-ron', 'Băng rôn', 'Banner', 7),
    ('to-roi', 'Tờ rơi', 'Leaflet', 8),
    ('tin-bai', 'Tin bài', 'News item', 9),
    ('phong-su', 'Phóng sự', 'Feature report', 10),
    ('kiem-tra-giam-sat', 'Kiểm tra, giám sát', 'Inspection and monitoring', 11),
    ('tang-qua', 'Tặng quà', 'Gifts', 12);

CREATE TABLE document_types (
    code TEXT PRIMARY KEY CHECK (code <> ''),
    name_vi TEXT NOT NULL CHECK (name_vi <> ''),
    name_en TEXT NOT NULL,
    sort_order INTEGER NOT NULL
);
INSERT INTO document_types (code, name_vi, name_en, sort_order) VALUES
    ('nghi-quyet', 'Nghị quyết', 'Resolution', 1),
    ('chi-thi', 'Chỉ thị', 'Directive', 2),
    ('ke-hoach', 'Kế hoạch', 'Plan', 3),
    ('quyet-dinh', 'Quyết định', 'Decision', 4),
    ('cong-van', 'Công văn', 'Official letter', 5),
    ('huong-dan', 'Hướng dẫn', 'Guidance', 6),
    ('bao-cao', 'Báo cáo', 'Report', 7),
    ('to-trinh', 'Tờ trình', 'Submission', 8),
    ('thong-bao', 'Thông báo', 'Notice', 9);

CREATE TABLE gbv_case_types (
    code TEXT PRIMARY KEY CHECK (code <> ''),
    name_vi TEXT NOT NULL CHECK (name_vi <> ''),
    name_en TEXT NOT NULL,
    sort_order INTEGER NOT NULL
);
INSERT INTO gbv_case_types (code, name_vi, name_en, sort_order) VALUES
    ('bao-luc-gia-dinh', 'Bạo lực gia đình', 'Domestic violence', 1),
    ('bao-luc-tinh-duc', 'Xâm hại, bạo lực tình dục', 'Sexual abuse and violence', 2),
    ('quay-roi-tinh-duc', 'Quấy rối tình dục', 'Sexual harassment', 3),
    ('mua-ban-nguoi', 'Mua bán người', 'Trafficking in persons', 4),
    ('khac', 'Bạo lực trên cơ sở giới khác', 'Other gender-based violence', 5);

-- Hoạt động: conferences, trainings, rallies, communication products, and who took part.
CREATE TABLE register_activities (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    period TEXT NOT NULL,
    activity_type TEXT NOT NULL REFERENCES activity_types (code),
    content TEXT,
    quantity INTEGER NOT NULL CHECK (quantity >= 0),
    participants_male INTEGER CHECK (participants_male >= 0),
    participants_female INTEGER CHECK (participants_female >= 0),
    participants_total INTEGER CHECK (participants_total >= 0),
    level TEXT CHECK (level IN ('country', 'province', 'district', 'commune')),
    activity_date TEXT,
    notes TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX register_activities_unit_period ON register_activities (unit_id, period);

-- Kinh phí: by year (the period is always a year) and source, in đồng.
CREATE TABLE register_budgets (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    period TEXT NOT NULL,
    source TEXT NOT NULL CHECK (source IN ('trung-uong', 'tinh', 'huyen', 'xa', 'xa-hoi-hoa')),
    content TEXT,
    allocated TEXT,
    spent TEXT,
    notes TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX register_budgets_unit_period ON register_budgets (unit_id, period);

-- Văn bản chỉ đạo đã ban hành.
CREATE TABLE register_documents (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    period TEXT NOT NULL,
    row_order INTEGER CHECK (row_order >= 0),
    summary TEXT NOT NULL CHECK (summary <> ''),
    issuing_body TEXT NOT NULL CHECK (issuing_body <> ''),
    document_type TEXT NOT NULL REFERENCES document_types (code),
    doc_number TEXT,
    issued_on TEXT,
    notes TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX register_documents_unit_period ON register_documents (unit_id, period);

-- Thành viên Ban vì sự tiến bộ của phụ nữ.
CREATE TABLE register_committee_members (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    period TEXT NOT NULL,
    name TEXT NOT NULL CHECK (name <> ''),
    position TEXT NOT NULL CHECK (position <> ''),
    sex TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    agency TEXT,
    term TEXT,
    notes TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX register_committee_members_unit_period ON register_committee_members (unit_id, period);

-- Cán bộ làm công tác bình đẳng giới: full-time and part-time, by sex.
CREATE TABLE register_staff (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    period TEXT NOT NULL,
    agency TEXT,
    full_time_male INTEGER NOT NULL CHECK (full_time_male >= 0),
    full_time_female INTEGER NOT NULL CHECK (full_time_female >= 0),
    part_time_male INTEGER NOT NULL CHECK (part_time_male >= 0),
    part_time_female INTEGER NOT NULL CHECK (part_time_female >= 0),
    notes TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX register_staff_unit_period ON register_staff (unit_id, period);

-- Counts of gender-based and domestic-violence cases. Counts only: no names, no free text.
CREATE TABLE register_gbv_cases (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    period TEXT NOT NULL,
    case_type TEXT NOT NULL REFERENCES gbv_case_types (code),
    victim_sex TEXT CHECK (victim_sex IN ('male', 'female')),
    perpetrator_sex TEXT CHECK (perpetrator_sex IN ('male', 'female')),
    cases INTEGER NOT NULL CHECK (cases >= 0),
    supported INTEGER CHECK (supported >= 0),
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX register_gbv_cases_unit_period ON register_gbv_cases (unit_id, period);

-- Kiểm tra, giám sát.
CREATE TABLE register_inspections (
    id INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    period TEXT NOT NULL,
    quantity INTEGER NOT NULL CHECK (quantity >= 0),
    subject TEXT,
    findings TEXT,
    violations_found INTEGER CHECK (violations_found >= 0),
    violations_handled INTEGER CHECK (violations_handled >= 0),
    inspected_on TEXT,
    notes TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX register_inspections_unit_period ON register_inspections (unit_id, period);

-- Every change to a register row: who, when, from where, the row before and after (JSON).
-- Append-only, like data_value_audit.
CREATE TABLE register_audit (
    id INTEGER PRIMARY KEY,
    register TEXT NOT NULL,
    row_id INTEGER NOT NULL,
    unit_id INTEGER NOT NULL REFERENCES units (id),
    period TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete')),
    old_json TEXT,
    new_json TEXT,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    origin TEXT NOT NULL DEFAULT ''
);
CREATE INDEX register_audit_row ON register_audit (register, row_id);

CREATE TRIGGER register_audit_no_update BEFORE UPDATE ON register_audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER register_audit_no_delete BEFORE DELETE ON register_audit
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
