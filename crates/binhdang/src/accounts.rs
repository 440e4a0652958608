//! Account commands: `user add|list|disable|reset-password`, `token create|revoke`, and the
//! first administrator that `init` creates.

use anyhow::{Context, bail};
use binhdang_domain::access::Role;
use binhdang_store::access::new_secret;
use binhdang_store::{NewUser, Store, StoreError};
use clap::Subcommand;
use std::io::Read;

/// Every CLI action is audited under this name, with the machine as its origin.
pub(crate) const CLI_ACTOR: &str = "cli";
pub(crate) const CLI_ORIGIN: &str = "command line";

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from standard input (one line).
    Add {
        #[arg(long)]
        username: String,
        #[arg(long, value_parser = ["admin", "officer", "reviewer", "leader", "viewer"])]
        role: String,
        /// GSO code of the user's unit (VN for the whole country).
        #[arg(long)]
        unit: String,
        /// Code of an agency of that unit, for an officer who enters only its indicators.
        #[arg(long)]
        agency: Option<String>,
        /// Read the password from standard input.
        #[arg(long, required = true)]
        password_stdin: bool,
    },
    /// Create the accounts of a list (heading `username,full_name,role,unit,agency,email,phone`;
    /// full_name, agency, email and phone may be empty), as CSV or as an XLSX workbook (its
    /// first sheet). The whole list is checked first: one bad row refuses it all, naming the
    /// row and column. The new accounts' one-time passwords are printed once; accounts that
    /// exist as listed are left as they are.
    Import { file: std::path::PathBuf },
    /// List accounts.
    List,
    /// Disable an account, ending its sessions and tokens (not the last active administrator).
    Disable { username: String },
    /// Let a disabled account sign in again.
    Enable { username: String },
    /// Forget an account's failed sign-ins, so its owner may sign in at once.
    Unlock { username: String },
    /// Set a new password (read from standard input) that the user must change at the next sign-in.
    ResetPassword {
        username: String,
        #[arg(long, required = true)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
pub enum AgencyCommand {
    /// Create an agency beside a unit (codes are never reused).
    Add {
        /// GSO code of the unit, e.g. 12.
        #[arg(long)]
        unit: String,
        /// The agency's code: lower-case letters, digits, dashes (e.g. so-y-te).
        #[arg(long)]
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        name_en: Option<String>,
    },
    /// Give an agency a new name; the old one stays in its audited history.
    Rename {
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        name_en: Option<String>,
    },
    /// Close an agency from a date (YYYY-MM-DD; default today).
    Close {
        code: String,
        #[arg(long)]
        on: Option<String>,
    },
    /// The open agencies of a unit.
    List {
        #[arg(long)]
        unit: String,
    },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create a personal access token for API clients; it is printed once.
    Create {
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "api")]
        name: String,
        /// Days the token works (1–365).
        #[arg(long, default_value_t = binhdang_store::access::DEFAULT_TOKEN_DAYS)]
        days: i64,
    },
    /// Revoke every token of a user.
    Revoke {
        #[arg(long)]
        username: String,
    },
}

fn read_password() -> anyhow::Result<String> {
    let mut input = String::new();
    std::io::stdin()
        .read_to_string(&mut input)
        .context("cannot read the password from standard input")?;
    let password = input.lines().next().unwrap_or("").to_string();
    if password.is_empty() {
        bail!("no password on standard input");
    }
    Ok(password)
}

/// A list kept as CSV (or tab-separated) text, or as the first sheet of an XLSX workbook.
pub(crate) fn read_list_file(file: &std::path::Path) -> anyhow::Result<String> {
    let is_workbook = file
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if is_workbook {
        let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
        return binhdang_reports::sheets::first_sheet_as_csv(&bytes)
            .map_err(|e| anyhow::anyhow!("{}: {}", file.display(), e.message_en));
    }
    std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))
}

/// Turns refusals into readable lines.
pub(crate) fn explain(e: StoreError) -> anyhow::Error {
    match e {
        StoreError::Invalid(problems) => {
            let lines: Vec<String> = problems
                .iter()
                .map(|p| format!("  {}: {}", p.field, p.message_en))
                .collect();
            anyhow::anyhow!("refused:\n{}", lines.join("\n"))
        }
        other => other.into(),
    }
}

pub async fn user(store: &Store, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add {
            username,
            role,
            unit,
            agency,
            password_stdin: _,
        } => {
            let password = read_password()?;
            let role: Role = role.parse().map_err(anyhow::Error::msg)?;
            let new = NewUser {
                username: &username,
                role,
                unit_code: &unit,
                agency_code: agency.as_deref(),
                password: &password,
                must_change_password: false,
            };
            let user = store.add_user(&new, CLI_ACTOR, CLI_ORIGIN).await.map_err(explain)?;
            println!("created {} ({}, {})", user.username, user.role, user.unit.full_name);
        }
        UserCommand::Import { file } => {
            let text = read_list_file(&file)?;
            let rows = binhdang_store::accounts_in_bulk::parse_account_list(&text).map_err(explain)?;
            let done = store
                .import_accounts(&rows, CLI_ACTOR, CLI_ORIGIN)
                .await
                .map_err(explain)?;
            println!("username\tone-time password (shown once; to be changed at the first sign-in)");
            for a in &done.created {
                println!("{}\t{}", a.username, a.one_time_password);
            }
            eprintln!(
                "{} account(s) created, {} already there as listed (mật khẩu dùng một lần chỉ hiện một lần)",
                done.created.len(),
                done.unchanged.len()
            );
        }
        UserCommand::List => {
            println!(
                "{:<24} {:<9} {:<8} {:<40} status",
                "username", "role", "unit", "unit name"
            );
            for u in store.users().await? {
                let status = if u.disabled {
                    "disabled"
                } else if u.must_change_password {
                    "must change password"
                } else {
                    "active"
                };
                println!(
                    "{:<24} {:<9} {:<8} {:<40} {status}",
                    u.username,
                    u.role.as_str(),
                    u.unit.code,
                    u.unit.full_name
                );
            }
        }
        UserCommand::Disable { username } => {
            store
                .disable_user(&username, CLI_ACTOR, CLI_ORIGIN)
                .await
                .map_err(explain)?;
            println!("disabled {username}");
        }
        UserCommand::Enable { username } => {
            store
                .enable_user(&username, CLI_ACTOR, CLI_ORIGIN)
                .await
                .map_err(explain)?;
            println!("enabled {username}");
        }
        UserCommand::Unlock { username } => {
            let n = store
                .lift_sign_in_limit(&username, CLI_ACTOR, CLI_ORIGIN)
                .await
                .map_err(explain)?;
            println!("forgot {n} failed sign-in(s) of {username}");
        }
        UserCommand::ResetPassword {
            username,
            password_stdin: _,
        } => {
            let password = read_password()?;
            store
                .set_password(&username, &password, true, CLI_ACTOR, CLI_ORIGIN)
                .await
                .map_err(explain)?;
            println!("password of {username} reset; it must be changed at the next sign-in");
        }
    }
    Ok(())
}

pub async fn agency(store: &Store, command: AgencyCommand) -> anyhow::Result<()> {
    let actor = binhdang_store::Actor {
        name: CLI_ACTOR.into(),
        origin: CLI_ORIGIN.into(),
        entered_from: None,
    };
    match command {
        AgencyCommand::Add {
            unit,
            code,
            name,
            name_en,
        } => {
            let unit = store.unit_on(&unit, store.today()).await.map_err(explain)?;
            store
                .create_agency(&unit, &code, &name, name_en.as_deref(), &actor)
                .await
                .map_err(explain)?;
            println!("created {code} ({name}) beside {}", unit.full_name);
        }
        AgencyCommand::Rename { code, name, name_en } => {
            store
                .rename_agency(&code, &name, name_en.as_deref(), &actor)
                .await
                .map_err(explain)?;
            println!("renamed {code}: {name}");
        }
        AgencyCommand::Close { code, on } => {
            let on = match on {
                Some(d) => time::Date::parse(&d, time::macros::format_description!("[year]-[month]-[day]"))
                    .with_context(|| format!("`{d}` is not a date: write YYYY-MM-DD"))?,
                None => store.today(),
            };
            store.close_agency(&code, on, &actor).await.map_err(explain)?;
            println!("closed {code} from {on}");
        }
        AgencyCommand::List { unit } => {
            let unit = store.unit_on(&unit, store.today()).await.map_err(explain)?;
            for a in store.agencies_of(&unit).await? {
                println!("{}\t{}", a.code, a.name_vi);
            }
        }
    }
    Ok(())
}

pub async fn token(store: &Store, command: TokenCommand) -> anyhow::Result<()> {
    match command {
        TokenCommand::Create { username, name, days } => {
            let token = store
                .create_expiring_token(&username, &name, Some(days), CLI_ACTOR, CLI_ORIGIN)
                .await
                .map_err(explain)?;
            eprintln!("token for {username} (shown once; send it as `Authorization: Bearer <token>`):");
            println!("{token}");
        }
        TokenCommand::Revoke { username } => {
            let n = store
                .revoke_tokens(&username, CLI_ACTOR, CLI_ORIGIN)
                .await
                .map_err(explain)?;
            println!("revoked {n} token(s) of {username}");
        }
    }
    Ok(())
}

/// Creates the first administrator when there is no administrator yet, with a one-time password
/// that must be changed at the first sign-in, and says how to sign in.
pub async fn first_admin(store: &Store) -> anyhow::Result<()> {
    if store.users().await?.iter().any(|u| u.role == Role::Admin) {
        return Ok(());
    }
    let password = new_secret()[..20].to_string();
    let new = NewUser {
        username: "admin",
        role: Role::Admin,
        unit_code: "VN",
        agency_code: None,
        password: &password,
        must_change_password: true,
    };
    store.add_user(&new, CLI_ACTOR, CLI_ORIGIN).await.map_err(explain)?;
    eprintln!("first administrator: sign in as `admin` with the one-time password {password}");
    eprintln!("  (it must be changed at the first sign-in; it is not shown again — reset it with");
    eprintln!("   `binhdang user reset-password admin --password-stdin` if lost)");
    Ok(())
}
