#!/usr/bin/env python3.11
"""Generate Vietnam administrative-unit data files for binhdang.

Reads the data shipped inside three pinned PyPI packages and writes, into
data/units/ (or --out):

  units_before_2025.csv     63 provinces / 696 districts / 10,051 communes
                            (vietnam-provinces 0.6.0, GSO list of 2025-01-04)
  units_2025.csv            34 provinces / 3,321 communes
                            (vietnam-provinces 2025.10.1, after 1 July 2025)
  commune_mapping_2025.csv  old GSO commune -> new GSO commune pairs, derived
                            from vietnam-address-converter 1.0.5 by name matching
  province_mapping_2025.csv old province -> new province (derived from the above)
  unmatched_2025.csv        everything that could not be matched
  SOURCES.md                provenance, counts and caveats

Standard library only. The packages are not imported (except the converter's
data module, which is a plain JSON literal): their data files are read from
the site-packages directories given on the command line. See regenerate.sh.

Deterministic: same inputs -> byte-identical outputs (no timestamps, sorted rows).
"""
from __future__ import annotations

import argparse
import collections
import csv
import hashlib
import importlib.util
import io
import json
import re
import sys
import unicodedata
from pathlib import Path

# --------------------------------------------------------------------------
# Pins. regenerate.sh installs exactly these (pip --require-hashes).
# --------------------------------------------------------------------------
PINS = {
    "pre": {
        "dist": "vietnam-provinces",
        "version": "0.6.0",
        "wheel": "vietnam_provinces-0.6.0-py3-none-any.whl",
        "sha256": "4b5772870efdcb7c58a64fbdc0e0c9ce497e67017a0c189dff99582ddadb7815",
    },
    "post": {
        "dist": "vietnam-provinces",
        "version": "2025.10.1",
        "wheel": "vietnam_provinces-2025.10.1-py3-none-any.whl",
        "sha256": "1693dece496b1e04e2b637a3dd79a87a22666e13c91c51cf06dc27e482987f57",
    },
    "conv": {
        "dist": "vietnam-address-converter",
        "version": "1.0.5",
        "wheel": "vietnam_address_converter-1.0.5-py3-none-any.whl",
        "sha256": "c4d18728b0441e41b34967dfd32a11f6b28dde062592a89bd28eaf2a2a822db4",
    },
}

EXPECTED = {
    "pre": {"province": 63, "district": 696, "commune": 10051},
    "post": {"province": 34, "commune": 3321},
}

# --------------------------------------------------------------------------
# Names and kinds
# --------------------------------------------------------------------------
# Type prefixes, longest first. Value = canonical Vietnamese kind.
PREFIXES = [
    ("thành phố trung ương", "Thành phố trung ương"),
    ("thành phố", "Thành phố"),
    ("thị trấn", "Thị trấn"),
    ("thị xã", "Thị xã"),
    ("đặc khu", "Đặc khu"),
    ("phường", "Phường"),
    ("huyện", "Huyện"),
    ("quận", "Quận"),
    ("tỉnh", "Tỉnh"),
    ("xã", "Xã"),
]
# Written prefix for a kind (a centrally-run city is written "Thành phố X").
KIND_PREFIX = {"Thành phố trung ương": "Thành phố"}

TONE_MARKS = {"\u0300": "2", "\u0301": "1", "\u0303": "4", "\u0309": "3", "\u0323": "5"}


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def clean_spaces(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def split_prefix(full: str) -> tuple[str | None, str]:
    """'Thành Phố Bắc Kạn' -> ('Thành phố', 'Bắc Kạn'). Case-insensitive."""
    s = clean_spaces(nfc(full))
    low = s.lower()
    for pre, kind in PREFIXES:
        if low.startswith(pre + " "):
            return kind, s[len(pre) + 1 :].strip()
    return None, s


def full_name(kind: str, name: str) -> str:
    return f"{KIND_PREFIX.get(kind, kind)} {name}"


ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "vii": 7, "viii": 8, "ix": 9, "x": 10}


def name_key(name: str) -> str:
    """Normalised comparison key of a proper name (type prefix already removed).

    - NFC/NFD-insensitive, case-insensitive;
    - hyphens, dots, commas -> space; apostrophes removed together with any
      space after them ("K' Dang" = "K'Dang" = "KDang");
    - spacing collapsed;
    - tone-mark placement made irrelevant ("Hoà" = "Hòa", "Thuỷ" = "Thủy"):
      each word is keyed as its letters without tone marks + its tone number;
    - numbers without leading zeros ("01" = "1"); a final Roman numeral
      I..X is read as a number ("Phường III" = "Phường 3", "Tam Xuân II" = "Tam Xuân 2");
    - GSO's abbreviation "NT"/"N.T" (nông trường, state farm) at the start is expanded.
    """
    s = nfc(name).lower().strip()
    s = re.sub(r"^n\.?\s?t\.?\s+", "nông trường ", s)
    s = unicodedata.normalize("NFD", s)
    s = re.sub(r"['’‘`ʼ]\s*", "", s)
    s = re.sub(r"[-–—.,;:()/]", " ", s)
    raw = s.split()
    if raw and raw[-1] in ROMAN:
        raw[-1] = str(ROMAN[raw[-1]])
    words = []
    for w in raw:
        tones = "".join(TONE_MARKS[c] for c in w if c in TONE_MARKS)
        base = "".join(c for c in w if c not in TONE_MARKS)
        base = unicodedata.normalize("NFC", base)
        if base.isdigit():
            base = str(int(base))
        words.append(base + (("#" + tones) if tones else ""))
    return " ".join(words)


def ascii_key(name: str) -> str:
    """Loose key (last-resort tier, used only when unique within the parent):
    no diacritics (đ -> d), word-final y read as i ("Quý" = "Quí"), no spaces
    ("EaBar" = "Ea Bar")."""
    s = re.sub(r"#\d*", "", name_key(name))
    s = unicodedata.normalize("NFD", s)
    s = "".join(c for c in s if unicodedata.category(c) != "Mn")
    s = s.replace("đ", "d")
    s = re.sub(r"y\b", "i", s)
    return re.sub(r"\s+", "", s)


class Unit:
    __slots__ = ("code", "level", "name", "kind", "parent", "full", "key", "akey")

    def __init__(self, code: str, level: str, full: str, kind: str | None, parent: str):
        k, name = split_prefix(full)
        self.code = code
        self.level = level
        self.name = name
        self.kind = kind or k
        if self.kind is None:
            raise ValueError(f"no kind for {level} {code} {full!r}")
        self.parent = parent
        self.full = full_name(self.kind, name)
        self.key = name_key(name)
        self.akey = ascii_key(name)


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------
def check_dist(site: Path, pin: dict) -> None:
    dist_dir = site / f"{pin['dist'].replace('-', '_')}-{pin['version']}.dist-info"
    if not dist_dir.is_dir():
        sys.exit(f"error: {dist_dir} not found: install {pin['dist']}=={pin['version']}")


def data_version(site: Path) -> str:
    m = re.search(r"__data_version__ = '([^']+)'", (site / "vietnam_provinces/__init__.py").read_text("utf-8"))
    return m.group(1) if m else "unknown"


def sha256_file(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


# 0.6.0's nested JSON division_type is unreliable (every province 'tỉnh', every
# district 'huyện', every commune 'xã'), so kinds come from the name prefix.
def load_pre(site: Path) -> list[Unit]:
    data = json.loads((site / "vietnam_provinces/data/nested-divisions.json").read_text("utf-8"))
    units = []
    for p in data:
        pk, _ = split_prefix(p["name"])
        pkind = "Thành phố trung ương" if pk == "Thành phố" else pk
        pc = f"{p['code']:02d}"
        units.append(Unit(pc, "province", p["name"], pkind, ""))
        for d in p["districts"]:
            dc = f"{d['code']:03d}"
            units.append(Unit(dc, "district", d["name"], None, pc))
            for w in d["wards"]:
                units.append(Unit(f"{w['code']:05d}", "commune", w["name"], None, dc))
    return units


POST_KIND = {
    "tỉnh": "Tỉnh",
    "thành phố trung ương": "Thành phố trung ương",
    "xã": "Xã",
    "phường": "Phường",
    "đặc khu": "Đặc khu",
}


def load_post(site: Path) -> list[Unit]:
    data = json.loads((site / "vietnam_provinces/data/nested-divisions.json").read_text("utf-8"))
    units = []
    for p in data:
        pc = f"{p['code']:02d}"
        units.append(Unit(pc, "province", p["name"], POST_KIND[p["division_type"]], ""))
        for w in p["wards"]:
            u = Unit(f"{w['code']:05d}", "commune", w["name"], POST_KIND[w["division_type"]], pc)
            pk, _ = split_prefix(w["name"])
            if pk != u.kind:
                raise ValueError(f"kind/prefix disagree: {w}")
            units.append(u)
    return units


def load_converter(site: Path) -> dict:
    path = site / "vietnam_address_converter/data.py"
    spec = importlib.util.spec_from_file_location("_vac_data", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # plain json.loads of a string literal
    return mod.DEFAULT_DATA


# --------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------
# Tiers, best first. A row's `match` is the worst tier of its two sides.
TIERS = ["exact", "normalised", "kind_differs", "ascii", "other_district", "alt_name", "alias", "ambiguous"]
TIER_DOC = {
    "exact": "full name incl. type identical after NFC (case-sensitive), within the expected parent",
    "normalised": "same type and same normalised name (case, spacing, hyphens, apostrophes, "
    "tone-mark placement, leading zeros), within the expected parent",
    "kind_differs": "same normalised name but a different type (e.g. converter 'Thị trấn X' vs "
    "GSO 'Xã X', or 'Phường X' vs 'Xã X' after a reclassification), unique within the parent",
    "ascii": "same name once all diacritics are removed, unique within the parent",
    "other_district": "old side only: no match in the converter's district, but a unique match "
    "(by one of the tiers above) elsewhere in the same old province",
    "alt_name": "old side only: the row's commune name matches no GSO commune, but the name that "
    "the converter's own old-ward table gives for the row's (converter) ward code does",
    "alias": "old side only: a spelling variant listed in OLD_ALIASES in generate.py",
    "ambiguous": "old side only: the GSO list has several communes with this very name in the "
    "district; the converter row's new commune is given to each of them",
}

# Hand-checked spelling variants: (old province, old district, converter commune name) ->
# GSO commune name in that district. Keep this list short and explain every entry.
OLD_ALIASES = {
    # Kông Pla is the older spelling of Kông Bơ La (KBang, Gia Lai); the new 2025
    # commune keeps GSO code 23674 of the old one.
    ("Tỉnh Gia Lai", "Huyện KBang", "Xã Kông Pla"): "Xã Kông Bơ La",
}


class Index:
    def __init__(self, units: list[Unit]):
        self.units = units
        self.last_candidates: list[Unit] = []

    def find(self, full: str) -> tuple[Unit | None, str]:
        """Return (unit, tier) or (None, reason)."""
        full = clean_spaces(nfc(full))
        kind, name = split_prefix(full)
        key, akey = name_key(name), ascii_key(name)
        c = [u for u in self.units if u.full == full]
        if len(c) == 1:
            return c[0], "exact"
        if len(c) > 1:
            self.last_candidates = c
            return None, "ambiguous"
        c = [u for u in self.units if u.key == key and u.kind == kind]
        if len(c) == 1:
            return c[0], "normalised"
        if len(c) > 1:
            self.last_candidates = c
            return None, "ambiguous"
        c = [u for u in self.units if u.key == key]
        if len(c) == 1:
            return c[0], "kind_differs"
        if len(c) > 1:
            return None, "ambiguous"
        c = [u for u in self.units if u.akey == akey]
        if len(c) == 1:
            return c[0], "ascii"
        if len(c) > 1:
            return None, "ambiguous"
        return None, "not_found"


def rank(tier: str) -> int:
    return TIERS.index(tier)


def worst(*tiers: str) -> str:
    return max(tiers, key=rank)


def build(pre: list[Unit], post: list[Unit], conv: dict):
    """Match every converter row to GSO codes on both sides.

    Returns (pairs, unmatched, side_tiers, row_stats, island_rows) where pairs maps
    (old GSO commune code, new GSO commune code) -> match tier.
    """
    pre_prov = [u for u in pre if u.level == "province"]
    pre_dist = collections.defaultdict(list)
    pre_comm_by_dist = collections.defaultdict(list)
    pre_comm_by_prov = collections.defaultdict(list)
    dist_prov = {}
    for u in pre:
        if u.level == "district":
            pre_dist[u.parent].append(u)
            dist_prov[u.code] = u.parent
    for u in pre:
        if u.level == "commune":
            pre_comm_by_dist[u.parent].append(u)
            pre_comm_by_prov[dist_prov[u.parent]].append(u)
    post_prov = [u for u in post if u.level == "province"]
    post_comm = collections.defaultdict(list)
    for u in post:
        if u.level == "commune":
            post_comm[u.parent].append(u)

    prov_idx_old = Index(pre_prov)
    prov_idx_new = Index(post_prov)
    memo: dict = {}

    def find_prov_old(name):
        k = ("op", name)
        if k not in memo:
            memo[k] = prov_idx_old.find(name)[0]
        return memo[k]

    def find_prov_new(name):
        k = ("np", name)
        if k not in memo:
            memo[k] = prov_idx_new.find(name)[0]
        return memo[k]

    def find_dist(pcode, name):
        k = ("od", pcode, name)
        if k not in memo:
            memo[k] = Index(pre_dist[pcode]).find(name)[0]
        return memo[k]

    old_ward_table = conv["oldWards"]
    rows = conv["mapping"]["rows"]

    # ---- pass 1: old side, within the converter's own district
    # state per row: dict(op, od, units, tier, fails)
    states = []
    direct_codes: set[str] = set()
    for r in rows:
        o = r["old"]
        st = {"op": None, "od": None, "units": [], "tier": None, "reason": None, "fails": []}
        states.append(st)
        op = find_prov_old(o["province_name"])
        st["op"] = op
        if op is None:
            st["reason"] = "old_province_not_found"
            continue
        od = find_dist(op.code, o["district_name"])
        st["od"] = od
        if not o["ward_name"].strip():
            st["reason"] = "old_district_without_communes"
            continue
        if od is None:
            st["fails"].append("district_not_found")
            continue
        idx = Index(pre_comm_by_dist[od.code])
        u, t = idx.find(o["ward_name"])
        if u is not None:
            st["units"], st["tier"] = [u], t
        elif t == "ambiguous":
            st["units"], st["tier"] = sorted(idx.last_candidates, key=lambda x: x.code), "ambiguous"
        else:
            st["fails"].append(t)
            continue
        direct_codes.update(x.code for x in st["units"])

    # ---- pass 2: fallbacks for rows still unresolved
    for r, st in zip(rows, states):
        if st["units"] or st["reason"]:
            continue
        o = r["old"]
        op, od = st["op"], st["od"]
        alt = old_ward_table.get(o["ward_code"]) or {}
        alt_name = clean_spaces(nfc(alt.get("name_with_type") or ""))
        if alt_name == clean_spaces(nfc(o["ward_name"])):
            alt_name = ""
        u = None
        # a. the converter's own old-ward table name, same district
        if od is not None and alt_name:
            u, _ = Index(pre_comm_by_dist[od.code]).find(alt_name)
            if u is not None:
                st["tier"] = "alt_name"
        # b. hand-checked alias, same district
        if u is None and od is not None:
            alias = OLD_ALIASES.get((op.full, od.full, clean_spaces(nfc(o["ward_name"]))))
            if alias:
                u, _ = Index(pre_comm_by_dist[od.code]).find(alias)
                if u is not None:
                    st["tier"] = "alias"
        # c. same name elsewhere in the old province, among communes no row matched directly
        free = [x for x in pre_comm_by_prov[op.code] if x.code not in direct_codes]
        if u is None:
            u, t = Index(free).find(o["ward_name"])
            if u is not None:
                st["tier"] = "other_district"
            else:
                st["fails"].append(t)
        # d. table name elsewhere in the province
        if u is None and alt_name:
            u, _ = Index(free).find(alt_name)
            if u is not None:
                st["tier"] = "alt_name"
        if u is not None:
            st["units"] = [u]
        else:
            st["reason"] = "old_commune_" + ("ambiguous" if "ambiguous" in st["fails"] else "not_found")
            if od is None:
                st["reason"] += "_district_not_found"

    # ---- new side and pairing
    pairs: dict[tuple[str, str], str] = {}
    unmatched: list[dict] = []
    side_tiers = {"old": collections.Counter(), "new": collections.Counter()}
    row_stats = collections.Counter()
    island_rows = []

    def old_path(o):
        return f"{o['ward_name'] or '(no commune)'}, {o['district_name']}, {o['province_name']}"

    def new_path(n):
        return f"{n['ward_name']}, {n['province_name']}"

    for r, st in zip(rows, states):
        o, n = r["old"], r["new"]
        old_units, old_tier, old_reason, od = st["units"], st["tier"], st["reason"], st["od"]
        np_ = find_prov_new(n["province_name"])
        new_unit, new_tier, new_reason = None, None, None
        if np_ is None:
            new_reason = "new_province_not_found"
        else:
            new_unit, t = Index(post_comm[np_.code]).find(n["ward_name"])
            if new_unit is None:
                new_reason = f"new_commune_{t}"
            else:
                new_tier = t
        if old_tier:
            side_tiers["old"][old_tier] += 1
        if new_tier:
            side_tiers["new"][new_tier] += 1

        if old_units and new_unit:
            row_stats["matched"] += 1
            tier = worst(old_tier, new_tier)
            for ou in old_units:
                k = (ou.code, new_unit.code)
                if k not in pairs or rank(tier) < rank(pairs[k]):
                    pairs[k] = tier
            continue
        row_stats["unmatched"] += 1
        if old_reason == "old_district_without_communes":
            island_rows.append((od, new_unit))
        if not old_units:
            unmatched.append(
                {
                    "side": "old",
                    "gso_code": od.code if (od is not None and old_reason == "old_district_without_communes") else "",
                    "province": o["province_name"],
                    "district": o["district_name"],
                    "name": o["ward_name"],
                    "reason": old_reason,
                    "detail": "new side: " + new_path(n) + (f" [{new_unit.code}]" if new_unit else ""),
                }
            )
        if new_unit is None:
            unmatched.append(
                {
                    "side": "new",
                    "gso_code": "",
                    "province": n["province_name"],
                    "district": "",
                    "name": n["ward_name"],
                    "reason": new_reason,
                    "detail": "old side: "
                    + old_path(o)
                    + (f" [{','.join(u.code for u in old_units)}]" if old_units else ""),
                }
            )

    return pairs, unmatched, side_tiers, row_stats, island_rows


# --------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------
def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(header)
    for r in rows:
        w.writerow([nfc(str(x)) for x in r])
    path.write_bytes(buf.getvalue().encode("utf-8"))


LEVEL_ORDER = {"province": 0, "district": 1, "commune": 2}


def unit_rows(units: list[Unit]) -> list[list[str]]:
    us = sorted(units, key=lambda u: (LEVEL_ORDER[u.level], u.code))
    return [[u.code, u.level, u.name, u.kind, u.parent] for u in us]


def check_units(label: str, units: list[Unit], expected: dict) -> list[str]:
    """Structural checks; returns report lines, raises on hard errors."""
    lines = []
    by_code = {}
    for u in units:
        if u.code in by_code:
            raise SystemExit(f"{label}: duplicate code {u.code}")
        by_code[u.code] = u
    want_parent = {"province": None, "district": "province", "commune": "district" if "district" in expected else "province"}
    for u in units:
        wp = want_parent[u.level]
        if wp is None:
            if u.parent:
                raise SystemExit(f"{label}: province {u.code} has a parent")
        elif u.parent not in by_code or by_code[u.parent].level != wp:
            raise SystemExit(f"{label}: {u.level} {u.code} has bad parent {u.parent!r}")
        want_len = {"province": 2, "district": 3, "commune": 5}[u.level]
        if len(u.code) != want_len or not u.code.isdigit():
            raise SystemExit(f"{label}: bad code {u.code!r}")
    counts = collections.Counter(u.level for u in units)
    for lvl, n in expected.items():
        flag = "OK" if counts[lvl] == n else f"DIFFERS (expected {n})"
        lines.append(f"{lvl}: {counts[lvl]} {flag}")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--site-pre", required=True, type=Path, help="site-packages with vietnam-provinces 0.6.0")
    ap.add_argument("--site-post", required=True, type=Path, help="site-packages with vietnam-provinces 2025.10.1 and vietnam-address-converter 1.0.5")
    ap.add_argument("--wheels", required=True, type=Path, help="directory holding the downloaded wheels (hashes are checked)")
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[2] / "data" / "units")
    args = ap.parse_args()

    check_dist(args.site_pre, PINS["pre"])
    check_dist(args.site_post, PINS["post"])
    check_dist(args.site_post, PINS["conv"])
    for pin in PINS.values():
        got = sha256_file(args.wheels / pin["wheel"])
        if got != pin["sha256"]:
            sys.exit(f"error: sha256 mismatch for {pin['wheel']}: {got}")

    pre = load_pre(args.site_pre)
    post = load_post(args.site_post)
    conv = load_converter(args.site_post)

    pre_lines = check_units("units_before_2025", pre, EXPECTED["pre"])
    post_lines = check_units("units_2025", post, EXPECTED["post"])

    pairs, unmatched, side_tiers, row_stats, island_rows = build(pre, post, conv)

    pre_by = {u.code: u for u in pre}
    post_by = {u.code: u for u in post}

    def old_prov_of(c: Unit) -> str:
        return pre_by[c.parent].parent

    # ---- province mapping from commune pairs
    votes = collections.defaultdict(collections.Counter)
    for (oc, nc) in pairs:
        votes[old_prov_of(pre_by[oc])][post_by[nc].parent] += 1
    # island districts without communes also vote (district -> special zone)
    for od, nu in island_rows:
        if od is not None and nu is not None:
            votes[od.parent][nu.parent] += 1
    prov_map = {}
    prov_notes = []
    for p in sorted((u for u in pre if u.level == "province"), key=lambda u: u.code):
        v = votes.get(p.code)
        if not v:
            raise SystemExit(f"no commune of old province {p.code} {p.full} was mapped")
        best = sorted(v.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        prov_map[p.code] = best
        if len(v) > 1:
            prov_notes.append(f"{p.code} {p.full}: " + ", ".join(f"{k}={n}" for k, n in sorted(v.items())))
    new_targets = set(prov_map.values())
    if len(prov_map) != 63 or len(new_targets) != 34:
        raise SystemExit(f"province mapping check failed: {len(prov_map)} old, {len(new_targets)} new")

    # pairs whose new commune is not in the new province of the old commune's province
    cross = sorted(
        (oc, nc) for (oc, nc) in pairs if post_by[nc].parent != prov_map[old_prov_of(pre_by[oc])]
    )

    # ---- coverage
    old_comm = [u for u in pre if u.level == "commune"]
    new_comm = [u for u in post if u.level == "commune"]
    old_cov = {oc for oc, _ in pairs}
    new_cov = {nc for _, nc in pairs}
    old_missing = sorted(u.code for u in old_comm if u.code not in old_cov)
    new_missing = sorted(u.code for u in new_comm if u.code not in new_cov)
    island_new = {nu.code: od for od, nu in island_rows if nu is not None and od is not None}

    # ---- cross-check: a new commune usually keeps the GSO code of one of its
    # predecessors. How often does the converter-derived mapping agree?
    old_comm_codes = {u.code for u in pre if u.level == "commune"}
    reuse = sorted(u.code for u in post if u.level == "commune" and u.code in old_comm_codes)
    reuse_agree = [c for c in reuse if (c, c) in pairs]
    reuse_disagree = [c for c in reuse if (c, c) not in pairs]

    for c in old_missing:
        u = pre_by[c]
        d = pre_by[u.parent]
        detail = ""
        if c in post_by and post_by[c].level == "commune":
            detail = f"hint, not used: new commune {c} {post_by[c].full} ({post_by[post_by[c].parent].full}) has the same GSO code"
        unmatched.append({
            "side": "gso_old", "gso_code": c, "province": pre_by[d.parent].full, "district": d.full,
            "name": u.full, "reason": "no_mapping_row", "detail": detail,
        })
    for c in new_missing:
        u = post_by[c]
        detail = ""
        if c in island_new:
            od = island_new[c]
            detail = f"predecessor is district {od.code} {od.full}, which had no communes"
        elif c in old_comm_codes:
            o = pre_by[c]
            detail = f"hint, not used: old commune {c} {o.full} ({pre_by[o.parent].full}) has the same GSO code"
        unmatched.append({
            "side": "gso_new", "gso_code": c, "province": post_by[u.parent].full, "district": "",
            "name": u.full, "reason": "predecessor_is_district" if c in island_new else "no_predecessor",
            "detail": detail,
        })

    # ---- write
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    hdr_units = ["code", "level", "name", "kind", "parent_code"]
    write_csv(out / "units_before_2025.csv", hdr_units, unit_rows(pre))
    write_csv(out / "units_2025.csv", hdr_units, unit_rows(post))
    write_csv(
        out / "province_mapping_2025.csv",
        ["old_code", "old_name", "new_code", "new_name"],
        [[oc, pre_by[oc].full, nc, post_by[nc].full] for oc, nc in sorted(prov_map.items())],
    )
    mrows = []
    for (oc, nc), tier in sorted(pairs.items()):
        o, n = pre_by[oc], post_by[nc]
        mrows.append([oc, o.full, o.parent, old_prov_of(o), nc, n.full, n.parent, tier])
    write_csv(
        out / "commune_mapping_2025.csv",
        ["old_code", "old_name", "old_district_code", "old_province_code", "new_code", "new_name", "new_province_code", "match"],
        mrows,
    )
    ucols = ["side", "gso_code", "province", "district", "name", "reason", "detail"]
    side_order = {"old": 0, "new": 1, "gso_old": 2, "gso_new": 3}
    urows = sorted(
        ([u[c] for c in ucols] for u in unmatched),
        key=lambda r: (side_order[r[0]], r[1], r[2], r[3], r[4], r[5], r[6]),
    )
    # identical converter rows (same names, same reason) collapse to one line
    dedup = []
    for r in urows:
        if not dedup or dedup[-1] != r:
            dedup.append(r)
    write_csv(out / "unmatched_2025.csv", ucols, dedup)

    # ---- report
    tier_counts = collections.Counter(pairs.values())
    counts = {
        "units_before_2025.csv": len(pre),
        "units_2025.csv": len(post),
        "province_mapping_2025.csv": len(prov_map),
        "commune_mapping_2025.csv": len(mrows),
        "unmatched_2025.csv": len(dedup),
    }
    lai = [u for u in pre if u.level == "district" and u.parent == "12"]
    lai_before = sum(1 for u in old_comm if pre_by[u.parent].parent == "12")
    lai_after = sum(1 for u in new_comm if u.parent == "12")
    unmatched_by = collections.Counter((r[0], r[5]) for r in dedup)
    report = {
        "pre_lines": pre_lines,
        "post_lines": post_lines,
        "counts": counts,
        "tier_counts": tier_counts,
        "side_tiers": side_tiers,
        "row_stats": row_stats,
        "n_rows": len(conv["mapping"]["rows"]),
        "conv_meta": conv["mapping"]["meta"],
        "old_total": len(old_comm),
        "new_total": len(new_comm),
        "old_cov": len(old_cov),
        "new_cov": len(new_cov),
        "old_missing": old_missing,
        "new_missing": new_missing,
        "island_new": island_new,
        "prov_notes": prov_notes,
        "cross": cross,
        "prov_map": prov_map,
        "pre_by": pre_by,
        "post_by": post_by,
        "lai": lai,
        "lai_before": lai_before,
        "lai_after": lai_after,
        "unmatched_by": unmatched_by,
        "reuse": reuse,
        "reuse_agree": reuse_agree,
        "reuse_disagree": reuse_disagree,
        "unmatched_rows": dedup,
        "data_versions": {"pre": data_version(args.site_pre), "post": data_version(args.site_post)},
        "empty_districts": sorted(
            (u for u in pre if u.level == "district" and not any(c.parent == u.code for c in old_comm)),
            key=lambda u: u.code,
        ),
        "lai_comm": collections.Counter(u.parent for u in old_comm),
        "hashes": {f: sha256_file(out / f) for f in counts},
        "pre_counts": collections.Counter((u.level, u.kind) for u in pre),
        "post_counts": collections.Counter((u.level, u.kind) for u in post),
    }
    for k, v in sorted(counts.items()):
        print(f"{k}: {v} rows")
    for l in pre_lines:
        print("before:", l)
    for l in post_lines:
        print("after:", l)
    print(f"old communes with >=1 new: {len(old_cov)}/{len(old_comm)} = {100*len(old_cov)/len(old_comm):.2f}%")
    print(f"new communes with >=1 old: {len(new_cov)}/{len(new_comm)} = {100*len(new_cov)/len(new_comm):.2f}%")
    print("match tiers:", dict(sorted(tier_counts.items(), key=lambda kv: rank(kv[0]))))
    print("converter rows:", dict(row_stats))
    print("unmatched:", dict(sorted(unmatched_by.items())))
    if prov_notes:
        print("province vote splits:", prov_notes)
    print("cross-province pairs:", len(cross))
    print(f"code-reuse cross-check: {len(reuse_agree)}/{len(reuse)} agree; disagree: {reuse_disagree}")
    write_sources(out / "SOURCES.md", report)
    return 0


def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.2f}%"


def write_sources(path: Path, R: dict) -> None:
    pre_by, post_by = R["pre_by"], R["post_by"]
    L: list[str] = []
    w = L.append
    w("# Vietnamese administrative units: sources and provenance")
    w("")
    w("Generated by `tools/units/generate.py`; do not edit these files by hand. Regenerate with:")
    w("")
    w("```sh")
    w("tools/units/regenerate.sh")
    w("```")
    w("")
    w("`regenerate.sh` downloads the pinned wheels with `pip download --require-hashes`, installs them")
    w("(`--no-deps`) into two git-ignored venvs (`tools/units/.venv-pre2025`, `tools/units/.venv-2025`;")
    w("the two versions of vietnam-provinces cannot share one environment) and runs `generate.py` with")
    w("python3.11 (standard library only). Output is deterministic: running it twice gives byte-identical files.")
    w("")
    w("## Sources (PyPI)")
    w("")
    w("| package | version | distribution | sha256 | data read |")
    w("| --- | --- | --- | --- | --- |")
    for key, used in (
        ("pre", "`vietnam_provinces/data/nested-divisions.json` (data version " + R["data_versions"]["pre"] + ")"),
        ("post", "`vietnam_provinces/data/nested-divisions.json` (data version " + R["data_versions"]["post"] + ")"),
        ("conv", "`vietnam_address_converter/data.py` (`DEFAULT_DATA`, a JSON literal): `mapping.rows` and `oldWards`"),
    ):
        pin = PINS[key]
        w(f"| {pin['dist']} | {pin['version']} | `{pin['wheel']}` | `{pin['sha256']}` | {used} |")
    m = R["conv_meta"]
    w("")
    w(f"The converter's mapping table says it comes from `{m.get('source')}` (sheet `{m.get('sheet')}`, version "
      f"`{m.get('version')}`, {m.get('row_count')} rows). Its codes are its own, not GSO codes: only its names are used.")
    w("")
    w("## Output files")
    w("")
    w("All files are UTF-8, NFC-normalised, comma-separated with a header row, RFC 4180 quoting (fields are quoted only")
    w("when needed), LF line endings. Codes are GSO codes kept as zero-padded strings: province 2 digits,")
    w("district 3, commune 5.")
    w("")
    w("| file | data rows | sha256 |")
    w("| --- | ---: | --- |")
    for f, n in sorted(R["counts"].items()):
        w(f"| `{f}` | {n} | `{R['hashes'][f]}` |")
    w("")
    w("- `units_before_2025.csv`, `units_2025.csv`: `code,level,name,kind,parent_code`. Rows are sorted by level")
    w("  (province, district, commune) and by code within a level. `name` is the proper name without its type")
    w("  prefix (numbered units keep just the number: `Phường 1` -> name `1`, kind `Phường`); `kind` is the type in")
    w("  Vietnamese. `parent_code` is empty for provinces, the province for districts, the district for pre-2025")
    w("  communes and the province for 2025 communes. Provinces written `Thành phố X` have kind `Thành phố trung ương`.")
    w("- `province_mapping_2025.csv`: `old_code,old_name,new_code,new_name`, one row per pre-2025 province, sorted by")
    w("  `old_code`. Names are full names with their type (`Tỉnh Hà Giang`).")
    w("- `commune_mapping_2025.csv`: `old_code,old_name,old_district_code,old_province_code,new_code,new_name,")
    w("  new_province_code,match`, one row per (old commune, new commune) pair, sorted by `old_code,new_code`. An old")
    w("  commune split between several new communes has several rows; a new commune formed from several old ones")
    w("  appears under each of them. Names are full names with their type. `match` is described below.")
    w("- `unmatched_2025.csv`: `side,gso_code,province,district,name,reason,detail`: everything that did not end up")
    w("  in the commune mapping. `side` is `old`/`new` for a converter row whose old/new side could not be matched")
    w("  (names as the converter writes them, `gso_code` empty except for districts without communes, `detail` = the")
    w("  other side of the row), `gso_old` for a pre-2025 GSO commune that no mapping row reaches, `gso_new` for a 2025")
    w("  GSO commune with no predecessor in the mapping. Identical lines are written once.")
    w("")
    w("## Unit lists")
    w("")
    for label, key, lines in (("before 1 July 2025 (vietnam-provinces " + PINS["pre"]["version"] + ")", "pre_counts", R["pre_lines"]),
                              ("from 1 July 2025 (vietnam-provinces " + PINS["post"]["version"] + ")", "post_counts", R["post_lines"])):
        w(f"Units {label}:")
        w("")
        for l in lines:
            w(f"- {l}")
        kinds = ", ".join(f"{lvl} {kind}: {n}" for (lvl, kind), n in sorted(R[key].items(), key=lambda kv: (LEVEL_ORDER[kv[0][0]], kv[0][1])))
        w(f"- by kind: {kinds}")
        w("")
    w("Checks passed by both files (the generator stops otherwise): codes unique, digits only and of the right")
    w("length for their level; every `parent_code` exists in the same file with the expected level.")
    w("")
    w("Notes on the package data:")
    w("")
    w("- In vietnam-provinces 0.6.0 the `division_type` field is unreliable (every province `tỉnh`, every district")
    w("  `huyện`, every commune `xã`), so kinds are taken from the name prefix. Two district names are written")
    w("  `Thành Phố …` (capital P); the kind is normalised to `Thành phố`.")
    w("- Five pre-2025 districts have no communes: " + ", ".join(f"{u.code} {u.full}" for u in R["empty_districts"]) + ".")
    w("- The pre-2025 list is GSO's list as of " + R["data_versions"]["pre"] + ". A few communes were merged, renamed or")
    w("  reclassified between then and 1 July 2025; in a few places the GSO list even holds both a merged commune and")
    w("  its predecessor (e.g. `Xã Tân An` and `Phường Tân An` in Thành phố Bắc Giang; two `Xã Đông Khê`,")
    w("  16387 and 16408, in Thành phố Thanh Hóa).")
    w("- 2025 names keep the package's typography, e.g. `Ea M’Droh` (U+2019) and `Chân Mây – Lăng Cô` (U+2013).")
    w("")
    w("### Lai Châu (province 12)")
    w("")
    lai_olds = sorted(oc for oc, nc in R["prov_map"].items() if nc == "12")
    merged = "not merged in 2025 (only old province 12 maps to new 12)" if lai_olds == ["12"] else f"new 12 is formed from {lai_olds}"
    w(f"{pre_by['12'].full} -> {post_by['12'].full}: {merged}. Communes: {R['lai_before']} before, {R['lai_after']} after.")
    w("Pre-2025 districts:")
    w("")
    for d in R["lai"]:
        w(f"- {d.code} {d.full} ({R['lai_comm'][d.code]} communes)")
    w("")
    w("## Province mapping")
    w("")
    w("Derived from the commune mapping: each old province goes to the new province that receives its communes")
    w("(the island districts without communes also count). Checks: every one of the 63 old provinces maps to exactly")
    w(f"one new province; {len(set(R['prov_map'].values()))} distinct new codes; "
      + ("no old province has communes in two new provinces" if not R["prov_notes"] else "split votes: " + "; ".join(R["prov_notes"]))
      + f"; {len(R['cross'])} commune pairs cross the province mapping.")
    w("")
    w("| new | old provinces | note |")
    w("| --- | --- | --- |")
    groups = collections.defaultdict(list)
    for oc, nc in R["prov_map"].items():
        groups[nc].append(oc)
    for nc in sorted(groups):
        olds = sorted(groups[nc])
        note = []
        if len(olds) == 1:
            note.append("not merged")
        if nc in olds:
            if len(olds) > 1:
                note.append(f"keeps the code of {pre_by[nc].full}")
        else:
            note.append("new code")
        w(f"| {nc} {post_by[nc].full} | " + ", ".join(f"{c} {pre_by[c].full}" for c in olds) + f" | {'; '.join(note)} |")
    w("")
    w("Every new province code is the code of one of its old provinces; the other old codes disappear.")
    w("")
    w("## Commune mapping: method")
    w("")
    w("Each converter row (old province, district, commune names -> new province, commune names) is matched to GSO")
    w("codes by name. Old provinces are matched among the 63, old districts within their province, old communes")
    w("within their district; new provinces among the 34 and new communes within their new province. Names are")
    w("compared after stripping the type prefix (`Tỉnh`, `Thành phố`, `Huyện`, `Quận`, `Thị xã`, `Xã`, `Phường`,")
    w("`Thị trấn`, `Đặc khu`) and normalising: NFC/NFD, case, spacing, hyphens and dashes, apostrophes (`K' Dang` =")
    w("`K'Dang`), tone-mark placement (`Hoà` = `Hòa`, `Thuỷ` = `Thủy`), leading zeros (`01` = `1`), a final Roman")
    w("numeral (`Phường III` = `Phường 3`) and GSO's `NT`/`N.T` abbreviation of `Nông trường`. The first tier")
    w("that gives a unique answer wins; a row's `match` is the weaker of its two sides:")
    w("")
    w("| match | meaning | pairs | old sides | new sides |")
    w("| --- | --- | ---: | ---: | ---: |")
    for t in TIERS:
        w(f"| `{t}` | {TIER_DOC[t]} | {R['tier_counts'].get(t, 0)} | {R['side_tiers']['old'].get(t, 0)} | {R['side_tiers']['new'].get(t, 0)} |")
    w("")
    w("All 63 old provinces, all 696 old districts and all 34 new provinces named by the converter were matched.")
    w(f"`other_district` is tried only among communes that no row matched in their own district (this rejected a false")
    w("match of `Phường Thanh Bình`, Biên Hòa, to `Xã Thanh Bình`, Trảng Bom).")
    w("")
    rs = R["row_stats"]
    w(f"Converter rows: {R['n_rows']}; matched on both sides: {rs['matched']}; not: {rs['unmatched']} (listed in")
    w(f"`unmatched_2025.csv` with side `old`/`new`). Matched rows give {R['counts']['commune_mapping_2025.csv']} distinct pairs.")
    w("")
    w("## Coverage")
    w("")
    w(f"- Old communes with at least one new commune: {R['old_cov']} / {R['old_total']} = {pct(R['old_cov'], R['old_total'])}"
      f" ({len(R['old_missing'])} without).")
    w(f"- New communes with at least one old commune: {R['new_cov']} / {R['new_total']} = {pct(R['new_cov'], R['new_total'])}"
      f" ({len(R['new_missing'])} without; {len(R['island_new'])} of them are special zones whose predecessor was a district without communes).")
    w("")
    w("Unmatched converter rows and GSO units without a mapping (`unmatched_2025.csv`):")
    w("")
    w("| side | reason | lines |")
    w("| --- | --- | ---: |")
    for (side, reason), n in sorted(R["unmatched_by"].items()):
        w(f"| {side} | {reason} | {n} |")
    w("")
    w("Old communes with no mapping at all:")
    w("")
    for c in R["old_missing"]:
        u = pre_by[c]
        d = pre_by[u.parent]
        w(f"- {c} {u.full}, {d.full}, {pre_by[d.parent].full}")
    w("")
    w("New communes with no predecessor commune:")
    w("")
    for c in R["new_missing"]:
        u = post_by[c]
        extra = ""
        if c in R["island_new"]:
            od = R["island_new"][c]
            extra = f" (from district {od.code} {od.full}, which had no communes)"
        w(f"- {c} {u.full}, {post_by[u.parent].full}{extra}")
    w("")
    w("Converter rows whose old side is not in the GSO list:")
    w("")
    for r in R["unmatched_rows"]:
        if r[0] == "old" and r[5] != "old_district_without_communes":
            w(f"- {r[4]}, {r[3]}, {r[2]} ({r[5]}; {r[6]})")
    w("")
    w("Why: the converter describes units as they were just before 1 July 2025, the GSO list in vietnam-provinces")
    w(f"0.6.0 is dated {R['data_versions']['pre']}. Communes merged or renamed in between (notably Thị xã Mộc Châu, Sơn La, created")
    w("in early 2025, whose new wards the converter lists but whose predecessors it does not) cannot be linked by")
    w("name; `Trung Tâm Huấn Luyện Cấm Sơn` is a training centre, not an administrative unit. `alt_name` recovers")
    w("some of these through the converter's own old-ward table. Nothing is guessed beyond the tiers above.")
    w("")
    w("## Cross-check: GSO code reuse")
    w("")
    w("A 2025 commune usually keeps the GSO code of one of its predecessors. This is *not* used for matching, only")
    w(f"to check it: {len(R['reuse'])} new communes carry the code of an old commune, and for {len(R['reuse_agree'])} of them")
    w(f"({pct(len(R['reuse_agree']), len(R['reuse']))}) the mapping contains that old commune -> new commune pair. The")
    w(f"{len(R['reuse_disagree'])} others: " + ", ".join(f"{c} ({pre_by[c].full} / {post_by[c].full})" for c in R["reuse_disagree"]) + ".")
    w("They are left as the converter gives them and listed here for review. Some look like code choices rather than")
    w("errors (in Hạ Lang, Cao Bằng, and Phủ Lý, Ninh Bình, three codes rotate among communes that the converter maps")
    w("by identical names); some are gaps or likely errors in the converter (03901: it maps old `Xã Suối Tọ` to")
    w("`Xã Phù Yên` and gives the 2025 `Xã Suối Tọ` no predecessor). Where the old commune has no mapping row,")
    w("`unmatched_2025.csv` gives the code-reuse link as a hint.")
    w("")
    path.write_bytes(("\n".join(L)).encode("utf-8"))


if __name__ == "__main__":
    sys.exit(main())
