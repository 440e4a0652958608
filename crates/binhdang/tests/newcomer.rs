//! What the README promises a newcomer, in a real browser: `binhdang serve --demo` on a fresh
//! SQLite file prints one-time passwords; with them the commune officer enters and submits
//! the year's figures, the provincial reviewer approves them, and the provincial leader's
//! dashboard shows the province's figure built from them — nothing prepared by the test but
//! the command line. Chromium and chromedriver come from `scripts/ensure-chromium.sh`.

mod support;

use support::chromium::*;
use support::served::Served;

/// Signs in with a printed one-time password and sets a new one, as the interface demands.
async fn first_sign_in(b: &Browser, served: &Served, username: &str, password: &str) {
    b.client.goto(&served.url("/")).await.unwrap();
    type_into(b, "#username", username).await;
    type_into(b, "#password", password).await;
    click(b, "form.stack button[type=submit]").await;
    wait_for_text(b, "Lưu mật khẩu mới").await;
    let new_password = format!("{username}-mat-khau-moi");
    type_into(b, "#old_password", password).await;
    type_into(b, "#new_password", &new_password).await;
    type_into(b, "#confirm_password", &new_password).await;
    click(b, "button.primary").await;
    wait_for_text(b, "Đăng xuất").await;
}

async fn sign_out(b: &Browser) {
    click(b, "form[action='/dang-xuat'] button").await;
    wait_for_text(b, "Bạn đã đăng xuất.").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newcomer_enters_submits_approves_and_reads_the_dashboard_with_the_printed_passwords() {
    let today = binhdang_store::testing::test_today();
    let served = Served::demo(today);
    let passwords = served.passwords();
    for user in [
        "admin",
        "can.bo.doanket",
        "tong.hop.laichau",
        "lanh.dao.laichau",
        "can.bo.soyte",
    ] {
        assert!(
            passwords.contains_key(user),
            "no password printed for {user}: {passwords:?}"
        );
    }
    let year = today.year();
    let dashboard = format!("/bang-dieu-khien?unit=12&period={year}&indicator=6.1");
    let b = Browser::start(1280, 900).await;

    // The leader first: the province has no figure for this year yet.
    first_sign_in(&b, &served, "lanh.dao.laichau", &passwords["lanh.dao.laichau"]).await;
    b.client.goto(&served.url(&dashboard)).await.unwrap();
    wait_for_text(&b, "Biểu đồ: 6.1").await;
    let before = text_of(&b, "#row-6\\.1 td.num").await;
    assert!(!before.contains('%'), "no figure yet for {year}: {before}");
    sign_out(&b).await;

    // The commune officer opens this year's form from the home page, enters and submits.
    first_sign_in(&b, &served, "can.bo.doanket", &passwords["can.bo.doanket"]).await;
    wait_for_text(&b, "Kỳ báo cáo của đơn vị").await;
    click(&b, &format!("a[href='/nhap-lieu?unit=03388&period={year}']")).await;
    wait_for_text(&b, "Mục tiêu 6").await;
    type_into(&b, "#v-6-1-num-male", "12.000").await;
    type_into(&b, "#v-6-1-den-male", "15.000").await;
    type_into(&b, "#v-6-1-num-female", "8.000").await;
    type_into(&b, "#v-6-1-den-female", "10.000").await;
    assert_eq!(text_of(&b, "#ct-6-1 output[data-d=total]").await, "80,0%");
    click(&b, "#submit-report").await;
    wait_for_text(&b, "Đã gửi báo cáo lên cấp trên để xét duyệt.").await;
    sign_out(&b).await;

    // The provincial reviewer finds it waiting and approves it.
    first_sign_in(&b, &served, "tong.hop.laichau", &passwords["tong.hop.laichau"]).await;
    wait_for_text(&b, "Báo cáo chờ xét duyệt").await;
    click(&b, &format!("a[href='/xet-duyet?unit=03388&period={year}']")).await;
    wait_for_text(&b, "Xét duyệt báo cáo").await;
    click(&b, "#approve").await;
    wait_for_text(&b, "Đã phê duyệt báo cáo.").await;
    sign_out(&b).await;

    // The leader's dashboard now has the province's figure, from approved data too.
    type_into(&b, "#username", "lanh.dao.laichau").await;
    type_into(&b, "#password", "lanh.dao.laichau-mat-khau-moi").await;
    click(&b, "form.stack button[type=submit]").await;
    wait_for_text(&b, "Đăng xuất").await;
    for url in [dashboard.clone(), format!("{dashboard}&data=approved")] {
        b.client.goto(&served.url(&url)).await.unwrap();
        wait_for_text(&b, "Biểu đồ: 6.1").await;
        // The one commune of 38 that reported, said beside the figure.
        assert_eq!(
            text_of(&b, "#row-6\\.1 td.num").await,
            "80,0%\n1/38 đơn vị có số liệu",
            "{url}"
        );
    }
    let drawn = js(
        &b,
        "var svg = document.querySelector('#chart-series svg'); return svg ? svg.querySelectorAll('path').length : 0;",
    )
    .await;
    assert!(drawn.as_i64().unwrap_or(0) > 3, "the time series is drawn: {drawn}");
    sign_out(&b).await;

    // The health department's officer finds the demo plan's overdue task on the home page.
    first_sign_in(&b, &served, "can.bo.soyte", &passwords["can.bo.soyte"]).await;
    let home = wait_for_text(&b, "Nhiệm vụ quá hạn hoặc sắp đến hạn").await;
    assert!(
        home.contains("mất cân bằng giới tính khi sinh") && home.contains("Quá hạn"),
        "{home}"
    );
    sign_out(&b).await;
    b.close().await;
}
