//! The machine the benchmarks run on: its description, load average and process memory (from /proc).

pub(super) fn proc_status_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

pub(super) fn own_hwm_kb() -> u64 {
    proc_status_kb(std::process::id(), "VmHWM:")
}

/// Resets this process's peak-memory mark (Linux: `5` into /proc/self/clear_refs), so
/// that each database's load is measured on its own.
pub(super) fn reset_own_hwm() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

pub(super) fn machine() -> Vec<(String, String)> {
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    let cpu = read("/proc/cpuinfo")
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_else(|| "?".into());
    let mem_kb: u64 = read("/proc/meminfo")
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let os = read("/etc/os-release")
        .lines()
        .find(|l| l.starts_with("PRETTY_NAME="))
        .map(|l| l.trim_start_matches("PRETTY_NAME=").trim_matches('"').to_string())
        .unwrap_or_else(|| "?".into());
    let kernel = read("/proc/sys/kernel/osrelease").trim().to_string();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let disk = "virtual disk (/dev/vda), ext4/overlay as provided by the host".to_string();
    vec![
        ("CPU".into(), format!("{cpu}, {cores} cores (nproc)")),
        ("memory".into(), format!("{:.1} GiB", mem_kb as f64 / 1024.0 / 1024.0)),
        ("system".into(), format!("{os}, Linux {kernel}")),
        ("disk".into(), disk),
    ]
}

/// The 1-, 5- and 15-minute load averages.
pub(super) fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .unwrap_or_default()
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) static LOAD_AT_START: std::sync::OnceLock<String> = std::sync::OnceLock::new();

pub(super) fn args_load_start() -> String {
    LOAD_AT_START.get().cloned().unwrap_or_default()
}
