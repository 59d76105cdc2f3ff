#!/usr/bin/env python3
"""The naive baseline `scripts/bench classify` measures `vigie bodacc classify` against: Python's
ElementTree iterparse over a DILA PCL file, each notice classified by a handful of keyword rules
on its judgment's text, one JSON line per notice. It reads what Vigie reads, but knows none of
the traps Vigie's ordered rules handle (a closure that mentions a liquidation, a mission's end,
a rectificatif): it is the bar for speed and memory, not for verdicts.

Usage: bench-bodacc-baseline.py FILE > out.jsonl
"""
import json, sys
import xml.etree.ElementTree as ET

RULES = [
    ("procedure_closed", "clôture"),
    ("procedure_converted", "conversion"),
    ("plan_adopted", "plan de"),
    ("procedure_opened", "ouverture"),
    ("procedure_extended", "extension"),
]
PROCEDURES = [("liquidation", "liquidation judiciaire"), ("receivership", "redressement judiciaire"), ("safeguard", "sauvegarde")]

out = sys.stdout
for _, element in ET.iterparse(sys.argv[1], events=("end",)):
    if element.tag != "annonce":
        continue
    famille = element.findtext("jugement/famille") or ""
    nature = element.findtext("jugement/nature") or ""
    text = (famille + " " + nature + " " + (element.findtext("jugement/complementJugement") or "")).lower()
    event = next((name for name, word in RULES if word in text), "other_judgment")
    procedure = next((name for name, words in PROCEDURES if words in text), None)
    rcs = (element.findtext("numeroImmatriculation/numeroIdentificationRCS") or "").replace(" ", "")
    out.write(json.dumps({
        "notice_id": element.findtext("nojo"), "sirens": [rcs] if rcs else [], "company": element.findtext("personneMorale/denomination"),
        "famille": famille, "nature": nature, "event": event, "procedure": procedure,
    }, ensure_ascii=False) + "\n")
    element.clear()
