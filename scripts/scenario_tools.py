"""What the benchmark and chaos scenarios share: valid SIRENs and Creditsafe reports as the
fixture and the mock provider read them."""
import json


def luhn_digit(body):
    """The check digit that makes `body` + digit pass Luhn, as a SIREN must."""
    total = 0
    for i, c in enumerate(reversed(body)):
        v = int(c) * (2 if i % 2 == 0 else 1)
        total += v - 9 if v > 9 else v
    return str((10 - total % 10) % 10)


def report(siren, score, limit, date):
    """A Creditsafe company report, one JSON line: a score out of 100, its band, a credit limit."""
    common = "A" if score > 70 else "B" if score > 50 else "C" if score > 29 else "D"
    rating = {"commonValue": common, "commonDescription": "x", "creditLimit": {"currency": "EUR", "value": str(limit)},
              "providerValue": {"minValue": "0", "maxValue": "100", "value": str(score)}}
    return json.dumps({"companyId": "FR-X-" + siren, "dateOfOrder": date + "T08:00:00Z", "report": {
        "companySummary": {"businessName": "CLIENT", "companyRegistrationNumber": siren, "companyStatus": {"status": "Active"}, "creditRating": rating},
        "creditScore": {"currentCreditRating": rating}}}, separators=(",", ":"))
