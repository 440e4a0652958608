//! `binhdang exchange` end to end: the binary against fresh databases. A commune officer's
//! DHIS2 XML goes in under the officer's scope, comes out as XML and ADX, and goes into another
//! database giving the same values; a set nothing of which can be imported exits 1 and stores
//! nothing.

use binhdang_domain::access::Role;
use binhdang_store::on_both_backends;
use binhdang_store::testing::TestDb;
use std::process::{Command, Output};

fn exchange(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_binhdang"))
        .arg("exchange")
        .args(args)
        .env_remove("BINHDANG_DATABASE_URL")
        .output()
        .expect("run binhdang")
}

fn summary(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {} / {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

const SET: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0" period="2025S2" orgUnit="03388">
  <dataValue dataElement="6.1.num" categoryOptionCombo="female" value="8"/>
  <dataValue dataElement="6.1.den" categoryOptionCombo="female" value="10"/>
  <dataValue dataElement="6.1.num" categoryOptionCombo="male" value="12"/>
  <dataValue dataElement="6.1.den" categoryOptionCombo="male" value="15"/>
  <dataValue dataElement="2.3.num" orgUnit="12" value="1"/>
</dataValueSet>
"#;

on_both_backends! {
    async fn an_officer_imports_dhis2_xml_in_scope_and_the_export_moves_it_to_another_database(backend: Backend) {
        let db = TestDb::with_provinces(backend, &["12"]).await;
        db.token_for("can-bo", Role::Officer, "03388").await;
        let dir = std::env::temp_dir().join(format!("binhdang-exchange-{}-{}", std::process::id(), db.url.len()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("set.xml");
        std::fs::write(&file, SET).unwrap();
        let file = file.display().to_string();

        // A dry run counts and writes nothing; the value of another commune is a conflict.
        let out = exchange(&["import", &file, "--username", "can-bo", "--dry-run", "--database-url", &db.url]);
        assert!(out.status.success(), "{} {}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        let dry = summary(&out);
        assert_eq!(dry["response"]["importCount"]["imported"], 4, "{dry}");
        assert_eq!(dry["response"]["rejectedIndexes"], serde_json::json!([4]), "{dry}");
        let (unit, period) = db.store.resolve_unit_period("03388", "2025H2").await.unwrap();
        assert!(db.store.values(&unit, &period).await.unwrap().is_empty());

        let out = exchange(&["import", &file, "--username", "can-bo", "--database-url", &db.url]);
        assert!(out.status.success());
        let done = summary(&out);
        assert_eq!(done["response"]["status"], "WARNING", "{done}");
        assert!(done["response"]["conflicts"][0]["value"].as_str().unwrap().contains("may not write"), "{done}");
        assert_eq!(db.store.values(&unit, &period).await.unwrap().len(), 4);
        let trail = db.store.audit_trail(&unit, Some("2025H2"), Some("6.1.num")).await.unwrap();
        assert_eq!((trail[0].actor.as_str(), trail[0].source.as_deref()), ("can-bo", Some("DHIS2 dataValueSet")));

        // Nothing importable: exit 1, nothing stored.
        let bad = dir.join("bad.json");
        std::fs::write(&bad, r#"{"dataValues": [{"dataElement": "no.such", "orgUnit": "03388", "period": "2024S1", "value": "1"}]}"#).unwrap();
        let out = exchange(&["import", &bad.display().to_string(), "--username", "can-bo", "--database-url", &db.url]);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(summary(&out)["response"]["status"], "ERROR");

        // Out as DHIS2 XML and ADX; the XML into a fresh database gives the same values.
        let xml = dir.join("out.xml").display().to_string();
        let out = exchange(&["export", "--org-unit", "12", "--period", "2025S2", "--children", "--format", "xml", "--out", &xml, "--database-url", &db.url]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let text = std::fs::read_to_string(&xml).unwrap();
        assert!(text.contains("http://dhis2.org/schema/dxf/2.0") && text.matches("<dataValue ").count() == 4, "{text}");
        let out = exchange(&["export", "--org-unit", "03388", "--period", "2025H2", "--format", "adx", "--database-url", &db.url]);
        let adx = String::from_utf8_lossy(&out.stdout);
        assert!(adx.contains("period=\"2025-07-01/P6M\"") && adx.contains("SEX=\"F\" value=\"8\""), "{adx}");

        let fresh = TestDb::with_provinces(backend, &["12"]).await;
        fresh.token_for("quan-tri", Role::Admin, "VN").await;
        let out = exchange(&["import", &xml, "--username", "quan-tri", "--database-url", &fresh.url]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(summary(&out)["response"]["importCount"]["imported"], 4);
        let (copy, _) = fresh.store.resolve_unit_period("03388", "2025H2").await.unwrap();
        let values = |v: Vec<binhdang_store::StoredValue>| {
            let mut out: Vec<_> = v.into_iter().map(|v| (v.element, v.disaggregation, v.value)).collect();
            out.sort_by(|a, b| format!("{a:?}").cmp(&format!("{b:?}")));
            out
        };
        assert_eq!(
            values(fresh.store.values(&copy, &period).await.unwrap()),
            values(db.store.values(&unit, &period).await.unwrap())
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
