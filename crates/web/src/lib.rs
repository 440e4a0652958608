#![recursion_limit = "512"]
//! The HTTP face of binhdang: the JSON API under `/api/v1`, described by the OpenAPI
//! document at `/api/v1/openapi.json`, and the server-rendered interface (`ui`).

mod api;
mod auth;
mod error;
mod lang;
mod ui;

pub use api::imports::{MAX_UPLOAD_BYTES, accept_confident, import_report};
pub use api::openapi::{ROUTES, openapi_document};
pub use error::ApiError;
pub use lang::Lang;

use axum::Router;
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
    let api = api::routes();
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
