"""DuckDB side of `binhdang bench`: the same national sums on the same data.

Loads the data values (and the ancestors closure) that the benchmark exported from its
database as CSV into an in-memory DuckDB database, with the numbers typed as DECIMAL, then
times, for each period asked, the sums per data element and disaggregation:

- plain:      over every value of the period (all units are communes under the country);
- ancestors:  over the values of the units whose ancestors include the country (the same
              join on unit_ancestors that a roll-up for any unit needs).

Each query is run once cold (first) and then `runs` times; the median is reported. The
result is printed as one JSON object on stdout, with the sums, so the Rust side can check
them against its own national cells. DuckDB is used only by the benchmark, never by
binhdang itself. Run by `binhdang bench` in a venv it creates (pip install duckdb==PINNED).
"""

import argparse
import json
import statistics
import time

import duckdb


def timed(con, sql, params, runs):
    start = time.perf_counter()
    rows = con.execute(sql, params).fetchall()
    first = time.perf_counter() - start
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        rows = con.execute(sql, params).fetchall()
        times.append(time.perf_counter() - start)
    return first, statistics.median(times), rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--values", required=True, help="CSV: unit_id,period,element_code,disaggregation,number_value")
    parser.add_argument("--ancestors", required=True, help="CSV: unit_id,ancestor_id")
    parser.add_argument("--country-id", type=int, required=True)
    parser.add_argument("--periods", required=True, help="comma-separated, e.g. 2026,2024")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--threads", type=int, default=0, help="0: DuckDB's default (all cores)")
    args = parser.parse_args()

    con = duckdb.connect(":memory:")
    if args.threads:
        con.execute(f"SET threads = {args.threads}")
    start = time.perf_counter()
    con.execute(
        """CREATE TABLE data_values AS SELECT * FROM read_csv(?, header = true, columns = {
            'unit_id': 'BIGINT', 'period': 'VARCHAR', 'element_code': 'VARCHAR',
            'disaggregation': 'VARCHAR', 'number_value': 'DECIMAL(18,3)'})""",
        [args.values],
    )
    con.execute(
        """CREATE TABLE unit_ancestors AS SELECT * FROM read_csv(?, header = true, columns = {
            'unit_id': 'BIGINT', 'ancestor_id': 'BIGINT'})""",
        [args.ancestors],
    )
    load_seconds = time.perf_counter() - start
    rows = con.execute("SELECT COUNT(*) FROM data_values").fetchone()[0]

    plain = """SELECT element_code, disaggregation, SUM(number_value), COUNT(*) FROM data_values
               WHERE period = ? GROUP BY element_code, disaggregation"""
    via_ancestors = """SELECT v.element_code, v.disaggregation, SUM(v.number_value), COUNT(*)
               FROM data_values v JOIN unit_ancestors a ON a.unit_id = v.unit_id
               WHERE a.ancestor_id = ? AND v.period = ? GROUP BY v.element_code, v.disaggregation"""
    periods = {}
    for period in [p for p in args.periods.split(",") if p]:
        p_first, p_median, p_rows = timed(con, plain, [period], args.runs)
        a_first, a_median, a_rows = timed(con, via_ancestors, [args.country_id, period], args.runs)
        sums = {f"{e}|{d}": format(s.normalize(), "f") if s is not None else None for e, d, s, _ in p_rows}
        counts = {f"{e}|{d}": n for e, d, _, n in p_rows}
        same = sorted(map(str, p_rows)) == sorted(map(str, a_rows))
        periods[period] = {
            "plain": {"first": p_first, "median": p_median},
            "ancestors": {"first": a_first, "median": a_median},
            "values": sum(counts.values()),
            "sums": sums,
            "counts": counts,
            "plain_equals_ancestors": same,
        }
    threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    print(
        json.dumps(
            {
                "duckdb": duckdb.__version__,
                "threads": threads,
                "rows": rows,
                "load_seconds": load_seconds,
                "runs": args.runs,
                "periods": periods,
            }
        )
    )


if __name__ == "__main__":
    main()
