#![recursion_limit = "512"]
//! The HTTP face of binhdang: the JSON API under `/api/v1`, described by the OpenAPI
//! document at `/api/v1/openapi.json`, and the server-rendered interface (`ui`).

mod api;
mod auth;
mod error;
mod imports;
mod lang;
mod monitoring;
mod openapi;
mod registers;
mod reports;
mod rules;
mod sheets;
mod ui;
mod workflow;

pub use error::ApiError;
pub use imports::{MAX_UPLOAD_BYTES, accept_confident, import_report};
pub use lang::Lang;
pub use openapi::{ROUTES, openapi_document};

use axum::Router;
use axum::routing::{get, patch, post, put};
use binhdang_store::Store;
use std::net::SocketAddr;
use tower_http::trace::TraceLayer;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
}

/// The application's routes on a store.
pub fn router(store: Store) -> Router {
    let state = AppState { store };
    let api = Router::new()
        .route("/health", get(api::health))
        .route("/units", get(api::list_units))
        .route("/units/{code}", get(api::get_unit))
        .route("/indicators", get(api::list_indicators))
        .route("/indicators/{code}", get(api::get_indicator))
        .route("/indicators/{code}/local-targets", put(api::put_local_target))
        .route("/values", get(api::get_values).put(api::put_values))
        .route("/aggregates", get(monitoring::aggregates))
        .route("/assessment", get(monitoring::assessment))
        .route("/validate", post(rules::validate))
        .route("/rules", get(rules::list).post(rules::add))
        .route("/rules/{code}", patch(rules::set_enabled))
        .route("/registers", get(registers::overview))
        .route("/registers/{register}", get(registers::list).post(registers::create))
        .route("/registers/{register}/summary", get(registers::summary))
        .route(
            "/registers/{register}/{id}",
            axum::routing::put(registers::update).delete(registers::delete),
        )
        .route(
            "/templates/entry.xlsx",
            get(sheets::get_template).post(sheets::post_template),
        )
        .route(
            "/values.csv",
            get(sheets::get_csv).put(sheets::put_csv).post(sheets::put_csv),
        )
        .route("/openapi.json", get(openapi::serve))
        .route("/auth/sign-in", post(auth::sign_in))
        .route("/auth/sign-out", post(auth::sign_out))
        .route("/auth/me", get(auth::me))
        .route("/auth/password", post(auth::change_password))
        .route("/users", get(auth::list_users).post(auth::add_user))
        .route("/users/{username}/disable", post(auth::disable_user))
        .route("/users/{username}/reset-password", post(auth::reset_password))
        .route("/tokens", post(auth::create_token))
        .route("/programmes", get(workflow::programmes))
        .route("/programmes/{code}", put(workflow::put_programme))
        .route("/workflow", get(workflow::state_of))
        .route("/workflow/{action}", post(workflow::transition))
        .route("/excuse", post(workflow::excuse))
        .route("/unlock", post(workflow::unlock))
        .route("/periods/close", post(workflow::close_period))
        .route("/status", get(workflow::status))
        .route("/inbox", get(workflow::inbox))
        .route("/audit", get(workflow::audit))
        .route(
            "/reports/narrative",
            get(reports::get_narrative).put(reports::put_narrative),
        )
        .route("/reports/{kind}", get(reports::get_report))
        .route(
            "/imports",
            post(imports::create).layer(axum::extract::DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route("/imports/{id}", get(imports::get))
        .route("/imports/{id}/decisions", post(imports::decide))
        .fallback(api::not_found);
    Router::new()
        .nest("/api/v1", api)
        .merge(ui::routes(state.clone()))
        .layer(axum::middleware::from_fn(error::in_callers_language))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Serves until the process receives Ctrl-C or SIGTERM.
pub async fn serve(listener: tokio::net::TcpListener, store: Store) -> std::io::Result<()> {
    let app = router(store).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
