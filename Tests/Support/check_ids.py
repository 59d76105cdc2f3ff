"""Reads identifiers (one per line) and prints python-stdnum's verdict for each: "1" valid, "0" not.

Lines are "siren <digits>" or "siret <digits>"; used to cross-check Vigie's SIREN and SIRET rules.
"""
import sys
from stdnum.fr import siren, siret

for line in sys.stdin:
    kind, number = line.split()
    module = siren if kind == "siren" else siret
    print("1" if module.is_valid(number) else "0")
