"""Generate the shipped synthetic sample under inputs/ (seeded: the same files every time).

Everything here is fictional: the clusters, the people and the numbers. The sample mimics
what the agency's account managers really send: each their own layout, Dutch or English
headers, title rows, xlsx, xls, ods and csv, and a realistic share of mistakes.

    python scripts/make_sample.py [--out inputs]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from sheetwriters import write_csv, write_ods, write_xls, write_xlsx, write_xlsx_1904

SEED = 20190401
START, END = dt.date(2017, 1, 1), dt.date(2020, 12, 31)

SPEARHEADS = [
    ("SC01", "Polder Energy Cluster", "PEC;Polder Energie"),
    ("SC02", "Scheldt Chemistry Network", "SCN;Schelde Chemie"),
    ("SC03", "Kempen Food Valley", "KFV;Kempense Voedingsvallei"),
    ("SC04", "Leie Logistics Cluster", "LLC;Leie Logistiek"),
    ("SC05", "Zenne Materials", "Zenne Materialen"),
    ("SC06", "Dijle Health Hub", "DHH;Dijle Gezondheid"),
]
IBNS = [
    "Hageland Agritech",
    "Maasland Water Network",
    "Nete Circular Textiles",
    "Demer Drones",
    "Ijzer Coastal Tourism Tech",
    "Dender Smart Buildings",
    "Mandel Packaging Network",
    "Rupel Brick Innovators",
    "Durme Bio-Based Plastics",
    "Vesder Photonics Group",
    "Zuidrand Games Collective",
    "Kust Blue Economy Network",
    "Heuvelland Wine & Craft",
    "Voorkempen Fintech",
    "Brabantse Wouden AI",
    "Gete Medtech Circle",
    "Waasland Marine Robotics",
    "Pajottenland Food Makers",
    "Kanaal Hydrogen Network",
    "Leiedal Creative Industries",
]
MANAGERS = ["An Peeters", "Bram Wouters", "Chloé Dubois", "Dirk Janssens", "Eva Maes"]

SERVICE_NAMES_NL = {
    "ACM": "Accountmanagement",
    "LPF": "Lerend platform",
    "PACT": "Clusterpact",
    "MATCH": "Matchmaking voor interclusteroproepen",
    "ICM": "Interclustermanager",
    "BMC": "Coaching businessmodel",
    "PPI": "Lerend platform innovatief aanbesteden",
    "PROMO": "Promotieondersteuning",
}
STEP_TITLES_NL = [
    "Matchmakingevents voor samenwerking tussen clusters",
    "Interclustermanagers",
    "Plan voor het dienstenpakket voor Vlaanderen",
    "Verdere uitwerking van het dienstenpakket (2020, 2021)",
    "Minstens twee nieuwe diensten ontwikkeld en getest",
    "Jaarlijkse teamvergadering over de promotie van clusters",
]
CRITERIA_NL = {
    "Alignment of cluster policy with national policies": (
        "Afstemming van het clusterbeleid op het nationale beleid"
    ),
    "Cooperation between development agencies and clusters": (
        "Samenwerking tussen ontwikkelingsagentschappen en clusters"
    ),
    "Mechanisms for cross-cluster collaboration": "Mechanismen voor samenwerking tussen clusters",
    "Tailor-made evaluation and monitoring": "Evaluatie en opvolging op maat",
    "Maturity of cluster organisations": "Maturiteit van de clusterorganisaties",
    "Long-term business model of clusters": "Businessmodel van clusters op lange termijn",
    "Access of clusters to S3 flagship programmes": "Toegang van clusters tot S3-vlaggenschipprogramma's",
    "Budget for cluster organisations": "Budget voor clusterorganisaties",
    "Continuity and sustainability of cluster support": (
        "Continuïteit en duurzaamheid van de clusterondersteuning"
    ),
    "Evaluation for continuous improvement": "Evaluatie voor continue verbetering",
    "Capability for cross-sectoral cooperation": "Vermogen tot sectoroverschrijdende samenwerking",
    "Involvement of clusters in S3 design": "Betrokkenheid van clusters bij het S3-ontwerp",
}
SERVICES = [
    # id, name, aliases, category, provider, step, launched
    (
        "ACM",
        "Account management",
        "accountmanagement;account manager",
        "non-financial",
        "internal",
        None,
        dt.date(2016, 4, 1),
    ),
    (
        "LPF",
        "Learning platform",
        "lerend platform;leerplatform",
        "non-financial",
        "internal",
        None,
        dt.date(2016, 9, 1),
    ),
    ("PACT", "Cluster pact", "clusterpact", "non-financial", "internal", None, dt.date(2017, 3, 1)),
    (
        "MATCH",
        "Matchmaking for intercluster calls",
        "matchmaking;matchmaking event",
        "non-financial",
        "internal",
        1,
        dt.date(2017, 6, 1),
    ),
    (
        "ICM",
        "Intercluster manager",
        "intercluster managers;interclustermanager",
        "non-financial",
        "third party",
        2,
        dt.date(2018, 11, 1),
    ),
    (
        "BMC",
        "Business-model coaching",
        "business model coaching;coaching businessmodel",
        "non-financial",
        "third party",
        5,
        dt.date(2019, 9, 1),
    ),
    (
        "PPI",
        "Learning platform on innovation procurement",
        "lerend platform innovatief aanbesteden;PPI learning platform",
        "non-financial",
        "internal",
        3,
        dt.date(2019, 10, 1),
    ),
    (
        "PROMO",
        "Promotion support",
        "promotieondersteuning;promotion",
        "non-financial",
        "internal",
        6,
        dt.date(2020, 2, 1),
    ),
]
SERVICE_NAMES_NL = {
    "ACM": "Accountmanagement",
    "LPF": "Lerend platform",
    "PACT": "Clusterpact",
    "MATCH": "Matchmaking",
    "ICM": "Interclustermanager",
    "BMC": "Coaching businessmodel",
    "PPI": "Lerend platform innovatief aanbesteden",
    "PROMO": "Promotieondersteuning",
}


def clusters(rng: random.Random) -> list[dict]:
    """The registry: 6 spearhead clusters and 20 innovative business networks."""
    rows = []
    for i, (cid, name, aliases) in enumerate(SPEARHEADS):
        rows.append(
            {
                "id": cid,
                "name": name,
                "aliases": aliases,
                "type": "speerpuntcluster",
                "from": dt.date(2016 + i // 3, 1 + 3 * (i % 3), 1),
                "end": None,
                "am": MANAGERS[i % len(MANAGERS)],
                "members": rng.randint(80, 320),
            }
        )
    for i, name in enumerate(IBNS):
        start = dt.date(2016 + i % 4, 1 + (i * 5) % 12, 1)
        rows.append(
            {
                "id": f"IBN{i + 1:02d}",
                "name": name,
                "aliases": "",
                "type": "IBN",
                "from": start,
                "end": dt.date(start.year + 3, start.month, 1) - dt.timedelta(days=1),
                "am": MANAGERS[(i + 1) % len(MANAGERS)],
                "members": rng.randint(12, 60),
            }
        )
    return rows


def service_uses(rng: random.Random, registry: list[dict]) -> list[dict]:
    """Uses of services by clusters, quarter by quarter, 2017 to 2020."""
    uses = []
    day = START
    while day <= END:
        for cluster in registry:
            active = cluster["from"] <= day and (cluster["end"] is None or day <= cluster["end"])
            spearhead = cluster["type"] != "IBN"
            for sid, _, _, _, _, _, launched in SERVICES:
                if launched > day or (sid == "PACT" and not spearhead):
                    continue
                chance = (0.55 if spearhead else 0.22) * (1.0 if active else 0.15)
                if sid in ("ACM",):
                    chance *= 1.3
                if rng.random() < chance:
                    when = day + dt.timedelta(days=rng.randint(0, 88))
                    people = rng.choice([None, rng.randint(1, 8), rng.randint(5, 40)])
                    uses.append(
                        {
                            "cluster": cluster,
                            "service": sid,
                            "date": when,
                            "participants": people,
                            "hours": rng.choice([1, 1.5, 2, 3, 4, 7.5, 16]),
                            "cost": rng.choice([None, 0, round(rng.uniform(150, 3200), 2)]),
                            "notes": rng.choice(
                                [
                                    "",
                                    "",
                                    "",
                                    "Kick-off",
                                    "Follow-up",
                                    "Online sessie",
                                    "Met 2 partnerclusters",
                                    "Workshop @ VLAIO",
                                ]
                            ),
                        }
                    )
        month = day.month + 3
        day = dt.date(day.year + (month > 12), (month - 1) % 12 + 1, 1)
    return uses


def be_number(value: float) -> str:
    """1234.5 written the Belgian way: 1.234,50."""
    text = f"{value:,.2f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "inputs")
    out = parser.parse_args().out
    rng = random.Random(SEED)
    if out.exists():
        shutil.rmtree(out)
    (out / "reference").mkdir(parents=True)
    (out / "SYNTHETIC-SAMPLE.md").write_text(
        "# Synthetic sample\n\nEvery file in this folder was made by `scripts/make_sample.py` "
        f"(seed {SEED}). The clusters, people and figures are fictional. Reports made from it "
        "say so on the cover and in every page footer.\n",
        encoding="utf-8",
    )
    registry = clusters(rng)
    write_reference(out / "reference", registry)
    uses = service_uses(rng, registry)
    write_exports(out / "exports", rng, registry, uses)
    write_projects(out / "exports" / "intercluster", rng, registry)
    print(f"wrote the synthetic sample to {out}: {len(registry)} clusters, {len(uses)} uses")


def write_reference(folder: Path, registry: list[dict]) -> None:
    """The registry (xlsx), catalogue (csv), action plan (xlsx) and benchmark (ods)."""
    rows = [
        ["Clusterregister – synthetisch voorbeeld", None],
        [None],
        [
            "ID",
            "Naam",
            "Alternatieve namen",
            "Type",
            "Erkend sinds",
            "Einde financiering",
            "Accountmanager",
            "Aantal leden",
        ],
    ]
    rows += [
        [c["id"], c["name"], c["aliases"], c["type"], c["from"], c["end"], c["am"], c["members"]]
        for c in registry
    ]
    write_xlsx(folder / "clusters.xlsx", [("Register", rows)])

    catalogue = [
        [
            "service id",
            "name",
            "aliases",
            "category",
            "provider",
            "action step",
            "launched",
            "naam (nl)",
        ]
    ]
    catalogue += [
        [s[0], s[1], s[2], s[3], s[4], s[5], s[6].isoformat(), SERVICE_NAMES_NL[s[0]]]
        for s in SERVICES
    ]
    write_csv(folder / "services.csv", catalogue, delimiter=",", encoding="utf-8-sig")

    plan = [
        ["CLUSTERIX 2.0 action plan – steps"],
        [],
        [
            "Step",
            "Title",
            "Planned start",
            "Planned end",
            "Status",
            "Actual start",
            "Actual end",
            "Evidence",
            "Action",
            "Lesson learnt",
            "Type of improvement",
            "Titel (NL)",
        ],
        [
            1,
            "Matchmaking events to foster cross-cluster collaboration",
            "2017-06",
            "2017-06",
            "completed",
            "2017-06",
            dt.date(2017, 6, 28),
            "Three intercluster calls, 2017–2018",
            "Action 1: Introduction of services for cluster management organisations",
            (
                "The 2017 peer review (ESCA) found Flanders below the portfolio on mechanisms for"
                " cross-cluster collaboration; the peer group discussion proposed matchmaking as "
                "a non-financial incentive."
            ),
            "new projects",
        ],
        [
            2,
            "Intercluster manager services",
            "2018-11",
            "2020-10",
            "ongoing",
            "2018-11",
            None,
            "Two FTE intercluster managers started autumn 2018",
            "Action 1: Introduction of services for cluster management organisations",
            (
                "The intercluster calls of step 1 showed that clusters lack the resources to "
                "pursue intercluster collaboration."
            ),
            "new projects; management",
        ],
        [
            3,
            "Service package plan for Flanders",
            "januari 2019",
            "januari 2019",
            "afgerond",
            "2019-01",
            dt.date(2019, 1, 31),
            "Plan 2019 submitted to the management board",
            "Action 1: Introduction of services for cluster management organisations",
            (
                "Working Group Services for CMOs (Győr, Clermont-Ferrand, Budapest, 2018): non-"
                "financial support to cluster organisations raises cluster excellence; the study "
                "'Regional Experiences with PPI' (Region Southern Denmark) inspired a learning "
                "platform on innovation procurement."
            ),
            "strategic focus",
        ],
        [
            4,
            "Further development of the service package plan (2020, 2021)",
            "2020-01",
            "2021-01",
            "lopend",
            "2020-02",
            None,
            "Plan 2020 approved; plan 2021 in preparation",
            "Action 1: Introduction of services for cluster management organisations",
            (
                "The services for clusters the Working Group Services for CMOs identified in the "
                "partner regions, matched to the needs of the Flemish clusters."
            ),
            "management; strategic focus",
        ],
        [
            5,
            "At least two new services developed and tested",
            "2019-04",
            "2021-03",
            "ongoing",
            "2019-09",
            None,
            "Business-model coaching tested; PPI learning platform running",
            "Action 1: Introduction of services for cluster management organisations",
            (
                "France Clusters (Auvergne-Rhône-Alpes): a tailor-made service package towards "
                "its members is essential to a cluster organisation's sustainable business model."
            ),
            "new projects",
        ],
        [
            6,
            "Annual team meeting on promoting clusters",
            "2019-04",
            "2019-04",
            "completed",
            "2019-04",
            dt.date(2019, 4, 25),
            "Promotion support service designed",
            "Action 1: Introduction of services for cluster management organisations",
            "The method presented at the CLUSTERIX 2.0 local stakeholder meeting of 19 December 2018.",
            "management",
        ],
    ]
    for row, title in zip(plan[3:], STEP_TITLES_NL, strict=True):
        row.append(title)
    write_xlsx(folder / "action-plan.xlsx", [("Actieplan", plan)])

    criteria = [
        "Alignment of cluster policy with national policies",
        "Cooperation between development agencies and clusters",
        "Mechanisms for cross-cluster collaboration",
        "Tailor-made evaluation and monitoring",
        "Maturity of cluster organisations",
        "Long-term business model of clusters",
        "Access of clusters to S3 flagship programmes",
        "Budget for cluster organisations",
        "Continuity and sustainability of cluster support",
        "Evaluation for continuous improvement",
        "Capability for cross-sectoral cooperation",
        "Involvement of clusters in S3 design",
    ]
    regions = [
        "Flanders",
        "Lower Austria",
        "Southern Denmark",
        "Skåne",
        "Auvergne-Rhône-Alpes",
        "West Pannon",
        "North-East Romania",
        "Tuscany",
        "Basque Country",
    ]
    rng = random.Random(SEED + 1)
    bench = [["Criterium", "Regio", "Score", "Jaar", "Criterium (NL)"]]
    for year in (2017, 2020):
        for i, criterion in enumerate(criteria):
            for region in regions:
                base = rng.uniform(2.2, 4.2)
                if region == "Flanders":
                    shift = -0.9 if i < 6 else 0.8
                    if year == 2020 and i in (2, 4):
                        shift = 0.1  # cross-cluster mechanisms improved after step 1 and 2
                    base = 3.2 + shift + rng.uniform(-0.1, 0.1)
                bench.append([criterion, region, round(base, 1), year, CRITERIA_NL[criterion]])
    write_ods(folder / "benchmark.ods", [("Benchmark", bench)])


def write_exports(folder: Path, rng: random.Random, registry: list[dict], uses: list[dict]) -> None:
    """One export per account manager, each in their own layout, with realistic mistakes."""
    by_manager: dict[str, list[dict]] = {m: [] for m in MANAGERS}
    for use in uses:
        by_manager[use["cluster"]["am"]].append(use)
    mistakes(rng, by_manager)

    # An Peeters: xlsx, Dutch headers, title rows, a sheet per year and an instructions sheet
    head = [
        "Clusterorganisatie",
        "Type dienst",
        "Datum activiteit",
        "Aantal deelnemers",
        "Aantal uren",
        "Kost (EUR)",
        "Opmerkingen",
    ]
    sheets = [
        ("Instructies", [["Vul per gebruik van een dienst één rij in."], ["Datum: dd/mm/jjjj"]])
    ]
    for year in range(2017, 2021):
        rows = [
            [f"Dienstverlening aan clusterorganisaties {year}"],
            ["Accountmanager: An Peeters"],
            [],
            head,
        ]
        rows += [
            [
                u["cluster"].get("spelling", u["cluster"]["name"]),
                SERVICE_NAMES_NL.get(u["service"], u["service"]),
                u["date"],
                u["participants"],
                u["hours"],
                u["cost"],
                u["notes"],
            ]
            for u in by_manager["An Peeters"]
            if _year(u) == year
        ]
        sheets.append((str(year), rows))
    write_xlsx(folder / "an-peeters" / "dienstverlening-2017-2020.xlsx", sheets)
    (folder / "an-peeters" / "~$dienstverlening-2017-2020.xlsx").write_bytes(b"\x00lock")

    # Bram Wouters: xls, English headers, dates typed as text
    rows = [
        [
            "Cluster name",
            "Service",
            "Date",
            "# participants",
            "Hours",
            "Cost",
            "Account manager",
            "Comments",
        ]
    ]
    rows += [
        [
            u["cluster"].get("spelling", u["cluster"]["id"]),
            u["service"],
            u["date"].strftime("%d/%m/%Y") if isinstance(u["date"], dt.date) else u["date"],
            u["participants"],
            u["hours"],
            u["cost"],
            "Bram Wouters",
            u["notes"],
        ]
        for u in by_manager["Bram Wouters"]
    ]
    write_xls(folder / "bram-wouters" / "services_log.xls", [("Log", rows)])
    (folder / "bram-wouters" / "old-export.xls").write_text(
        "<html><body><table><tr><td>Cluster</td></tr></table></body></html>", encoding="utf-8"
    )

    # Chloé Dubois: ods, Dutch headers, euro amounts as text, a hidden lists sheet
    rows = [
        ["Opvolging diensten – C. Dubois"],
        [],
        ["Cluster", "Dienst", "Datum", "Deelnemers", "Uren", "Bedrag", "Opmerking"],
    ]
    rows += [
        [
            u["cluster"].get("spelling", u["cluster"]["name"]),
            SERVICE_NAMES_NL.get(u["service"], u["service"]),
            u["date"],
            u["participants"],
            u["hours"],
            None if u["cost"] is None else f"€ {be_number(u['cost'])}",
            u["notes"],
        ]
        for u in by_manager["Chloé Dubois"]
    ]
    write_ods(
        folder / "chloe-dubois" / "opvolging.ods",
        [
            ("Opvolging", rows),
            ("Lijsten", [["Cluster"], *[[c["name"]] for c in registry]], {"hidden": True}),
        ],
    )

    # Dirk Janssens: csv with ';', Windows-1252, Belgian numbers, Dutch month names
    months = [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ]
    rows = [
        [
            "clusternaam",
            "dienstverlening",
            "datum",
            "aantal deelnemers",
            "uren",
            "kostprijs",
            "accountmanager",
            "opmerkingen",
        ]
    ]
    for i, u in enumerate(by_manager["Dirk Janssens"]):
        day = u["date"]
        if isinstance(day, dt.date):
            day = (
                f"{day.day} {months[day.month - 1]} {day.year}"
                if i % 2
                else day.strftime("%d.%m.%Y")
            )
        rows.append(
            [
                u["cluster"].get("spelling", u["cluster"]["name"]),
                u["service"],
                day,
                u["participants"],
                str(u["hours"]).replace(".", ","),
                None if u["cost"] is None else be_number(u["cost"]),
                "Dirk Janssens",
                u["notes"],
            ]
        )
    write_csv(
        folder / "dirk-janssens" / "diensten_dirk.csv", rows, delimiter=";", encoding="cp1252"
    )

    # Eva Maes: xlsx in the 1904 date system (a Mac), English headers with units
    rows = [
        ["Service log – Eva Maes"],
        ["Generated from the CRM"],
        [],
        [
            "Cluster ID",
            "Service type",
            "Activity date",
            "Number of participants",
            "Duration (h)",
            "Cost [€]",
            "Remarks",
        ],
    ]
    rows += [
        [
            u["cluster"].get("spelling", u["cluster"]["id"]),
            u["service"],
            u["date"],
            u["participants"],
            u["hours"],
            u["cost"],
            u["notes"],
        ]
        for u in by_manager["Eva Maes"]
    ]
    write_xlsx_1904(folder / "eva-maes" / "eva_service_log_2017-2020.xlsx", [("Services", rows)])
    (folder / "eva-maes" / "meeting-notes.docx").write_bytes(b"PK\x03\x04 not a workbook")


def _year(use: dict) -> int:
    return use["date"].year if isinstance(use["date"], dt.date) else 2019


def mistakes(rng: random.Random, by_manager: dict[str, list[dict]]) -> None:
    """A realistic share of mistakes, and uses reported twice."""
    for uses in by_manager.values():
        for use in rng.sample(uses, k=max(1, len(uses) // 40)):
            kind = rng.choice(["spelling", "date", "range", "negative", "fraction", "service"])
            if kind == "spelling":
                use["cluster"] = dict(use["cluster"], spelling=use["cluster"]["name"][:-2] + "x")
            elif kind == "date":
                use["date"] = "31/02/2019"
            elif kind == "range":
                use["date"] = dt.date(2051, 3, 1)
            elif kind == "negative":
                use["cost"] = -250.0
            elif kind == "fraction":
                use["participants"] = 2.5
            else:
                use["service"] = "Coffee corner"
        for use in rng.sample(uses, k=max(1, len(uses) // 60)):
            uses.append(dict(use))  # the same use entered twice
        uses.sort(key=lambda u: str(u["date"]))
    shared = rng.sample(by_manager["An Peeters"], k=3)
    by_manager["Dirk Janssens"].extend(dict(u) for u in shared)  # reported by two managers


def write_projects(folder: Path, rng: random.Random, registry: list[dict]) -> None:
    """Intercluster innovation projects of the three calls, with a few mistakes."""
    rows = [
        ["Intercluster innovatieprojecten"],
        [],
        [
            "Projectnummer",
            "Projecttitel",
            "Oproep",
            "Betrokken clusters",
            "Status",
            "Indieningsdatum",
            "Goedkeuringsdatum",
            "Projectbudget",
        ],
    ]
    calls = [
        ("intercluster call 2017", dt.date(2017, 9, 15), dt.date(2017, 12, 12)),
        ("intercluster call 2018", dt.date(2018, 3, 30), dt.date(2018, 6, 20)),
        ("intercluster call 2018-2", dt.date(2018, 10, 5), dt.date(2019, 1, 22)),
        ("intercluster call 2020", dt.date(2020, 2, 28), dt.date(2020, 6, 10)),
    ]
    statuses = ["goedgekeurd", "lopend", "afgerond", "afgewezen", "ingediend"]
    number = 0
    for call, submitted, approved in calls:
        for _ in range(rng.randint(5, 8)):
            number += 1
            members = rng.sample(registry, k=rng.choice([2, 2, 3, 4]))
            status = rng.choice(statuses)
            rows.append(
                [
                    f"ICP-{number:03d}",
                    f"Joint innovation project {number}",
                    call,
                    "; ".join(m["name"] for m in members),
                    status,
                    submitted,
                    approved if status not in ("afgewezen", "ingediend") else None,
                    round(rng.uniform(250_000, 1_800_000), -3),
                ]
            )
    rows.append(
        [
            "ICP-900",
            "Single-cluster proposal",
            "intercluster call 2020",
            registry[0]["name"],
            "ingediend",
            dt.date(2020, 2, 28),
            None,
            400000,
        ]
    )
    rows.append(list(rows[5]))  # the same project pasted twice
    rows.append([rows[6][0], "Renamed project", *rows[6][2:]])  # an id used twice
    write_xlsx(
        folder / "intercluster-projecten.xlsx",
        [("Projecten", rows), ("Draaitabel", [["Som van budget"], ["Totaal", 1]])],
    )


if __name__ == "__main__":
    main()
