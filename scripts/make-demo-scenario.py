#!/usr/bin/env python3
"""Builds scenarios/demo from the real data in data/.

Creditsafe reports keep the shape of the real report (providers/creditsafe-company-report.json):
LE JULES VERNE's is the real one, trimmed to what Vigie reads; the other companies' score series
are written in that shape. BODACC notices are the real notices of bodacc/collective-notices-sample.json,
put back into the Opendatasoft v2.1 record shape (the sample lost their ids, see FORMATS.md).
For vigie mock-provider, the first step also holds the real Ellisphère report (ENTREPRISE EDOUIN ERIC)
and the real Pappers answer (GAMM VERT); the last step holds that Ellisphère report with its score
lowered from 5 to 2 and its class from B to D (a derived file: the only change is those two values
and the delivery date). Altares publishes no format: its files (FRIZY's score, 11/20 then 6/20 once
its safeguard is known) are in Vigie's own, unverified shape (Sources/VigieProviders/Altares), invented values.

Usage: scripts/make-demo-scenario.py [DATA_DIR]   (default data/)
"""
import json, os, shutil, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "data")
out = os.path.join(root, "scenarios", "demo", "steps")

real = json.load(open(os.path.join(data, "providers", "creditsafe-company-report.json")))
sample = json.load(open(os.path.join(data, "bodacc", "collective-notices-sample.json")))

STEPS = [
    ("01-baseline", "2026-02-02"),
    ("02-score-drop", "2026-02-04"),
    ("03-receivership", "2026-02-05"),
    ("04-liquidation", "2026-02-06"),
    ("05-limits", "2026-02-10"),
]

# siren: (name, siret or siren, [(score, common value, limit) per step])
SERIES = {
    "337891287": ("GAMM VERT", "33789128700019", [(78, "A", 250000), (52, "B", 150000), (52, "B", 150000), (53, "B", 150000), (53, "B", 150000)]),
    "300254471": ("ENTREPRISE EDOUIN ERIC", "30025447100018", [(45, "C", 20000)] * 4 + [(44, "C", 0)]),
    "880878145": ("Ganymède", "88087814500015", [(66, "B", 40000)] * 4 + [("Not Rated", "E", None)]),
    "881843924": ("PASARGAD", "881843924", [(35, "C", 8000)] * 3 + [(12, "D", 1000), (12, "D", 1000)]),
    "843703869": ("FRIZY", "843703869", [(40, "C", 15000)] * 5),
    "494523335": ("SCI DES QUATRE SAISONS", "494523335", [(30, "C", 5000)] * 5),
}

DESCRIPTIONS = {"A": "Very Low Risk", "B": "Low Risk", "C": "Moderate Risk", "D": "High Risk", "E": "Not Scored"}

# Real notices (indexes into the sample) published at each step; the first of each is about a watched company.
NOTICES = {
    "01-baseline": [49, 0, 4],          # FRIZY safeguard opening; two unwatched companies
    "02-score-drop": [12, 28],
    "03-receivership": [17, 36],        # PASARGAD receivership opening
    "04-liquidation": [21, 40],         # SCI DES QUATRE SAISONS converted into liquidation
    "05-limits": [60, 64],
}


def rating(score, common, limit):
    value = score if isinstance(score, str) else str(score)
    rating = {
        "commonValue": common,
        "commonDescription": DESCRIPTIONS[common],
        "providerValue": {"maxValue": "100", "minValue": "0", "value": value},
        "providerDescription": DESCRIPTIONS[common],
    }
    rating["creditLimit"] = {"value": "Credit Limit not applicable"} if limit is None else {"currency": "EUR", "value": str(limit)}
    return rating


def report(siren, name, registration, step, date, series):
    current = rating(*series[step])
    previous = rating(*series[step - 1]) if step > 0 else current
    connect_id = "FR-X-" + registration
    summary = {
        "businessName": name, "country": "FR", "companyRegistrationNumber": registration,
        "companyStatus": {"status": "Active", "description": "Active"}, "creditRating": current,
    }
    return {
        "correlationId": "demo-%s-%d" % (siren, step + 1), "companyId": connect_id,
        "dateOfOrder": date + "T08:00:00.000Z", "language": "en",
        "report": {
            "companyId": connect_id, "language": "EN", "companySummary": summary,
            "companyIdentification": {"basicInformation": {
                "businessName": name, "companyRegistrationNumber": registration, "country": "FR",
                "companyStatus": {"status": "Active", "description": "Active"},
            }},
            "creditScore": {"currentCreditRating": current, "previousCreditRating": previous, "latestRatingChangeDate": date + "T00:00:00Z"},
        },
    }


def real_report(date):
    r = real["report"]
    return {
        "correlationId": real["correlationId"], "companyId": real["companyId"], "dateOfOrder": date + "T08:00:00.000Z",
        "language": real["language"],
        "report": {
            "companyId": r["companyId"], "language": r["language"], "companySummary": r["companySummary"],
            "companyIdentification": {"basicInformation": r["companyIdentification"]["basicInformation"]},
            "creditScore": r["creditScore"],
            "negativeInformation": {"judgements": r["negativeInformation"]["judgements"]},
            "additionalInformation": {"misc": {"deregistrationDate": r["additionalInformation"]["misc"]["deregistrationDate"]}},
        },
    }


def v21(record):
    kind = {"Avis initial": "annonce", "Avis rectificatif": "rectificatif"}.get(record["type_annonce"], "annulation")
    return {
        "id": None, "publicationavis": "A", "parution": None, "dateparution": record["date_parution"],
        "numeroannonce": record["numero_annonce"], "typeavis": kind, "typeavis_lib": record["type_annonce"],
        "familleavis": "collective", "familleavis_lib": "Procédures collectives", "tribunal": record["tribunal"],
        "commercant": record["nom_entreprise"], "ville": record["ville"], "cp": record["code_postal"],
        "registre": record["registre"], "jugement": record["contenu"], "listepersonnes": None,
        "parutionavisprecedent": None, "url_complete": None,
    }


shutil.rmtree(out, ignore_errors=True)
for index, (label, date) in enumerate(STEPS):
    folder = os.path.join(out, label, "creditsafe")
    os.makedirs(folder)
    for siren, (name, registration, series) in SERIES.items():
        with open(os.path.join(folder, siren + ".json"), "w") as f:
            json.dump(report(siren, name, registration, index, date, series), f, ensure_ascii=False, indent=1)
    with open(os.path.join(folder, "494814452.json"), "w") as f:
        json.dump(real_report(date), f, ensure_ascii=False, indent=1)
    records = [v21(sample[i]) for i in NOTICES[label]]
    with open(os.path.join(out, label, "bodacc.json"), "w") as f:
        json.dump({"total_count": len(records), "results": records}, f, ensure_ascii=False, indent=1)
ellisphere = open(os.path.join(data, "providers", "ellisphere-online-order-response.xml"), encoding="utf-8").read()
REAL_SCORE = '<value type="score" format="text" scale="0 - 10">5</value>\n                    <value type="riskclass" scale="A - E" format="text">B</value>'
assert REAL_SCORE in ellisphere
lowered = ellisphere.replace(REAL_SCORE, REAL_SCORE.replace(">5<", ">2<").replace(">B<", ">D<"), 1)
lowered = lowered.replace('<date type="delivery">2022-08-03T13:00:18</date>', '<date type="delivery">%sT08:00:00</date>' % STEPS[-1][1], 1)
for label, text in [(STEPS[0][0], ellisphere), (STEPS[-1][0], lowered)]:
    os.makedirs(os.path.join(out, label, "ellisphere"))
    with open(os.path.join(out, label, "ellisphere", "300254471.xml"), "w", encoding="utf-8") as f:
        f.write(text)
os.makedirs(os.path.join(out, STEPS[0][0], "pappers"))
shutil.copy(os.path.join(data, "providers", "pappers-entreprise.json"), os.path.join(out, STEPS[0][0], "pappers", "337891287.json"))
for label, date, value in [(STEPS[0][0], STEPS[0][1], 11), (STEPS[3][0], STEPS[3][1], 6)]:
    os.makedirs(os.path.join(out, label, "altares"))
    with open(os.path.join(out, label, "altares", "843703869.json"), "w", encoding="utf-8") as f:
        json.dump({"siren": "843703869", "raisonSociale": "FRIZY", "dateScore": date, "score": {"valeur": value, "min": 0, "max": 20},
                   "encoursConseille": {"montant": 15000 if value > 8 else 5000, "devise": "EUR"}, "etat": "actif"}, f, ensure_ascii=False, indent=1)
# The credit insurer's exports (Windows-1252, as portals write them) and the ERP's aged balance:
# PASARGAD's insurer cuts its limit while its overdue grows, before its receivership. Example
# figures, on the real companies.
INSURER_HEADER = "SIREN acheteur;Acheteur;Montant demandé;Montant agréé;Devise;Type de décision;Date de décision;Date de fin;Référence\n"
FRIZY_COVER = "843 703 869;FRIZY;30 000;30 000;EUR;Agréé;02/05/2025;30/06/2028;AT-2025-071\n"
INSURER = {
    STEPS[0][0]: "881 843 924;PASARGAD;20 000;15 000;EUR;Agrément partiel;15/06/2025;30/06/2028;AT-2025-118\n" + FRIZY_COVER,
    STEPS[1][0]: "881 843 924;PASARGAD;20 000;5 000;EUR;Réduction;15/12/2025;30/06/2028;AT-2025-118\n" + FRIZY_COVER,
}
for label, rows in INSURER.items():
    os.makedirs(os.path.join(out, label, "insurers"))
    with open(os.path.join(out, label, "insurers", "allianz-trade.csv"), "w", encoding="cp1252", newline="") as f:
        f.write(INSURER_HEADER + rows)
BALANCE_HEADER = "N° SIREN;Raison sociale;Date de situation;Non échu;1-30 j;31-60 j;61-90 j;+90 j;Total;Date plus ancienne facture;Dernier règlement\n"
BALANCES = {
    STEPS[0][0]: ["881843924;PASARGAD;30/11/2025;10 000,00;2 480,50;0,00;0,00;0,00;12 480,50;02/10/2025;20/11/2025",
                  "843703869;FRIZY;30/11/2025;27 500,00;0,00;0,00;0,00;0,00;27 500,00;05/11/2025;25/11/2025",
                  "494523335;SCI DES QUATRE SAISONS;30/11/2025;4 300,00;0,00;0,00;0,00;0,00;4 300,00;12/11/2025;18/11/2025",
                  ";TOTAL;;41 800,00;2 480,50;0,00;0,00;0,00;44 280,50;;"],
    STEPS[1][0]: ["881843924;PASARGAD;31/12/2025;6 000,00;7 400,00;8 500,00;0,00;0,00;21 900,00;02/10/2025;20/11/2025",
                  "843703869;FRIZY;31/12/2025;26 100,00;1 400,00;0,00;0,00;0,00;27 500,00;05/11/2025;22/12/2025",
                  "494523335;SCI DES QUATRE SAISONS;31/12/2025;4 300,00;0,00;0,00;0,00;0,00;4 300,00;12/12/2025;18/12/2025",
                  ";TOTAL;;36 400,00;8 800,00;8 500,00;0,00;0,00;53 700,00;;"],
    STEPS[2][0]: ["881843924;PASARGAD;31/01/2026;5 700,00;3 000,00;7 400,00;8 500,00;0,00;24 600,00;02/10/2025;20/11/2025",
                  "843703869;FRIZY;31/01/2026;27 500,00;0,00;0,00;0,00;0,00;27 500,00;05/12/2025;20/01/2026",
                  "494523335;SCI DES QUATRE SAISONS;31/01/2026;4 300,00;0,00;0,00;0,00;0,00;4 300,00;12/01/2026;18/01/2026",
                  ";TOTAL;;37 500,00;3 000,00;7 400,00;8 500,00;0,00;56 400,00;;"],
}
for label, rows in BALANCES.items():
    with open(os.path.join(out, label, "receivables.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(BALANCE_HEADER + "\n".join(rows) + "\n")
print("wrote", out)
